/**
 * The web console (`/__mock/ui/`) and the control-plane routes it reads, mounted on `/__mock` before the
 * control router: loaded with it, on the first control request, never on the vendor path. Everything here
 * reads; what the console changes (clock, faults, reset) goes through the control plane's own routes.
 *
 *   GET /__mock/ui/…                 the console's files (strict CSP)
 *   GET /__mock/events               server-sent events: journal (coalesced), control, reset
 *   GET /__mock/overview             the latest mails, meetings and schedules
 *   GET /__mock/mailboxes            every Feishu and WeCom mailbox with its count
 *   GET /__mock/calendar             meetings and schedules in a window, series expanded, with status
 *   GET /__mock/catalogues           the error codes a fault may answer with, and the routes it may match
 *   GET /__mock/rules                every documented rule by id (the rule of a refusal, and its doc)
 *   GET /__mock/feishu/mailboxes/:address/messages/:id/{attachments/:attachmentId,raw,body.html}
 *   GET /__mock/wecom/mailboxes/:address/mails/:id/{attachments/:index,body.html}
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import { ControlError } from '../core/control.ts'
import type { Emulator } from '../core/emulator.ts'
import { catalogues } from '../core/errors.ts'
import { CONSOLE_COOKIE } from './access.ts'
import { CONSOLE_CSP, consoleAssets } from './assets.ts'
import { calendar, scheduleStatus } from './calendar.ts'
import { hubOf } from './hub.ts'
import {
  type AttachmentBytes,
  feishuAttachment,
  feishuHtml,
  feishuMessage,
  feishuRaw,
  latestMails,
  mailboxes,
  mailCsp,
  mailOfSchedule,
  wecomAttachment,
  wecomHtml,
  wecomMail,
} from './mail.ts'

const WEEK = 7 * 86_400
/** A calendar window longer than this is refused: the console asks for a week. */
const MAX_WINDOW = 62 * 86_400

function intQuery(req: Request, name: string): number | undefined {
  const v = req.query[name]
  if (v === undefined) return undefined
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN
  if (!Number.isInteger(n)) throw new ControlError(400, `query parameter "${name}" must be a whole number`)
  return n
}

/** `filename*` keeps any name intact; the plain `filename` is an ASCII stand-in for old clients. */
function disposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

function download(res: Response, part: AttachmentBytes | undefined, what: string): void {
  if (!part) throw new ControlError(404, `no ${what} (or its bytes are no longer kept)`)
  // Always a download, never rendered here: a mail's attachment is not the console's content.
  res
    .status(200)
    .set({
      'content-type': 'application/octet-stream',
      'content-disposition': disposition(part.filename),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    })
    .end(Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength))
}

