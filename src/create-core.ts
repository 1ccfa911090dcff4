/**
 * `createCore()`, apart from src/index.ts so the CLI can start without loading Express (the control plane
 * loads it on its first request): Express alone is about 130 ms of the stub server's cold start.
 */
import { Control } from './core/control.ts'
import { type CoreOptions, EmulatorCore } from './core/emulator.ts'
import { faultsModule, injectFaults } from './core/faults.ts'
import { plugins } from './plugins.ts'

export type EmulatorOptions = Omit<CoreOptions, 'plugins'>

export interface Core {
  core: EmulatorCore
  control: Control
  handle: EmulatorCore['handle']
}

/** An isolated emulator: its own state, clock and journal. */
export function createCore(options: EmulatorOptions = {}): Core {
  const core = new EmulatorCore({ ...options, plugins: [faultsModule, ...plugins] })
  core.interceptors.push(injectFaults)
  return { core, control: new Control(core), handle: (req) => core.handle(req) }
}
