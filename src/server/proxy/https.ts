/**
 * Direct HTTPS: both vendors on one TLS port, for clients that reach the real hostnames because /etc/hosts or a
 * container's extra_hosts maps them to this machine. The certificate is the local CA's leaf for the name the
 * client asks for (SNI); the request's Host (else that name) says whose API it is, as on the vendor's own host.
 */
import type { Server } from 'node:https'
import { createRequire } from 'node:module'
import type { TLSSocket } from 'node:tls'
import type { Emulator } from '../../core/emulator.ts'
import { applyTimeouts, listenerOptions, serveVendorRequest } from '../node-adapter.ts'
import type { Leaf } from './ca.ts'

const require = createRequire(import.meta.url)
const { createServer } = require('node:https') as typeof import('node:https')

/** `qyapi.weixin.qq.com` from `qyapi.weixin.qq.com:8443` (an IPv6 literal keeps its brackets). */
function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return ''
  return hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0]!
}

export function createVendorHttpsServer(emulator: Emulator, leaves: ReadonlyMap<string, Leaf>): Server {
  const config = emulator.config.server
  // A client that sends no SNI (an IP literal) gets the first host's certificate; it could not verify any.
  const fallback = leaves.get(emulator.vendorHosts[0]!)!
  const server = createServer(
    {
      ...listenerOptions(config),
      key: fallback.keyPem,
      cert: fallback.certPem,
      ALPNProtocols: ['http/1.1'],
      SNICallback: (name, cb) =>
        cb(null, leaves.get(name.toLowerCase().replace(/\.$/, ''))?.context ?? fallback.context),
    },
    (req, res) => {
      const vendor =
        emulator.vendorOfHost(hostnameOf(req.headers.host)) ??
        emulator.vendorOfHost(String((req.socket as TLSSocket).servername || ''))
      serveVendorRequest(emulator, req, res, req.url ?? '/', vendor, 'an HTTPS request')
    },
  )
  applyTimeouts(server, config)
  return server
}
