/**
 * The stub server: one port, both vendors. Vendor paths go from node:http straight into the core; the
 * control plane (`/__mock/*`) is served by Express.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { consoleToken } from '../console/access.ts'
import type { Emulator } from '../core/emulator.ts'
import { compilePendingSchemasInBackground } from '../core/schema.ts'
import { browserRefusal } from './control-guard.ts'
import { serveHealth } from './health.ts'
import { applyTimeouts, listenerOptions, serveVendorRequest } from './node-adapter.ts'

// `import … from 'node:http'` in ESM builds the module's facade, which reads every export, and one of them
// loads undici (fetch, WebSocket): about 28 ms of cold start for nothing. require() reads only what we use.
const require = createRequire(import.meta.url)
const { createServer } = require('node:http') as typeof import('node:http')

export interface StubServerOptions {
  host?: string
  port?: number
}

export interface StubServer {
  url: string
  server: Server
  /** With `proxy.port`: the intercepting proxy for the vendors' hostnames (src/server/proxy). */
  proxyUrl?: string
  /** With `proxy.httpsPort`: both vendors over HTTPS. */
  httpsUrl?: string
  /** With either: the local CA, whose certificate (`certFile`) clients trust. */
  ca?: { dir: string; certFile: string; certPem: string; created?: { replaced?: string } }
  close(): Promise<void>
}

export interface StubServerExtras {
  /** The local CA's certificate, served at GET /__mock/proxy/ca.pem (the proxy or the HTTPS port is on). */
  caCertificatePem?: string
}

const CA_PATH = '/__mock/proxy/ca.pem'

/** Loopback addresses: only the machine itself can reach them. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(h)
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
  // node:crypto loads with the first token presented: a start without a control token never needs it.
  return a.length === b.length && process.getBuiltinModule('node:crypto').timingSafeEqual(a, b)
}

function presentsToken(req: IncomingMessage, token: string): boolean {
  const auth = req.headers.authorization
  const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined
  const header = req.headers['x-mock-control-token']
  return (
    sameSecret(bearer, token) ||
    sameSecret(typeof header === 'string' ? header : undefined, token) ||
    // A browser's console: its cookie, or ?token= on the console page (src/console/access.ts).
    sameSecret(consoleToken(req), token)
  )
}

/** Why a control request is refused (status and message), or undefined when it may go through. */
function controlRefusal(
  access: ControlAccess,
  req: IncomingMessage,
  bindHost: string,
  allowedHosts: readonly string[],
): { status: number; error: string } | undefined {
  if (access.kind === 'disabled') {
    return {
      status: 403,
      error: `the control plane is disabled: the server listens on ${access.host}, not a loopback address, and no server.controlToken is set`,
    }
  }
  // With a token, the token is what a page cannot send: Host is not checked (containers reach it by any name).
  const fromPage = browserRefusal(req, { allowedHosts, bindHost, checkHost: access.kind === 'open' })
  if (fromPage) return { status: 403, error: fromPage }
  if (access.kind === 'open' || presentsToken(req, access.token)) return undefined
  return {
    status: 401,
    error: 'the control plane needs the control token: Authorization: Bearer <token> or x-mock-control-token',
  }
}

export function createStubServer(
  emulator: Emulator,
  host: string = emulator.config.server.host,
  extras: StubServerExtras = {},
): Server {
  const access = controlAccessFor(host, emulator.config.server.controlToken as string | undefined)
  // Express (the control plane) loads on the first /__mock request, not at start: cold start matters.
  let control: Promise<(req: IncomingMessage, res: ServerResponse) => void> | undefined
  const loadControl = async () => {
    const [{ default: express }, { controlRouter }, { consoleRouter }] = await Promise.all([
      import('express'),
      import('./control-router.ts'),
      import('../console/routes.ts'),
    ])
    const app = express()
    app.disable('x-powered-by')
    app.use('/__mock', consoleRouter(emulator), controlRouter(emulator.control))
    return app
  }
  const config = emulator.config.server
  const server = createServer(listenerOptions(config), (req, res) => {
    const url = req.url ?? '/'
    if (url === '/__mock' || url.startsWith('/__mock/') || url.startsWith('/__mock?')) {
      if (serveHealth(req, res, url)) return
      const refusal = controlRefusal(access, req, host, emulator.config.server.allowedHosts)
      if (refusal) {
        res.writeHead(refusal.status, {
          'content-type': 'application/json; charset=utf-8',
          ...(refusal.status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
        })
        res.end(JSON.stringify({ error: refusal.error }))
        req.resume()
        return
      }
      if (url.split('?', 1)[0] === CA_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
        serveCaCertificate(res, extras.caCertificatePem)
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
    serveVendorRequest(emulator, req, res, url)
  })
  applyTimeouts(server, config)
  return server
}

/** The CA certificate (public: clients need it to trust the proxy); never the key. */
function serveCaCertificate(res: ServerResponse, pem: string | undefined): void {
  if (pem === undefined) {
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
    res.end(
      JSON.stringify({
        error:
          'no local CA: the proxy and the HTTPS port are off (start with --proxy-port or --https-port, or set proxy.port / proxy.httpsPort)',
      }),
    )
    return
  }
  res.writeHead(200, {
    'content-type': 'application/x-pem-file',
    'content-disposition': 'attachment; filename="worksuite-mock-ca.pem"',
  })
  res.end(pem)
}

export async function startStubServer(emulator: Emulator, options: StubServerOptions = {}): Promise<StubServer> {
  const host = options.host ?? emulator.config.server.host
  // The proxy and its CA load only when asked for: a plain start pays nothing for them.
  const { port: proxyPort, httpsPort } = emulator.config.proxy as { port?: number; httpsPort?: number }
  const interception =
    proxyPort !== undefined || httpsPort !== undefined
      ? await (await import('./proxy/index.ts')).startInterception(emulator, host)
      : undefined
  const server = createStubServer(emulator, host, interception ? { caCertificatePem: interception.ca.certPem } : {})
  const access = controlAccessFor(host, emulator.config.server.controlToken as string | undefined)
  if (access.kind === 'disabled') {
    console.warn(
      `[worksuite-mock] Listening on ${host}, which is not a loopback address: the control plane (/__mock) is disabled. Set server.controlToken (env WORKSUITE_MOCK_SERVER_CONTROL_TOKEN) to enable it behind a token.`,
    )
  }
  const port = options.port ?? emulator.config.server.port
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (e) {
    await interception?.close()
    throw e
  }
  // Not at once: a wait loop's first probe, arriving just after listen, is answered before the first compile
  // (which loads ajv) holds the event loop. Readiness (/__mock/health/ready) waits for the compiles.
  setTimeout(compilePendingSchemasInBackground, 100).unref()
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const closeStub = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return {
    url: `http://${shownHost}:${address.port}`,
    server,
    ...(interception?.proxyUrl ? { proxyUrl: interception.proxyUrl } : {}),
    ...(interception?.httpsUrl ? { httpsUrl: interception.httpsUrl } : {}),
    ...(interception ? { ca: interception.ca } : {}),
    close: async () => {
      await Promise.all([closeStub(), interception?.close()])
    },
  }
}
