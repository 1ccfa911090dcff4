/**
 * WeCom meeting mail: exmail/app/compose_send, delivering to emulated mailboxes and booking schedules and
 * meetings; the control plane reads the mailboxes (`control.wecomMailbox()`, `GET /__mock/wecom/mailboxes/:address`)
 * (the schedules mails created are the schedules module's: `control.wecomMailSchedules()`).
 */
import { ControlError } from '../../core/errors.ts'
import type { EmulatorModule, Env } from '../../core/module.ts'
import { composeSend } from './compose-send.ts'
import { type DeliveredMail, type MailboxEntry, MailboxStore } from './mailboxes.ts'

declare module '../../core/module.ts' {
  interface Stores {
    mailboxes: MailboxStore
  }
  interface ControlOperations {
    /** What one address received through meeting mails, oldest first (its corp address for an internal user). */
    wecomMailbox(address: string): (DeliveredMail & { delivered_as: MailboxEntry['as'] })[]
  }
}

function wecomMailbox(env: Env, address: string): (DeliveredMail & { delivered_as: MailboxEntry['as'] })[] {
  if (!address.includes('@')) {
    // A userid would silently find nothing: internal users' mail is filed under their corp address.
    const emails = [...env.stores.wecomDirectory.corps.values()].map((c) => c.users.get(address)?.email).filter(Boolean)
    throw new ControlError(
      400,
      `give a mail address, not "${address}": internal users' mail is filed under their corp address${emails.length ? ` (${emails.join(' or ')})` : ''}`,
    )
  }
  return env.stores.mailboxes.read(address).map(({ mail, as }) => ({ ...mail, delivered_as: as }))
}

export const wecomMailModule: EmulatorModule = {
  name: 'wecom.mail',
  endpoints: [composeSend],
  createStores: (env) => ({
    mailboxes: new MailboxStore(
      env.config.wecom.maxMailboxes,
      env.config.wecom.maxMailsPerMailbox,
      env.budget,
      env.persist,
    ),
  }),
  control: {
    operations: { wecomMailbox },
    routes: [
      {
        method: 'GET',
        path: '/wecom/mailboxes/:address',
        handle: ({ params }, env) => {
          const address = params.address!
          const mails = wecomMailbox(env, address)
          return { address: address.toLowerCase(), count: mails.length, mails }
        },
      },
    ],
  },
}
