/**
 * `worksuite-mock/server`: the emulator over HTTP. `startStubServer(emulator)` listens (vendor paths and the
 * `/__mock` control plane on one port, health at `/__mock/health` and `/__mock/health/ready`);
 * `expressMiddleware(emulator)` mounts the same into your own Express app.
 *
 * @example
 * import { createEmulator } from 'worksuite-mock'
 * import { startStubServer } from 'worksuite-mock/server'
 * const server = await startStubServer(createEmulator(), { port: 0 })
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
