/**
 * worksuite-mock: an emulator of WeCom's meeting, schedule and meeting-mail APIs and Feishu's mail send.
 * `createCore()` is the transport-free emulator; the stub server, the Express middleware and the MSW
 * handlers (mocks/) are thin adapters over it.
 */
import { Control } from './core/control.ts'
import { type CoreOptions, EmulatorCore } from './core/emulator.ts'
import { injectFaults } from './core/faults.ts'
import { modules } from './modules.ts'
import { expressMiddleware } from './server/express.ts'
import { type StubServerOptions, startStubServer } from './server/stub-server.ts'

export type EmulatorOptions = Omit<CoreOptions, 'modules'>

export interface Core {
  core: EmulatorCore
  control: Control
  handle: EmulatorCore['handle']
}

/** An isolated emulator: its own state, clock and journal. */
export function createCore(options: EmulatorOptions = {}): Core {
  const core = new EmulatorCore({ ...options, modules })
  core.interceptors.push(injectFaults)
  return { core, control: new Control(core), handle: (req) => core.handle(req) }
}

export { ConfigError, defaultConfig, resolveConfig } from './core/config.ts'
/** The emulator with its adapters: `express()` to mount in an app, `listen()` for a stub server. */
export function createEmulator(options: EmulatorOptions = {}) {
  const core = createCore(options)
  return {
    ...core,
    express: () => expressMiddleware(core),
    listen: (opts?: StubServerOptions) => startStubServer(core, opts),
  }
}

export type { Defaults } from './core/control.ts'
export { Control, ControlError } from './core/control.ts'
export type { FaultRule, FaultView } from './core/faults.ts'
export type { CoreRequest, CoreResponse } from './core/http.ts'
export type { JournalEntry, JournalFilter } from './core/journal.ts'
export { defaultSeed, loadSeedFile, SeedError, validateSeed } from './core/seed.ts'
export { expressMiddleware } from './server/express.ts'
export { createStubServer, type StubServer, startStubServer } from './server/stub-server.ts'
