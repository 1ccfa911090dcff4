/**
 * The emulator as Express middleware, for users who mount it in their own app:
 *   app.use(expressMiddleware(createEmulator()))        // vendor paths + /__mock
 * Vendor paths go through the same emulator as the stub server; anything else falls through to `next()`.
 * Express is required when the middleware is made, not when this file is imported: src/index.ts exports
 * this, and importing the package must not cost Express's load time to those who never mount it.
 */
import { createRequire } from 'node:module'
import type { Router } from 'express'
import type { Emulator } from '../core/emulator.ts'
import { controlRouter } from './control-router.ts'
import { headersOf, readBody, remoteAddressOf, writeResponse } from './node-adapter.ts'

const require = createRequire(import.meta.url)
const encoder = new TextEncoder()

export function expressMiddleware(emulator: Emulator): Router {
  const express = require('express') as typeof import('express')
  const router = express.Router()
  router.use('/__mock', controlRouter(emulator.control, express))
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
                ? encoder.encode(JSON.stringify(req.body))
                : new Uint8Array(0)
      } else {
        const read = await readBody(req, limit)
        if ('oversize' in read) {
          writeResponse(req, res, emulator.refuseOversize({ ...base, body: new Uint8Array(0) }, limit), true)
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
