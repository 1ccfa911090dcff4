/**
 * The stub server: one port, both vendors. Vendor paths go from node:http straight into the core; the
 * control plane (`/__mock/*`) is served by Express.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import type { Core } from '../create-core.ts'
import { serveVendorRequest } from './node-adapter.ts'

// `import … from 'node:http'` in ESM builds the module's facade, which reads every export, and one of them
// loads undici (fetch, WebSocket): about 28 ms of cold start for nothing. require() reads only what we use.
const { createServer } = createRequire(import.meta.url)('node:http') as typeof import('node:http')

export interface StubServerOptions {
  host?: string
  port?: number
}

export interface StubServer {
  url: string
  server: Server
  close(): Promise<void>
}

export function createStubServer(emulator: Core): Server {
  // Express (the control plane) loads on the first /__mock request, not at start: cold start matters.
  let control: Promise<(req: IncomingMessage, res: ServerResponse) => void> | undefined
  const loadControl = async () => {
    const [{ default: express }, { controlRouter }] = await Promise.all([
      import('express'),
      import('./control-router.ts'),
    ])
    const app = express()
    app.disable('x-powered-by')
    app.use('/__mock', controlRouter(emulator.control))
    return app
  }
  const config = emulator.core.config.server
  const server = createServer((req, res) => {
    const url = req.url ?? '/'
    if (url === '/__mock' || url.startsWith('/__mock/') || url.startsWith('/__mock?')) {
      control ??= loadControl()
      control.then(
        (app) => app(req, res),
        (e) => {
          console.error('[worksuite-mock] Failed to load the control plane:', e)
          res.writeHead(500).end()
        },
      )
      return
    }
    serveVendorRequest(emulator.core, req, res, url).catch((e) => {
      console.error('[worksuite-mock] Failed to serve a request:', e)
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    })
  })
  // A slow client cannot hold the server: the whole request must arrive within the timeout.
  server.requestTimeout = config.requestTimeoutMs
  server.headersTimeout = Math.min(config.requestTimeoutMs, 60_000)
  server.keepAliveTimeout = 5_000
  return server
}

export async function startStubServer(emulator: Core, options: StubServerOptions = {}): Promise<StubServer> {
  const server = createStubServer(emulator)
  const host = options.host ?? emulator.core.config.server.host
  const port = options.port ?? emulator.core.config.server.port
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shownHost}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
