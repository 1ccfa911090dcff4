/**
 * The intercepting proxy: an HTTP forward proxy whose only destinations are the vendors' hostnames, answered
 * by the emulator itself. `CONNECT qyapi.weixin.qq.com:443` gets a 200, then TLS with the local CA's leaf for
 * that host is terminated on the socket, and the decrypted socket is handed to this same node:http server, so
 * keep-alive, bodies, the size limit and the timeouts behave as on the stub server. Plain-HTTP absolute-form
 * requests (`GET http://open.feishu.cn/...`) are served the same way. Any other host is refused with a 403
 * naming the served hosts, and nothing is ever connected to: there is no pass-through.
 *
 * The control plane is not on the vendors' hostnames: a `/__mock` path there is that vendor's 404.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { cut } from '../../core/echo.ts'
import type { Emulator } from '../../core/emulator.ts'
import type { Vendor } from '../../core/errors.ts'
import { applyTimeouts, listenerOptions, serveVendorRequest } from '../node-adapter.ts'
import type { Leaf } from './ca.ts'

const require = createRequire(import.meta.url)
const { createServer, STATUS_CODES } = require('node:http') as typeof import('node:http')
const { TLSSocket } = require('node:tls') as typeof import('node:tls')

/** What a refused client reads: which host was refused and which ones (`served`) are. */
export function refusalText(host: string, served: readonly string[]): string {
  return `worksuite-mock proxy: "${cut(host.replace(/[^\x21-\x7e]/g, '?'))}" is not intercepted, and this proxy connects to no other host. It serves only ${served.join(', ')}.\n`
}

/** The hostname of a CONNECT target (`host:port`, `[v6]:port`), or undefined when it is not one. */
export function connectHost(authority: string): string | undefined {
  const m = authority.match(/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]/@]+)(?::\d{1,5})?$/)
  return m?.[1]
}

/** The request target as the core wants it (path and query), from origin-form or absolute-form. */
function originForm(target: string): string {
  if (target.startsWith('/')) return target
  try {
    const url = new URL(target)
    return url.pathname + url.search
  } catch {
    return target
  }
}

function refuse(res: ServerResponse, req: IncomingMessage, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
  res.end(text)
  req.resume()
}

function refuseTunnel(socket: Duplex, status: number, text: string): void {
  const body = Buffer.from(text)
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${text}`,
  )
}

export interface InterceptingProxy {
  server: Server
  /** Every open connection, tunnels included (they left node:http's books at CONNECT). */
  closeAllConnections(): void
}

export function createInterceptingProxy(emulator: Emulator, leaves: ReadonlyMap<string, Leaf>): InterceptingProxy {
  const config = emulator.config.server
  /** Decrypted tunnel sockets, and whose hostname each was opened to. */
  const tunnels = new WeakMap<object, Vendor>()
  const raw = new Set<Socket>()
  const serve = (req: IncomingMessage, res: ServerResponse, url: string, vendor: Vendor) => {
    serveVendorRequest(emulator, req, res, url, vendor, 'a proxied request')
  }

  const server = createServer(listenerOptions(config), (req, res) => {
    const target = req.url ?? '/'
    const tunnelled = tunnels.get(req.socket)
    if (tunnelled) {
      serve(req, res, originForm(target), tunnelled)
      return
    }
    // Straight to the proxy: only absolute-form (a client with http:// URLs and this proxy set) is meaningful.
    let url: URL | undefined
    try {
      url = target.startsWith('/') ? undefined : new URL(target)
    } catch {}
    if (url?.protocol !== 'http:') {
      refuse(
        res,
        req,
        400,
        `worksuite-mock proxy: this port is an HTTP proxy for ${emulator.vendorHosts.join(', ')}; set it as your client's proxy (CONNECT, or absolute-form http:// requests) rather than calling it directly.\n`,
      )
      return
    }
    const vendor = emulator.vendorOfHost(url.hostname)
    if (!vendor) {
      refuse(res, req, 403, refusalText(url.hostname, emulator.vendorHosts))
      return
    }
    serve(req, res, url.pathname + url.search, vendor)
  })

  server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const host = tunnels.has(socket) ? undefined : connectHost(req.url ?? '')
    const vendor = host === undefined ? undefined : emulator.vendorOfHost(host)
    const leaf = host === undefined ? undefined : leaves.get(host.toLowerCase().replace(/\.$/, ''))
    if (!vendor || !leaf) {
      refuseTunnel(socket, host === undefined ? 400 : 403, refusalText(host ?? req.url ?? '', emulator.vendorHosts))
      return
    }
    const tcp = socket as Socket
    raw.add(tcp)
    tcp.once('close', () => raw.delete(tcp))
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    // Bytes the client sent after the CONNECT head (a ClientHello that did not wait): TLS reads them first.
    if (head.length > 0) socket.unshift(head)
    const tls = new TLSSocket(tcp, { isServer: true, secureContext: leaf.context, ALPNProtocols: ['http/1.1'] })
    tls.on('error', () => tls.destroy())
    tunnels.set(tls, vendor)
    server.emit('connection', tls)
  })

  applyTimeouts(server, config)
  return {
    server,
    closeAllConnections() {
      server.closeAllConnections()
      for (const s of raw) s.destroy()
    },
  }
}
