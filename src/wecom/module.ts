import type { EmulatorModule } from '../core/module.ts'
import { gettokenRoute, WecomTokens } from './auth.ts'
import { WecomDirectory } from './directory.ts'

declare module '../core/module.ts' {
  interface Stores {
    wecomDirectory: WecomDirectory
    wecomTokens: WecomTokens
  }
}

/** The WeCom directory (corps, apps, users) and access tokens: what every WeCom endpoint stands on. */
export const wecomAuthModule: EmulatorModule = {
  name: 'wecom.auth',
  routes: [gettokenRoute()],
  createStores: (env) => ({
    wecomDirectory: new WecomDirectory(env.seed.wecom.corps),
    wecomTokens: new WecomTokens(env.random, env.clock, env.config.wecom.tokenTtlSeconds),
  }),
}
