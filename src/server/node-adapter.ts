/**
 * node:http ⇄ core. Vendor traffic goes from here straight into the core (Express costs about 5/6 of the
 * throughput on this path, DESIGN.md); bodies are read up to the limit and refused past it without
 * being read, in the vendor's own format.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Emulator } from '../core/emulator.ts'
import type { CoreRequest, CoreResponse } from '../core/http.ts'

export function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v
  return out
}

export function remoteAddressOf(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? '127.0.0.1'
  return a.startsWith('::ffff:') ? a.slice(7) : a
}

/** Reads the whole body, or reports `oversize` as soon as it passes `limit` (and stops reading). */
export function readBody(req: IncomingMessage, limit: number): Promise<{ body: Uint8Array } | { oversize: true }> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ oversize: true })
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        req.pause()
        resolve({ oversize: true })
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (done) return
      done = true
      resolve({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) })
    })
    req.on('error', (e) => {
      if (!done) reject(e)
    })
  })
}

export function writeResponse(req: IncomingMessage, res: ServerResponse, response: CoreResponse, close = false): void {
  if (response.drop) {
    // Fault injection: the client sees the connection cut with no answer.
    req.socket.destroy()
    return
  }
  if (close) res.setHeader('connection', 'close')
  res.writeHead(response.status, response.headers)
  res.end(response.body, () => {
    if (close) req.socket.destroy()
  })
}

/** Handle one vendor request on node:http through the core. */
export async function serveVendorRequest(
  emulator: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  url = req.url ?? '/',
): Promise<void> {
  const limit = emulator.config.server.maxBodyBytes
  const base: Omit<CoreRequest, 'body'> = {
    method: req.method ?? 'GET',
    url,
    headers: headersOf(req),
    remoteAddress: remoteAddressOf(req),
  }
  let read: Awaited<ReturnType<typeof readBody>>
  try {
    read = await readBody(req, limit)
  } catch {
    req.socket.destroy()
    return
  }
  if ('oversize' in read) {
    writeResponse(req, res, emulator.refuseOversize({ ...base, body: new Uint8Array(0) }, limit), true)
    return
  }
  const response = await emulator.handle({ ...base, body: read.body })
  writeResponse(req, res, response)
}
