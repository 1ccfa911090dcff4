/**
 * worksuite-mock: an emulator of WeCom's meeting, schedule and meeting-mail APIs and Feishu's mail send.
 * `createCore()` is the transport-free emulator; the stub server, the Express middleware and the MSW
 * handlers (mocks/) are thin adapters over it.
 */
import { createCore, type EmulatorOptions } from './create-core.ts'
import { expressMiddleware } from './server/express.ts'
import { type StubServerOptions, startStubServer } from './server/stub-server.ts'

export { ConfigError, defaultConfig, resolveConfig } from './core/config.ts'
export { type Core, createCore, type EmulatorOptions } from './create-core.ts'
/** The emulator with its adapters: `express()` to mount in an app, `listen()` for a stub server. */
export function createEmulator(options: EmulatorOptions = {}) {
  const core = createCore(options)
  return {
    ...core,
    express: () => expressMiddleware(core),
    listen: (opts?: StubServerOptions) => startStubServer(core, opts),
  }
}

export type { AccountStats, BudgetState } from './core/budget.ts'
export type { Defaults } from './core/control.ts'
export { Control, ControlError } from './core/control.ts'
export type { FaultRule, FaultView } from './core/faults.ts'
export type { CoreRequest, CoreResponse } from './core/http.ts'
export type { JournalEntry, JournalFilter } from './core/journal.ts'
export { defaultSeed, loadSeedFile, SeedError, validateSeed } from './core/seed.ts'
export { expressMiddleware } from './server/express.ts'
export { createStubServer, type StubServer, startStubServer } from './server/stub-server.ts'
