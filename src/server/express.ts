/**
 * The emulator as Express middleware, for users who mount it in their own app:
 *   app.use(expressMiddleware(createEmulator()))        // vendor paths + /__mock
 * Vendor paths go through the same emulator as the stub server; anything else falls through to `next()`. The
 * control plane refuses web pages of other origins and other Host names, as on the stub server
 * (control-guard.ts); there is no control token here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import express from 'express'
import { consoleRouter } from '../console/routes.ts'
import type { Emulator } from '../core/emulator.ts'
import { browserRefusal } from './control-guard.ts'
import { controlRouter } from './control-router.ts'
import { answerAndLinger, headersOf, readBody, remoteAddressOf, writeResponse } from './node-adapter.ts'

const encoder = new TextEncoder()

/**
 * JSON text of a body the host app parsed. JSON.stringify recurses and overflows the stack on a body nested
 * a few thousand levels deep, which JSON.parse took: such a body is written out with an explicit stack
 * instead, so the core reads the same bytes the stub server would have.
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch (e) {
    if (!(e instanceof RangeError)) throw e
  }
  const out: string[] = []
  // One frame per array or object being written: its entries, the next one to write, and how it closes.
  const stack: { of: object; entries: [string | null, unknown][]; next: number; close: string }[] = []
  const open = new Set<object>()
  const write = (given: unknown): void => {
    const v = typeof (given as { toJSON?: unknown } | null)?.toJSON === 'function' ? (given as Date).toJSON() : given
    if (v === null || typeof v !== 'object') {
      out.push(JSON.stringify(v) ?? 'null')
      return
    }
    if (open.has(v)) throw new TypeError('Converting circular structure to JSON')
    open.add(v)
    if (Array.isArray(v)) {
      out.push('[')
      stack.push({ of: v, entries: v.map((x) => [null, x]), next: 0, close: ']' })
    } else {
      out.push('{')
      const entries = Object.entries(v).filter(
        ([, x]) => x !== undefined && typeof x !== 'function' && typeof x !== 'symbol',
      )
      stack.push({ of: v, entries, next: 0, close: '}' })
    }
  }
  write(value)
  while (stack.length > 0) {
    const frame = stack.at(-1)!
    if (frame.next === frame.entries.length) {
      out.push(frame.close)
      open.delete(frame.of)
      stack.pop()
      continue
    }
    const [key, v] = frame.entries[frame.next]!
    if (frame.next++ > 0) out.push(',')
    if (key !== null) out.push(`${JSON.stringify(key)}:`)
    write(v)
  }
  return out.join('')
}

/**
 * What `app.use()` takes: an Express router, typed on node:http's request and response so that the
 * package's public types need no @types/express. Mount it in an Express app: it relies on Express's own
 * request and response.
 */
export type ExpressMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void

export function expressMiddleware(emulator: Emulator): ExpressMiddleware {
  const router = express.Router()
  // The same protection as on the stub server: no web page of another origin or under another Host name.
  router.use('/__mock', (req, res, next) => {
    const refusal = browserRefusal(req, {
      allowedHosts: emulator.config.server.allowedHosts,
      checkHost: true,
    })
    if (refusal) res.status(403).json({ error: refusal })
    else next()
  })
  router.use('/__mock', consoleRouter(emulator), controlRouter(emulator.control))
  router.use(async (req, res, next) => {
    if (!emulator.owns(req.path)) {
      next()
      return
    }
    try {
      const limit = emulator.config.server.maxBodyBytes
      const base = { method: req.method, url: req.url, headers: headersOf(req), remoteAddress: remoteAddressOf(req) }
      let body: Uint8Array
      if (req.readableEnded || req.body !== undefined) {
        // A body parser of the host app ran first: rebuild the bytes from what it parsed.
        body =
          typeof req.body === 'string'
            ? encoder.encode(req.body)
            : Buffer.isBuffer(req.body)
              ? req.body
              : req.body && Object.keys(req.body).length
                ? encoder.encode(jsonText(req.body))
                : new Uint8Array(0)
      } else {
        const read = await readBody(req, limit)
        if ('oversize' in read) {
          const { lingerBytes, lingerMs } = emulator.config.server
          answerAndLinger(req, res, emulator.refuseOversize({ ...base, body: new Uint8Array(0) }, limit), {
            bytes: lingerBytes,
            ms: lingerMs,
          })
          return
        }
        body = read.body
      }
      writeResponse(req, res, await emulator.handle({ ...base, body }))
    } catch (e) {
      next(e)
    }
  })
  return router as unknown as ExpressMiddleware
}
