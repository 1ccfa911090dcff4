/** WeCom meeting mail: exmail/app/compose_send, delivering to emulated mailboxes and booking schedules and meetings. */
import type { EmulatorModule } from '../../core/module.ts'
import { composeSend } from './compose-send.ts'
import { MailboxStore } from './mailboxes.ts'

declare module '../../core/module.ts' {
  interface Stores {
    mailboxes: MailboxStore
  }
}

export const wecomMailModule: EmulatorModule = {
  name: 'wecom.mail',
  endpoints: [composeSend],
  createStores: (env) => ({
    mailboxes: new MailboxStore(env.config.wecom.maxMailboxes, env.config.wecom.maxMailsPerMailbox),
  }),
}
