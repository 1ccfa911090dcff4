/**
 * The control plane over HTTP, under `/__mock/`: a thin Express translation of `Control.serve()`
 * (src/core/control.ts), which holds every route, the core's and those the modules contribute. Not hot, so
 * Express is fine here (the stub server loads this file on the first control request).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import { type Control, ControlError, ControlText } from '../core/control.ts'

const JSON_TYPES = ['application/json', 'application/*+json']

function isJsonType(contentType: string | undefined): boolean {
  const media = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase()
  return media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'))
}

export function controlRouter(control: Control): Router {
  const router = express.Router()
  // A browser names its page in Origin (and only the server's own pages get past the guard): from there,
  // JSON bodies only, since a page may send text/plain, a form or multipart without a CORS preflight. Without
  // an Origin the caller is curl or a script, and `curl -d` sends form-urlencoded: its body is read as JSON
  // whatever the type, as the README's examples expect (decision: control bodies from a page are JSON only).
  router.use((req, res, next) => {
    const length = Number(req.headers['content-length'] ?? 0)
    const hasBody = req.headers['transfer-encoding'] !== undefined || length > 0
    if (!hasBody || req.is(JSON_TYPES) || req.headers.origin === undefined) {
      next()
      return
    }
    const type = req.headers['content-type']
    res.status(415).json({
      error: `the control plane reads JSON bodies only from a page (this one is ${type ?? 'sent without a content type'}): send it with content-type: application/json`,
    })
  })
  router.use(
    express.json({
      limit: '1mb',
      type: (req) => req.headers.origin === undefined || isJsonType(req.headers['content-type']),
    }),
  )
  router.use((req, res) => {
    const q = req.url.indexOf('?')
    const answer = control.serve(req.method, q < 0 ? req.path : `${req.path}${req.url.slice(q)}`, req.body)
    if (!answer) {
      res.status(404).json({ error: `no control endpoint ${req.method} /__mock${req.path}` })
      return
    }
    if (answer.body instanceof ControlText)
      res.status(answer.status).type(answer.body.contentType).send(answer.body.text)
    else res.status(answer.status).json(answer.body)
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
