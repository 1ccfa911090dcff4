/**
 * worksuite-mock: an emulator of WeCom's meeting, schedule and meeting-mail APIs and Feishu's mail send.
 * `createEmulator()` is the transport-free emulator; the stub server, the Express middleware and the MSW
 * handlers (mocks/) are thin adapters over it, each a function of the emulator.
 *
 * @example
 * const emulator = createEmulator({ fakerSeed: 1 })
 * const server = await startStubServer(emulator, { port: 0 })
 * app.use('/vendor', expressMiddleware(emulator))
 */

export type { AccountStats, BudgetState } from './core/budget.ts'
export { ConfigError, defaultConfig, resolveConfig } from './core/config.ts'
export type { Defaults } from './core/control.ts'
export { Control, ControlError } from './core/control.ts'
export type { FaultRule, FaultView } from './core/faults.ts'
export type { CoreRequest, CoreResponse } from './core/http.ts'
export type { JournalEntry, JournalFilter } from './core/journal.ts'
export { DataDirError } from './core/persistence.ts'
export { defaultSeed, loadSeedFile, SeedError, validateSeed } from './core/seed.ts'
export { createEmulator, Emulator, type EmulatorOptions } from './emulator.ts'
export { expressMiddleware } from './server/express.ts'
export { createStubServer, type StubServer, type StubServerOptions, startStubServer } from './server/stub-server.ts'
