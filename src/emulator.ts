/**
 * `createEmulator()`: the emulator with every plugin of src/plugins.ts. Nothing here loads Express, so the
 * CLI starts without it (the control plane loads it on its first request; Express alone is about 130 ms of
 * the stub server's cold start) and the MSW handlers never load it at all. The adapters are functions of
 * the emulator: `startStubServer(emulator)`, `expressMiddleware(emulator)`, `createHandlers(emulator)`.
 */
import { Emulator, type EmulatorOptions } from './core/emulator.ts'
import { plugins } from './plugins.ts'

/** Type-only: loads the modules' declarations (see src/plugins.ts), which give `control` its read-backs. */
export type { plugins }
export { Emulator, type EmulatorOptions }

/** An isolated emulator: its own state, clock and journal. */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  return new Emulator({ ...options, plugins })
}
