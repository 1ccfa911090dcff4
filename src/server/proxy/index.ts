/**
 * Interception of the vendors' real hostnames, for clients in any language that hardcode them: the proxy
 * (`proxy.port`) and direct HTTPS (`proxy.httpsPort`), both over the local CA (`proxy.caDir`). Loaded by the
 * stub server only when one of the ports is set, so a plain start pays nothing for it.
 */
import type { AddressInfo, Server } from 'node:net'
import type { Emulator } from '../../core/emulator.ts'
import { defaultCaDir, type Leaf, type LocalCa, openCa } from './ca.ts'
import { createVendorHttpsServer } from './https.ts'
import { createInterceptingProxy } from './proxy.ts'

export interface Interception {
  ca: LocalCa
  /** `http://127.0.0.1:<port>`: what a client sets as its HTTP(S) proxy. */
  proxyUrl?: string
  /** `https://127.0.0.1:<port>`: where the vendor hostnames should resolve to. */
  httpsUrl?: string
  close(): Promise<void>
}

async function listen(server: Server, port: number, host: string, what: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException) => {
      e.message = `${what} cannot listen on ${host}:${port}: ${e.message}`
      reject(e)
    }
    server.once('error', failed)
    server.listen(port, host, () => {
      server.off('error', failed)
      resolve()
    })
  })
  const a = server.address() as AddressInfo
  return `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`
}

function closed(server: Server, closeAll: () => void): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    closeAll()
  })
}

/** Opens the CA (making it on first use), issues the hosts' leaves, and listens on the configured ports. */
export async function startInterception(emulator: Emulator, host: string): Promise<Interception> {
  const settings = emulator.config.proxy as { port?: number; httpsPort?: number; caDir?: string }
  const dir = settings.caDir ?? defaultCaDir()
  let ca: LocalCa
  const leaves = new Map<string, Leaf>()
  try {
    ca = await openCa(dir)
    for (const name of emulator.vendorHosts) leaves.set(name, await ca.leafFor(name))
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    err.message = `cannot open the local CA in ${dir} (proxy.caDir): ${err.message}`
    throw err
  }
  const closers: (() => Promise<void>)[] = []
  const close = async () => {
    await Promise.all(closers.map((c) => c()))
  }
  const out: Interception = { ca, close }
  try {
    if (settings.port !== undefined) {
      const proxy = createInterceptingProxy(emulator, leaves)
      closers.push(() => closed(proxy.server, () => proxy.closeAllConnections()))
      out.proxyUrl = `http://${await listen(proxy.server, settings.port, host, 'the proxy')}`
    }
    if (settings.httpsPort !== undefined) {
      const https = createVendorHttpsServer(emulator, leaves)
      closers.push(() => closed(https, () => https.closeAllConnections()))
      out.httpsUrl = `https://${await listen(https, settings.httpsPort, host, 'the HTTPS port')}`
    }
  } catch (e) {
    await close()
    throw e
  }
  return out
}