function mailPage(req: Request, res: Response, html: string): void {
  res
    .status(200)
    .set({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': mailCsp(req.query.images === '1'),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    })
    .end(html)
}

interface RuleInfo {
  id: string
  endpoint: string
  vendor: string
  doc: string
  rule: string
  code: number
  source: string
  inferred: boolean
}

let rules: Record<string, RuleInfo> | undefined

/**
 * One page to link: the first URL the rule's own source names, else the first of its file's `doc`, which may
 * list several (the gateways' files do).
 */
function docOf(source: string, fileDoc: string): string {
  const url = /https?:\/\/[^\s()[\]<>"';,]+/
  return url.exec(source)?.[0] ?? url.exec(fileDoc)?.[0] ?? fileDoc
}

/** contracts/rules/*.json by rule id, read once (the same files from src/console/ and dist/src/console/). */
function rulesIndex(): Record<string, RuleInfo> {
  if (rules) return rules
  const out: Record<string, RuleInfo> = {}
  for (const rel of ['../../contracts/rules/', '../../../contracts/rules/']) {
    let names: string[]
    const dir = fileURLToPath(new URL(rel, import.meta.url))
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json'))
    } catch {
      continue
    }
    for (const name of names) {
      const file = JSON.parse(readFileSync(dir + name, 'utf8')) as {
        endpoint: string
        vendor: string
        doc: string
        rules: { id: string; rule: string; code: number; source: string; inferred?: boolean }[]
      }
      for (const r of file.rules)
        out[r.id] = {
          id: r.id,
          endpoint: file.endpoint,
          vendor: file.vendor,
          doc: docOf(r.source, file.doc),
          rule: r.rule,
          code: r.code,
          source: r.source,
          inferred: r.inferred ?? false,
        }
    }
    break
  }
  rules = out
  return out
}

export function consoleRouter(core: Emulator): Router {
  const hub = hubOf(core)
  const router = express.Router()

  // Every change made through the control plane (by the console or anyone) tells the open consoles.
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && hub.listening > 0)
      res.once('finish', () => hub.control(req.method, req.path))
    next()
  })

  router.get('/ui', (req, res, next) => {
    // Relative URLs in the page need the trailing slash (the router matches /ui/ here too).
    if (req.path.endsWith('/')) next()
    else res.redirect(303, `${req.baseUrl}/ui/`)
  })
  router.get('/ui/', (req, res, next) => {
    const token = req.query.token
    if (typeof token !== 'string') {
      next()
      return
    }
    // The stub server let this through because the token is right: keep it as a cookie, drop it from the URL.
    res
      .status(303)
      .set({
        'set-cookie': `${CONSOLE_COOKIE}=${encodeURIComponent(token)}; Path=${req.baseUrl || '/'}; HttpOnly; SameSite=Strict`,
        location: `${req.baseUrl}/ui/`,
        'cache-control': 'no-store',
      })
      .end()
  })
  router.get('/ui/{*file}', (req, res, next) => {
    const file = req.params.file as string[] | undefined
    const name = file?.length ? file.join('/') : 'index.html'
    const asset = consoleAssets().get(name)
    if (!asset) {
      next()
      return
    }
    res
      .status(200)
      .set({
        'content-type': asset.type,
        'content-security-policy': CONSOLE_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cache-control': 'no-cache',
      })
      .end(asset.body)
  })

  router.get('/events', (_req, res) => {
    hub.open(res)
  })

  router.get('/overview', (req, res) => {
    const limit = Math.min(100, Math.max(1, intQuery(req, 'limit') ?? 12))
    const now = core.clock.now()
    const meetings = core.state.stores.meetings
    const schedules = core.state.stores.schedules
    res.json({
      clock: core.clock.state(),
      mails: latestMails(core, limit),
      meetings: meetings
        .list()
        .slice(-limit)
        .reverse()
        .map((m) => ({
          meetingid: m.meetingid,
          corpid: m.corpid,
          agentid: m.agentid,
          title: m.title,
          start: m.meeting_start,
          end: m.meeting_start + m.meeting_duration,
          repeats: m.reminders.is_repeat === 1,
          status: meetings.status(m, now),
        })),
      schedules: schedules
        .list()
        .slice(-limit)
        .reverse()
        .map((s) => ({
          schedule_id: s.id,
          corpid: s.corpid,
          agentid: s.agentid,
          title: s.summary,
          start: s.startTime,
          end: s.endTime,
          repeats: s.reminders.is_repeat === 1,
          origin: s.origin,
          meetingid: s.meetingid ?? null,
          status: scheduleStatus(s, now),
        })),
    })
  })

  router.get('/mailboxes', (_req, res) => {
    res.json(mailboxes(core))
  })

  router.get('/calendar', (req, res) => {
    const from = intQuery(req, 'from') ?? core.clock.now() - 3 * 86_400
    const to = intQuery(req, 'to') ?? from + WEEK
    if (to <= from) throw new ControlError(400, 'query parameter "to" must be after "from"')
    if (to - from > MAX_WINDOW) throw new ControlError(400, `the window is at most ${MAX_WINDOW} seconds (62 days)`)
    const corpid = typeof req.query.corpid === 'string' ? req.query.corpid : undefined
    const agentid = intQuery(req, 'agentid')
    const cal = calendar(core, {
      from,
      to,
      ...(corpid ? { corpid } : {}),
      ...(agentid !== undefined ? { agentid } : {}),
    })
    res.json({
      ...cal,
      items: cal.items.map((i) => ({
        ...i,
        mail: i.schedule_id && i.origin === 'mail' ? mailOfSchedule(core, i.schedule_id) : null,
      })),
    })
  })

  router.get('/catalogues', (_req, res) => {
    const list = (vendor: 'wecom' | 'feishu') =>
      [...catalogues[vendor].values()]
        .filter((e) => e.code !== 0)
        .map((e) => ({ code: e.code, status: e.status, name: e.name ?? null, message: e.message }))
    res.json({
      wecom: list('wecom'),
      feishu: list('feishu'),
      routes: core.router.routes().map((r) => ({ id: r.id, vendor: r.vendor, method: r.method, path: r.path })),
    })
  })

  router.get('/rules', (_req, res) => {
    res.json(rulesIndex())
  })

  const feishuOf = (req: Request) => {
    const m = feishuMessage(core, req.params.address as string, req.params.id as string)
    if (!m) throw new ControlError(404, `no message "${req.params.id}" in Feishu mailbox "${req.params.address}"`)
    return m
  }
  router.get('/feishu/mailboxes/:address/messages/:id/attachments/:attachmentId', async (req, res) => {
    download(res, await feishuAttachment(core, feishuOf(req), req.params.attachmentId), 'such attachment')
  })
  router.get('/feishu/mailboxes/:address/messages/:id/raw', (req, res) => {
    const m = feishuOf(req)
    const raw = feishuRaw(core, m)
    if (!raw) throw new ControlError(404, 'this message was sent with structured fields, not raw: it has no EML')
    download(res, { filename: `${m.messageId}.eml`, contentType: 'message/rfc822', bytes: raw }, 'EML')
  })
  router.get('/feishu/mailboxes/:address/messages/:id/body.html', async (req, res) => {
    mailPage(req, res, await feishuHtml(core, feishuOf(req)))
  })

  const wecomOf = (req: Request) => {
    const mail = wecomMail(core, req.params.address as string, req.params.id as string)
    if (!mail) throw new ControlError(404, `no mail "${req.params.id}" in WeCom mailbox "${req.params.address}"`)
    return mail
  }
  router.get('/wecom/mailboxes/:address/mails/:id/attachments/:index', (req, res) => {
    const index = Number(req.params.index)
    download(res, Number.isInteger(index) ? wecomAttachment(core, wecomOf(req), index) : undefined, 'such attachment')
  })
  router.get('/wecom/mailboxes/:address/mails/:id/body.html', (req, res) => {
    mailPage(req, res, wecomHtml(wecomOf(req)))
  })

  // The control plane's answer to a refused read: JSON, its status (anything else goes on to the control router's handler).
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof ControlError)) {
      next(err)
      return
    }
    res.status(err.status).json({ error: err.message })
  })
  return router
}
