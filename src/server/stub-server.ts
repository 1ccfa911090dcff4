/**
 * The stub server: one port, both vendors. Vendor paths go from node:http straight into the core; the
 * control plane (`/__mock/*`) is served by Express.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import type { Emulator } from '../core/emulator.ts'
import { compilePendingSchemasInBackground } from '../core/schema.ts'
import { serveVendorRequest } from './node-adapter.ts'

// `import … from 'node:http'` in ESM builds the module's facade, which reads every export, and one of them
// loads undici (fetch, WebSocket): about 28 ms of cold start for nothing. require() reads only what we use.
const require = createRequire(import.meta.url)
const { createServer } = require('node:http') as typeof import('node:http')
const { timingSafeEqual } = require('node:crypto') as typeof import('node:crypto')

export interface StubServerOptions {
  host?: string
  port?: number
}

export interface StubServer {
  url: string
  server: Server
  close(): Promise<void>
}

/** Loopback addresses: only the machine itself can reach them. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h.startsWith('::ffff:127.')
}

/**
 * Who may use the control plane (reset, clock, journal, faults: it can rewrite the emulator's world). With a
 * `server.controlToken`, whoever presents it; without one, anyone on a loopback host, and nobody on any other
 * host (disabled rather than refusing to start: the vendor endpoints stay useful in a container).
 */
export type ControlAccess = { kind: 'open' } | { kind: 'token'; token: string } | { kind: 'disabled'; host: string }

export function controlAccessFor(host: string, token: string | undefined): ControlAccess {
  if (token) return { kind: 'token', token }
  return isLoopback(host) ? { kind: 'open' } : { kind: 'disabled', host }
}

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Why a control request is refused (status and message), or undefined when it may go through. */
function controlRefusal(access: ControlAccess, req: IncomingMessage): { status: number; error: string } | undefined {
  if (access.kind === 'open') return undefined
  if (access.kind === 'disabled') {
    return {
      status: 403,
      error: `the control plane is disabled: the server listens on ${access.host}, not a loopback address, and no server.controlToken is set`,
    }
  }
  const auth = req.headers.authorization
  const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined
  const header = req.headers['x-mock-control-token']
  if (sameSecret(bearer, access.token) || sameSecret(typeof header === 'string' ? header : undefined, access.token))
    return undefined
  return {
    status: 401,
    error: 'the control plane needs the control token: Authorization: Bearer <token> or x-mock-control-token',
  }
}

export function createStubServer(emulator: Emulator, host: string = emulator.config.server.host): Server {
  const access = controlAccessFor(host, emulator.config.server.controlToken as string | undefined)
  // Express (the control plane) loads on the first /__mock request, not at start: cold start matters.
  let control: Promise<(req: IncomingMessage, res: ServerResponse) => void> | undefined
  const loadControl = async () => {
    const [{ default: express }, { controlRouter }] = await Promise.all([
      import('express'),
      import('./control-router.ts'),
    ])
    const app = express()
    app.disable('x-powered-by')
    app.use('/__mock', controlRouter(emulator.control, express))
    return app
  }
  const config = emulator.config.server
  // Node checks the request timeouts only every connectionsCheckingInterval (30 s by default): check often
  // enough that `requestTimeoutMs` is what a slow client actually gets.
  const checkEvery = Math.max(50, Math.min(1000, Math.floor(config.requestTimeoutMs / 4)))
  const server = createServer({ connectionsCheckingInterval: checkEvery }, (req, res) => {
    const url = req.url ?? '/'
    if (url === '/__mock' || url.startsWith('/__mock/') || url.startsWith('/__mock?')) {
      const refusal = controlRefusal(access, req)
      if (refusal) {
        res.writeHead(refusal.status, {
          'content-type': 'application/json; charset=utf-8',
          ...(refusal.status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
        })
        res.end(JSON.stringify({ error: refusal.error }))
        req.resume()
        return
      }
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
    serveVendorRequest(emulator, req, res, url).catch((e) => {
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

export async function startStubServer(emulator: Emulator, options: StubServerOptions = {}): Promise<StubServer> {
  const host = options.host ?? emulator.config.server.host
  const server = createStubServer(emulator, host)
  const access = controlAccessFor(host, emulator.config.server.controlToken as string | undefined)
  if (access.kind === 'disabled') {
    console.warn(
      `[worksuite-mock] Listening on ${host}, which is not a loopback address: the control plane (/__mock) is disabled. Set server.controlToken (env WORKSUITE_MOCK_SERVER_CONTROL_TOKEN) to enable it behind a token.`,
    )
  }
  const port = options.port ?? emulator.config.server.port
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  compilePendingSchemasInBackground()
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
