/**
 * Feishu mail: send (https://open.feishu.cn/document/server-docs/mail-v1/user_mailbox-message/send) and the message
 * read-backs (get, list), with the state they share: the mail store, the per-mailbox locks, the per-app rate limit and the daily
 * quotas. All of it is rebuilt on reset; the control plane reads a mailbox (`control.mailbox()`,
 * `GET /__mock/feishu/mailboxes/:address/messages`).
 */
import type { EmulatorModule } from '../../core/module.ts'
import { messageGet } from './get.ts'
import { messageList } from './list.ts'
import { MailboxLocks } from './lock.ts'
import { type DailyQuotas, dailyQuotas, RateLimiter } from './quotas.ts'
import { mailSend } from './send.ts'
import { controlView, MailStore } from './store.ts'

export interface FeishuMailState {
  store: MailStore
  locks: MailboxLocks
  rate: RateLimiter
  daily: DailyQuotas
}

declare module '../../core/module.ts' {
  interface Stores {
    feishuMail: FeishuMailState
  }
  interface ControlOperations {
    /** Feishu mail: every message a mailbox holds (sent copies and delivered ones), oldest first. */
    mailbox(address: string): ReturnType<typeof controlView>[]
  }
}

export const feishuMailModule: EmulatorModule = {
  name: 'feishu.mail',
  endpoints: [mailSend, messageGet, messageList],
  createStores: (env) => ({
    feishuMail: {
      store: new MailStore(env.random, () => env.config.feishu.mail.maxStoredMessages, env.budget, env.persist),
      locks: new MailboxLocks(),
      rate: new RateLimiter(),
      daily: dailyQuotas(),
    },
  }),
  control: {
    operations: { mailbox: (env, address) => env.stores.feishuMail.store.list(address).map(controlView) },
    routes: [
      {
        method: 'GET',
        path: '/feishu/mailboxes/:address/messages',
        handle: ({ params }, env) => {
          const messages = env.stores.feishuMail.store.list(params.address!).map(controlView)
          return { mailbox: params.address!.toLowerCase(), count: messages.length, messages }
        },
      },
    ],
  },
}
