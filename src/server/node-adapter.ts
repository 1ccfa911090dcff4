/**
 * node:http ⇄ core. Vendor traffic goes from here straight into the core (Express costs about 5/6 of the
 * throughput on this path, DESIGN.md); bodies are read up to the limit and refused past it without
 * being read, in the vendor's own format, with the rest drained so the client gets the refusal.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http'
import type { Config } from '../core/config.ts'
import type { Emulator } from '../core/emulator.ts'
import type { Vendor } from '../core/errors.ts'
import { type CoreRequest, type CoreResponse, EMPTY_BODY } from '../core/http.ts'

/**
 * Node checks the request timeouts only every connectionsCheckingInterval (30 s by default): check often
 * enough that `requestTimeoutMs` is what a slow client actually gets. For every listener of vendor traffic.
 */
export function listenerOptions(config: Config['server']): ServerOptions {
  return { connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.requestTimeoutMs / 4))) }
}

/** A slow client cannot hold a listener: the whole request must arrive within the timeout. */
export function applyTimeouts(server: Server, config: Config['server']): void {
  server.requestTimeout = config.requestTimeoutMs
  server.headersTimeout = Math.min(config.requestTimeoutMs, 60_000)
  // Idle keep-alive connections are kept longer than clients keep theirs (undici drops an idle socket after
  // about 4 s), so the server is never the side that closes one just as a client reuses it: that race loses
  // a POST to ECONNRESET (seen on a loaded machine when building a 70 MB body took longer than 5 s).
  server.keepAliveTimeout = 65_000
}

/**
 * The request's headers as the core takes them. Node has lower-cased the names and joined repeated ones with
 * `, ` already, all but `set-cookie` (a list): only a request that carries one is copied, every other one
 * hands on Node's own object.
 */
export function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const headers = req.headers
  if (headers['set-cookie'] === undefined) return headers as Record<string, string | undefined>
  const out: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(headers)) out[k] = Array.isArray(v) ? v.join(', ') : v
  return out
}

const REMOTE = Symbol('worksuite-mock.remoteAddress')

/**
 * The caller's address, without the IPv4-mapped prefix. Read once per connection: `socket.remoteAddress` asks
 * the operating system each time, and a keep-alive connection carries many requests.
 */
export function remoteAddressOf(req: IncomingMessage): string {
  const socket = req.socket as IncomingMessage['socket'] & { [REMOTE]?: string }
  let a = socket[REMOTE]
  if (a === undefined) {
    const raw = socket.remoteAddress
    if (raw === undefined) return '127.0.0.1'
    a = raw.startsWith('::ffff:') ? raw.slice(7) : raw
    socket[REMOTE] = a
  }
  return a
}

type BodyRead = { body: Uint8Array } | { oversize: true }

/** Reads the whole body, or reports `oversize` as soon as it passes `limit` (and stops reading). */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => onBody(req, limit, resolve, reject))
}

/**
 * `readBody` with callbacks, for the vendor path: the body goes to the core in the `end` event itself, with
 * no promise and no turn of the queue in between (a bare node:http server answers there too).
 */
function onBody(
  req: IncomingMessage,
  limit: number,
  done: (read: BodyRead) => void,
  failed: (e: unknown) => void,
): void {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) {
    done({ oversize: true })
    return
  }
  const chunks: Buffer[] = []
  let size = 0
  let finished = false
  req.on('data', (chunk: Buffer) => {
    if (finished) return
    size += chunk.length
    if (size > limit) {
      finished = true
      req.pause()
      done({ oversize: true })
      return
    }
    chunks.push(chunk)
  })
  req.on('end', () => {
    if (finished) return
    finished = true
    done({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) })
  })
  req.on('error', (e) => {
    if (!finished) {
      finished = true
      failed(e)
    }
  })
}

