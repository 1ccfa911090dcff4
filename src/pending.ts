/**
 * The five business endpoints before their issues land: authenticated like the real ones, then a clear
 * "not implemented" in the vendor's envelope. Each is replaced by its module as it is built.
 */
import { fail } from './core/errors.ts'
import type { EmulatorModule, RouteDef } from './core/module.ts'

function pending(id: string, vendor: 'wecom' | 'feishu', path: string): RouteDef {
  return {
    id,
    vendor,
    method: 'POST',
    path,
    auth: vendor === 'wecom' ? 'wecom' : 'feishu-user',
    body: 'json',
    handle() {
      if (vendor === 'wecom')
        fail(-1, `${id} is not implemented in worksuite-mock yet`, {
          prefix: 'not implemented in worksuite-mock yet: ',
        })
      fail(1236019, `${id} is not implemented in worksuite-mock yet`, {
        message: 'not implemented in worksuite-mock yet',
      })
    },
  }
}

export function pendingModule(done: ReadonlySet<string>): EmulatorModule {
  const all = [
    pending('wecom.exmail.compose_send', 'wecom', '/cgi-bin/exmail/app/compose_send'),
    pending('wecom.meeting.create', 'wecom', '/cgi-bin/meeting/create'),
    pending('wecom.meeting.update', 'wecom', '/cgi-bin/meeting/update'),
    pending('wecom.schedule.add', 'wecom', '/cgi-bin/oa/schedule/add'),
    pending('feishu.mail.send', 'feishu', '/open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages/send'),
  ]
  return { name: 'pending', routes: all.filter((r) => !done.has(r.id)) }
}
