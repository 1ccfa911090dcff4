/**
 * The control plane over HTTP, under `/__mock/`: a thin Express translation of `Control` (src/core/control.ts).
 * Not hot, so Express is fine here.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import { type Control, ControlError } from '../core/control.ts'
import type { JournalFilter } from '../core/journal.ts'

function filterFrom(q: Request['query']): JournalFilter {
  const f: JournalFilter = {}
  const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined)
  const n = (k: string) => {
    const v = s(k)
    if (v === undefined) return undefined
    const num = Number(v)
    if (!Number.isFinite(num)) throw new ControlError(400, `query parameter "${k}" must be a number`)
    return num
  }
  for (const k of ['vendor', 'route', 'path', 'method', 'app', 'user', 'mailbox', 'contains'] as const) {
    const v = s(k)
    if (v !== undefined) f[k] = v
  }
  for (const k of ['code', 'status', 'since', 'until', 'limit'] as const) {
    const v = n(k)
    if (v !== undefined) f[k] = v
  }
  return f
}

export function controlRouter(control: Control): Router {
  const router = express.Router()
  router.use(express.json({ limit: '1mb' }))
  const body = (req: Request): Record<string, unknown> =>
    req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {}

  router.get('/defaults', (_req, res) => {
    res.json(control.defaults())
  })
  router.post('/reset', (_req, res) => {
    control.reset()
    res.json({ ok: true, clock: control.clock() })
  })
  router.get('/clock', (_req, res) => {
    res.json(control.clock())
  })
  router.put('/clock', (req, res) => {
    res.json(control.setClock(body(req)))
  })
  router.get('/requests', (req, res) => {
    res.json(control.requests(filterFrom(req.query)))
  })
  router.post('/tokens/expire', (req, res) => {
    const token = body(req).token
    if (typeof token !== 'string') throw new ControlError(400, 'give {"token": "<the token>"}')
    control.expireToken(token)
    res.json({ ok: true, token })
  })
  router.post('/feishu/oauth/codes', (req, res) => {
    res.status(201).json(control.issueOAuthCode(body(req) as Parameters<Control['issueOAuthCode']>[0]))
  })
  router.use((req, res) => {
    res.status(404).json({ error: `no control endpoint ${req.method} /__mock${req.path}` })
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
