/** WeCom meeting mail: exmail/app/compose_send, delivering to emulated mailboxes and booking schedules and meetings. */
import type { EmulatorModule } from '../../core/module.ts'
import { composeSendRoute } from './compose-send.ts'
import { MailboxStore } from './mailboxes.ts'

declare module '../../core/module.ts' {
  interface Stores {
    mailboxes: MailboxStore
  }
}

export const wecomMailModule: EmulatorModule = {
  name: 'wecom.mail',
  routes: [composeSendRoute()],
  createStores: (env) => ({
    mailboxes: new MailboxStore(env.config.wecom.maxMailboxes, env.config.wecom.maxMailsPerMailbox, env.budget),
  }),
}
