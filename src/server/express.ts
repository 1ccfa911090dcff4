/**
 * The emulator as Express middleware, for users who mount it in their own app:
 *   app.use(expressMiddleware(createCore()))        // vendor paths + /__mock
 * Vendor paths go through the same core as the stub server; anything else falls through to `next()`.
 */
import express, { type Router } from 'express'
import type { Core } from '../index.ts'
import { controlRouter } from './control-router.ts'
import { headersOf, readBody, remoteAddressOf, writeResponse } from './node-adapter.ts'

const encoder = new TextEncoder()

export function expressMiddleware(emulator: Core): Router {
  const router = express.Router()
  router.use('/__mock', controlRouter(emulator.control))
  router.use(async (req, res, next) => {
    if (!emulator.core.owns(req.path)) {
      next()
      return
    }
    try {
      const limit = emulator.core.config.server.maxBodyBytes
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
                ? encoder.encode(JSON.stringify(req.body))
                : new Uint8Array(0)
      } else {
        const read = await readBody(req, limit)
        if ('oversize' in read) {
          writeResponse(req, res, emulator.core.refuseOversize({ ...base, body: new Uint8Array(0) }, limit), true)
          return
        }
        body = read.body
      }
      writeResponse(req, res, await emulator.handle({ ...base, body }))
    } catch (e) {
      next(e)
    }
  })
  return router
}
