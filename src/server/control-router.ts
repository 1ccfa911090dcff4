/**
 * The control plane over HTTP, under `/__mock/`: a thin Express translation of `Control.serve()`
 * (src/core/control.ts), which holds every route, the core's and those the modules contribute. Not hot, so
 * Express is fine here; it is handed in by whoever loaded it (the stub server loads it on the first control
 * request), so importing this file loads nothing.
 */
import type { NextFunction, Request, Response, Router } from 'express'
import { type Control, ControlError } from '../core/control.ts'

export function controlRouter(control: Control, express: typeof import('express')): Router {
  const router = express.Router()
  // Any content type: `curl -d '{…}'` sends form-urlencoded, and the control plane only speaks JSON.
  router.use(express.json({ limit: '1mb', type: () => true }))
  router.use((req, res) => {
    const q = req.url.indexOf('?')
    const answer = control.serve(req.method, q < 0 ? req.path : `${req.path}${req.url.slice(q)}`, req.body)
    if (!answer) {
      res.status(404).json({ error: `no control endpoint ${req.method} /__mock${req.path}` })
      return
    }
    res.status(answer.status).json(answer.body)
  })
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ControlError) {
      res.status(err.status).json({ error: err.message })
      return
    }
    const e = err as { status?: number; type?: string; message?: string }
    // express.json() errors (bad JSON, too large) carry their own status.
    if (typeof e?.status === 'number' && e.status < 500) {
      res.status(e.status).json({ error: e.message ?? 'bad request' })
      return
    }
    console.error('[worksuite-mock] Failed to serve a control request:', err)
    res.status(500).json({ error: 'internal error in the control plane' })
  })
  return router
}
