/**
 * `worksuite-mock/server`: the emulator over HTTP. `startStubServer(core)` listens (vendor paths and the
 * `/__mock` control plane on one port, health at `/__mock/health` and `/__mock/health/ready`);
 * `expressMiddleware(core)` mounts the same into your own Express app.
 *
 * @example
 * import { createCore } from 'worksuite-mock'
 * import { startStubServer } from 'worksuite-mock/server'
 * const server = await startStubServer(createCore(), { port: 0 })
 */
export { type ExpressMiddleware, expressMiddleware } from './express.ts'
export { HEALTH_PATH, READY_PATH } from './health.ts'
export {
  type ControlAccess,
  controlAccessFor,
  createStubServer,
  isLoopback,
  type StubServer,
  type StubServerOptions,
  startStubServer,
} from './stub-server.ts'
