/**
 * The control plane and web pages. Any page a developer opens can send requests to 127.0.0.1: a form or a
 * `fetch` with a CORS-simple content type goes out without a preflight (so `POST /__mock/reset` would act),
 * and through DNS rebinding (its own name re-pointed at 127.0.0.1) the page reads the answers too, secrets
 * included. So a control request is refused (403) when
 * - its `Origin` is not the server's own: browsers send one on every cross-origin request and on every POST,
 *   while curl and scripts send none, so they are not affected;
 * - its `Host` is not a loopback name (localhost, 127.0.0.0/8, [::1]), the address the connection came in
 *   on, the address the server was told to bind, or one of `server.allowedHosts`: rebinding needs a name
 *   the attacker controls, and that name is what the browser puts in `Host`.
 * Bodies are read only as JSON (control-router.ts). Used by the stub server before Express loads, and by the
 * Express middleware.
 */
import type { IncomingMessage } from 'node:http'

const HOST_SYNTAX = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i

/** A `Host` header read the way a browser writes it (`127.1` is 127.0.0.1), or undefined if it is not one. */
function parseHost(value: string): URL | undefined {
  if (!HOST_SYNTAX.test(value)) return undefined
  try {
    return new URL(`http://${value}`)
  } catch {
    return undefined
  }
}

/** localhost, 127.0.0.0/8 and [::1]: names no one else can point a browser at. */
export function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

const bare = (address: string) => address.replace(/^\[|\]$/g, '').replace(/^::ffff:/, '')

function hostAllowed(host: URL, req: IncomingMessage, bindHost: string | undefined, allowed: readonly string[]) {
  const name = host.hostname
  if (isLoopbackName(name)) return true
  // An IP address the connection really came in on, or the one it was told to bind: not a rebound name.
  const own = [req.socket.localAddress, bindHost].filter((a): a is string => !!a).map((a) => bare(a).toLowerCase())
  if (own.includes(bare(name))) return true
  return allowed.some((entry) => {
    const e = entry.toLowerCase()
    return e === name || e === host.host
  })
}

export interface GuardOptions {
  /** `server.allowedHosts`: more `Host` names (or `name:port`) the control plane answers for. */
  allowedHosts: readonly string[]
  /** The address the server was told to bind, when known (the stub server). */
  bindHost?: string
  /** Check `Host` too (false once a control token was given: a page cannot send the token). */
  checkHost: boolean
}

/** Why a control request looks like it comes from a web page it should not, or undefined when it does not. */
export function browserRefusal(req: IncomingMessage, options: GuardOptions): string | undefined {
  const hostHeader = req.headers.host
  const host = hostHeader === undefined ? undefined : parseHost(hostHeader)
  if (hostHeader !== undefined && !host) return `the control plane refuses the Host header "${hostHeader}"`
  const origin = req.headers.origin
  // The console's own files are public code, not state: a mail shown in the console's sandboxed frame (an
  // opaque origin, `Origin: null`) may still load them. Host is checked below all the same.
  const consoleFile = (req.method === 'GET' || req.method === 'HEAD') && req.url?.startsWith('/__mock/ui/') === true
  if (origin !== undefined && !consoleFile) {
    const own = host ? [`http://${host.host}`, `https://${host.host}`] : []
    if (!own.includes(origin.toLowerCase()))
      return `the control plane refuses requests from web pages: Origin ${origin} is not this server's own${own[0] ? ` (${own[0]})` : ''}`
  }
  if (options.checkHost && host && !hostAllowed(host, req, options.bindHost, options.allowedHosts))
    return `the control plane refuses Host ${host.host}: it is not a loopback name (localhost, 127.0.0.1, [::1]), this server's address or one of server.allowedHosts; add it there (env WORKSUITE_MOCK_SERVER_ALLOWED_HOSTS) to reach the control plane under that name`
  return undefined
}
