/**
 * The control plane over HTTP, under `/__mock/`: a thin Express translation of `Control` (src/core/control.ts).
 * Not hot, so Express is fine here.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import { type Control, ControlError } from '../core/control.ts'
import type { FaultRule } from '../core/faults.ts'
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
  for (const k of ['vendor', 'route', 'path', 'method', 'app', 'user', 'mailbox', 'contains', 'reason'] as const) {
    const v = s(k)
    if (v !== undefined) f[k] = v
  }
  // `errcode` is WeCom's word for `code`: either works, for either vendor.
  for (const k of ['code', 'errcode', 'status', 'since', 'until', 'limit'] as const) {
    const v = n(k)
    if (v !== undefined) f[k] = v
  }
  return f
}

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
  router.get('/config', (_req, res) => {
    res.json(control.config())
  })
  router.put('/config', (req, res) => {
    // The body as sent, so a non-object is refused by the schema rather than read as {}.
    res.json(control.setConfig(req.body ?? {}))
  })
  router.get('/state', (_req, res) => {
    res.json(control.state())
  })
  router.get('/requests', (req, res) => {
    res.json(control.requests(filterFrom(req.query)))
  })
  router.delete('/requests', (_req, res) => {
    res.json(control.clearRequests())
  })
  router.post('/faults', (req, res) => {
    // The body as sent (not `body()`), so an array or a string is refused by the schema, not read as {}.
    res.status(201).json(control.addFault((req.body ?? {}) as FaultRule))
  })
  router.get('/faults', (_req, res) => {
    const faults = control.faults()
    res.json({ count: faults.length, faults })
  })
  router.delete('/faults', (_req, res) => {
    res.json(control.clearFaults())
  })
  router.delete('/faults/:id', (req, res) => {
    res.json({ removed: control.removeFault(req.params.id) })
  })
  // Read-backs of what the emulator keeps, so a test against a started server can assert side effects.
  const ownerFilter = (q: Request['query']) => {
    const f: { corpid?: string; agentid?: number } = {}
    if (typeof q.corpid === 'string') f.corpid = q.corpid
    if (typeof q.agentid === 'string') {
      const n = Number(q.agentid)
      if (!Number.isInteger(n)) throw new ControlError(400, 'query parameter "agentid" must be a whole number')
      f.agentid = n
    }
    return f
  }
  router.get('/wecom/meetings', (req, res) => {
    const meetings = control.meetings(ownerFilter(req.query))
    res.json({ count: meetings.length, meetings })
  })
  router.get('/wecom/schedules', (req, res) => {
    const origin = req.query.origin
    if (origin !== undefined && origin !== 'api' && origin !== 'mail')
      throw new ControlError(400, 'query parameter "origin" must be "api" or "mail"')
    const schedules = control.wecomSchedules({ ...ownerFilter(req.query), ...(origin ? { origin } : {}) })
    res.json({ count: schedules.length, schedules })
  })
  router.get('/wecom/mailboxes/:address', (req, res) => {
    const mails = control.wecomMailbox(req.params.address)
    res.json({ address: req.params.address.toLowerCase(), count: mails.length, mails })
  })
  router.get('/feishu/mailboxes/:address/messages', (req, res) => {
    const messages = control.mailbox(req.params.address)
    res.json({ mailbox: req.params.address.toLowerCase(), count: messages.length, messages })
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
