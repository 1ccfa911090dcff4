/**
 * In-test interception of https://qyapi.weixin.qq.com and https://open.feishu.cn: MSW handlers over an
 * emulator. Nothing here loads Express, even transitively.
 *
 * @example
 * import { setupServer } from 'msw/node'
 * import { createEmulator, createHandlers } from 'worksuite-mock/mocks'
 * const emulator = createEmulator()
 * const server = setupServer(...createHandlers(emulator))
 * beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
 * afterEach(() => emulator.control.reset())
 * afterAll(() => server.close())
 */
// First: on too old a Node, this import fails, naming the version, before MSW fails obscurely later.
import './node-version.ts'
import type { RequestHandler } from 'msw'
import type { Control } from '../src/core/control.ts'
import { createEmulator } from '../src/emulator.ts'
import { createHandlers } from './handlers.ts'

export { createEmulator, Emulator, type EmulatorOptions } from '../src/emulator.ts'
export { createHandlers, FEISHU_ORIGINS, type HandlerOptions, WECOM_ORIGINS } from './handlers.ts'

const shared = createEmulator()

/** Ready-made handlers over one shared emulator, for the simplest use: `setupServer(...handlers)`. */
export const handlers: RequestHandler[] = createHandlers(shared)
/** The control plane of the shared emulator behind `handlers`. */
export const control: Control = shared.control
