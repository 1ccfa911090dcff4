/**
 * One way to talk to the emulator per adapter, all with the same `call`: the core directly, the stub
 * server over HTTP, and the MSW handlers through fetch to the real hostnames. Rule tables run through
 * every harness, so the adapters are shown to agree.
 */
import type { EmulatorOptions } from '../../src/index.ts'
import { type Call, type Reply, testCore } from './core.ts'

export interface Harness {
  call(c: Call): Promise<Reply>
  control: ReturnType<typeof testCore>['control']
  close(): Promise<void>
}

export interface HarnessFactory {
  name: string
  make(options?: EmulatorOptions): Promise<Harness>
}

export const coreHarness: HarnessFactory = {
  name: 'core',
  async make(options) {
    const t = testCore(options)
    return { call: t.call, control: t.control, close: async () => {} }
  },
}

/** Every adapter; the stub-server and MSW harnesses join this list as the adapters land. */
export const harnesses: HarnessFactory[] = [coreHarness]
