import type { EmulatorModule } from '../core/module.ts'
import { feishuAuthRoutes } from './auth.ts'
import { FeishuDirectory } from './directory.ts'
import { FeishuTokens } from './tokens.ts'

declare module '../core/module.ts' {
  interface Stores {
    feishuDirectory: FeishuDirectory
    feishuTokens: FeishuTokens
  }
}

/** Feishu tenants, apps, users and mailboxes, and the tokens that open them. */
export const feishuAuthModule: EmulatorModule = {
  name: 'feishu.auth',
  routes: feishuAuthRoutes(),
  createStores: (env) => ({
    feishuDirectory: new FeishuDirectory(env.seed.feishu.tenants),
    feishuTokens: new FeishuTokens(env.random, env.clock, env.config.feishu, env.seed),
  }),
}
