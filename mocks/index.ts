/**
 * In-test interception of https://qyapi.weixin.qq.com and https://open.feishu.cn.
 *
 * @example
 * import { setupServer } from 'msw/node'
 * import { createEmulator } from 'worksuite-mock/mocks'
 * const emulator = createEmulator()
 * const server = setupServer(...emulator.handlers)
 * beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
 * afterEach(() => emulator.control.reset())
 * afterAll(() => server.close())
 */
import type { RequestHandler } from 'msw'
// From create-core, not src/index.ts: the MSW entry point never loads Express.
import { type Core, createCore, type EmulatorOptions } from '../src/create-core.ts'
import { createHandlers, type HandlerOptions } from './handlers.ts'

export interface MswEmulator {
  handlers: RequestHandler[]
  control: Core['control']
  core: Core
}

/** Each call is an isolated emulator with its own state, clock and journal. */
export function createEmulator(options: EmulatorOptions & HandlerOptions = {}): MswEmulator {
  const { origins, ...coreOptions } = options
  const core = createCore(coreOptions)
  return { handlers: createHandlers(core, origins ? { origins } : {}), control: core.control, core }
}

const shared = createEmulator()

/** Ready-made handlers over one shared emulator, for the simplest use: `setupServer(...handlers)`. */
export const handlers: RequestHandler[] = shared.handlers
/** The control plane of the shared emulator behind `handlers`. */
export const control: Core['control'] = shared.control

export { createHandlers, FEISHU_ORIGINS, WECOM_ORIGINS } from './handlers.ts'