export function writeResponse(req: IncomingMessage, res: ServerResponse, response: CoreResponse): void {
  if (response.drop) {
    // Fault injection: the client sees the connection cut with no answer.
    req.socket.destroy()
    return
  }
  // With its length, the answer goes out in one write with its head, not chunked (a head, then a chunk, then
  // the last chunk). The flat list form of writeHead takes the names as they are, without a copy.
  const body = response.body
  const head: string[] = ['content-length', String(Buffer.byteLength(body))]
  for (const name in response.headers) head.push(name, response.headers[name]!)
  res.writeHead(response.status, head)
  res.end(body)
}

/** How much more of a refused body the server reads and drops before closing (server.lingerBytes / lingerMs). */
export interface Linger {
  bytes: number
  ms: number
}

/**
 * Answers a request whose body is not read to its end (over the limit) and closes the connection without
 * losing the answer: `Connection: close`, the answer and a FIN, then what the client still sends is read and
 * dropped until it stops (body complete, or its FIN) or `linger` is used up, and only then the socket closes.
 * Closing with unread bytes makes the kernel send a reset, and a client still writing then fails with
 * ECONNRESET/EPIPE before it reads the answer it already has: nginx's lingering_close. Only refusals come
 * here; the answers to ordinary requests do not.
 */
export function answerAndLinger(
  req: IncomingMessage,
  res: ServerResponse,
  response: CoreResponse,
  linger: Linger,
): void {
  const socket = req.socket
  const closeNow = socket.destroySoon
  let answered = false
  let clientDone = req.complete
  const cut = setTimeout(() => socket.destroy(), linger.ms)
  cut.unref()
  socket.once('close', () => clearTimeout(cut))
  const whenClientDone = () => {
    clientDone = true
    if (answered) closeNow.call(socket)
  }
  let dropped = 0
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length
    if (dropped > linger.bytes) socket.destroy()
  })
  req.once('end', whenClientDone)
  req.resume() // readBody paused it at the limit
  socket.once('end', whenClientDone)
  // node:http ends a `Connection: close` exchange with socket.destroySoon() once the answer is written: a FIN,
  // then the socket closed at once. Here the FIN goes out, and the close waits for the client.
  socket.destroySoon = () => {
    answered = true
    if (clientDone) closeNow.call(socket)
    else socket.end()
  }
  res.setHeader('connection', 'close')
  writeResponse(req, res, response)
}

/**
 * Handle one vendor request on node:http through the emulator; `vendorHost` when it came to that vendor's
 * hostname. `what` names the request in the log when serving it fails (an answer of 500, never a hang).
 * The answer is written as soon as the core has it: in the body's `end` event when nothing in the pipeline
 * waits (`emulator.respond`).
 */
export function serveVendorRequest(
  emulator: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  url = req.url ?? '/',
  vendorHost?: Vendor,
  what = 'a request',
): void {
  const limit = emulator.config.server.maxBodyBytes
  onBody(
    req,
    limit,
    (read) => {
      try {
        // One object, built once the body is in, in the shape the core reads (vendorHost only when there is one).
        const request: CoreRequest = {
          method: req.method ?? 'GET',
          url,
          headers: headersOf(req),
          body: 'oversize' in read ? EMPTY_BODY : read.body,
          remoteAddress: remoteAddressOf(req),
        }
        if (vendorHost) request.vendorHost = vendorHost
        if ('oversize' in read) {
          const { lingerBytes, lingerMs } = emulator.config.server
          answerAndLinger(req, res, emulator.refuseOversize(request, limit), { bytes: lingerBytes, ms: lingerMs })
          return
        }
        const answer = emulator.respond(request)
        if (answer instanceof Promise) {
          answer.then((response) => writeResponse(req, res, response)).catch((e) => failedToServe(res, what, e))
        } else writeResponse(req, res, answer)
      } catch (e) {
        failedToServe(res, what, e)
      }
    },
    () => req.socket.destroy(),
  )
}

/** A bug in serving (the core's answer is never one): said loudly, and a 500 rather than a hang. */
function failedToServe(res: ServerResponse, what: string, e: unknown): void {
  console.error(`[worksuite-mock] Failed to serve ${what}:`, e)
  if (!res.headersSent) res.writeHead(500).end()
  else res.destroy()
}
