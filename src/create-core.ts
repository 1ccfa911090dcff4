/**
 * `createCore()`, apart from src/index.ts so the CLI can start without loading Express (the control plane
 * loads it on its first request): Express alone is about 130 ms of the stub server's cold start.
 */
import { Control } from './core/control.ts'
import { type CoreOptions, EmulatorCore } from './core/emulator.ts'
import { injectFaults } from './core/faults.ts'
import { modules } from './modules.ts'

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
