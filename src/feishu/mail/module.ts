/**
 * Feishu mail: send (SEED-003) and the message read-back, with the state they share: the mail store,
 * the per-mailbox locks, the per-app rate limit and the daily quotas. All of it is rebuilt on reset.
 */
import type { EmulatorModule } from '../../core/module.ts'
import { messageGet } from './get.ts'
import { MailboxLocks } from './lock.ts'
import { DailyCounters, RateLimiter } from './quotas.ts'
import { mailSend } from './send.ts'
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
  endpoints: [mailSend, messageGet],
  createStores: (env) => ({
    feishuMail: {
      store: new MailStore(env.random, () => env.config.feishu.mail.maxStoredMessages),
      locks: new MailboxLocks(),
      rate: new RateLimiter(),
      daily: new DailyCounters(),
    },
  }),
}
