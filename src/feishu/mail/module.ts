/**
 * Feishu mail: send (https://open.feishu.cn/document/server-docs/mail-v1/user_mailbox-message/send) and the message
 * read-back, with the state they share: the mail store, the per-mailbox locks, the per-app rate limit and the daily
 * quotas. All of it is rebuilt on reset.
 */
import type { EmulatorModule } from '../../core/module.ts'
import { messageGetRoute } from './get.ts'
import { MailboxLocks } from './lock.ts'
import { DailyCounters, RateLimiter } from './quotas.ts'
import { sendRoute } from './send.ts'
import { MailStore } from './store.ts'

export interface FeishuMailState {
  store: MailStore
  locks: MailboxLocks
  rate: RateLimiter
  daily: DailyCounters
}

declare module '../../core/module.ts' {
  interface Stores {
    feishuMail: FeishuMailState
  }
}

export const feishuMailModule: EmulatorModule = {
  name: 'feishu.mail',
  routes: [sendRoute(), messageGetRoute()],
  createStores: (env) => ({
    feishuMail: {
      store: new MailStore(env.random, () => env.config.feishu.mail.maxStoredMessages, env.budget),
      locks: new MailboxLocks(),
      rate: new RateLimiter(),
      daily: new DailyCounters(),
    },
  }),
}
