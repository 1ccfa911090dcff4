/**
 * 发送邮件: `POST /open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages/send`
 * (https://open.feishu.cn/document/server-docs/mail-v1/user_mailbox-message/send).
 *
 * Checks run in the order of contracts/rules/feishu.mail.send.json, one failure reported at a time: the
 * gateway's rate limit (99991400) and JSON types (9499 / 99992402) before; the mailbox (1234013 / 1234017);
 * the per-user lock (1236006); counts (1236004, 1236003); structured fields (1234008); base64url, size and
 * MIME (1236002, 1236001); a Message-ID sent before (1236005); dedupe_key (answers the first send again);
 * the configured vendor checks (1236017, 1236018, 1236014, 1236013, 1236010, 1236012, 1236019); daily
 * quotas (1236007-9). `raw` wins over the structured fields, so either set of rules looks at a message.
 *
 * @example
 * POST /open-apis/mail/v1/user_mailboxes/me/messages/send
 * Authorization: Bearer u-dev-user-token-1
 * {"subject":"hi","to":[{"mail_address":"jane@xxx.xx"}],"body_plain_text":"hello"}
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Config } from '../../core/config.ts'
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import { type HookResult, waitingRuleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { FeishuMailSendRequest } from '../../generated/contracts.ts'
import type { FeishuUser } from '../directory.ts'
import { rateLimitHeaders } from '../envelope.ts'
import { decodeBase64Url, decodedLength, isBase64Url } from './base64url.ts'
import { lookupMailbox, type MailboxLookup, mailboxRules } from './mailbox.ts'
import { type ParsedRaw, parseRaw } from './mime.ts'
import type { DailyQuotas } from './quotas.ts'
import { type Address, addresses, badAddress, isAddress, MAX_ATTACHMENTS, tooManyRecipients } from './recipients.ts'
import type { MailContent, StoredAttachment, StoredMessage } from './store.ts'

const R = 'feishu.mail.send'

function checkRateLimit(ctx: RequestContext, config: Config['feishu']['mail']): void {
  const app = ctx.principal?.vendor === 'feishu' ? ctx.principal.appId : ''
  const hit = ctx.env.stores.feishuMail.rate.hit(app, ctx.nowMs, config.rateLimitPerMinute)
  if (hit.limited) {
    fail(99991400, `${R}.rate-limit: app "${app}" sent more than ${config.rateLimitPerMinute} requests this minute`, {
      headers: rateLimitHeaders(config.rateLimitPerMinute, hit.resetSeconds),
    })
  }
}

type Req = FeishuMailSendRequest

/**
 * What the hooks see besides the body, and what they found on the way: the message, the replayed send, its
 * external recipients. Every field is there from the start (see the handler), so filling one in is a store,
 * not a new shape and a bigger property list for the object.
 */
interface Check extends MailboxLookup {
  ctx: RequestContext
  config: Config['feishu']['mail']
  body: Req
  /** `raw` when it wins over the structured fields. */
  raw: string | undefined
  /** The lock is this request's: the handler releases it. */
  locked: boolean
  parsed: Promise<ParsedRaw | { invalid: string } | undefined> | undefined
  mime: ParsedRaw | { invalid: string } | undefined
  content: MailContent | undefined
  /** Undefined until looked up; null when the send replays nothing. */
  replay: StoredMessage | null | undefined
  /** How many distinct external addresses the message goes to (the quotas and the counters read it). */
  external: number | undefined
  /** The structured message's decoded size, once the size rule has counted it. */
  size: number | undefined
}

/** The parsed raw once it can be parsed (base64url, within the size limit): the rules before it look at it first. */
function parsedRaw(s: Check): Promise<ParsedRaw | { invalid: string } | undefined> {
  s.parsed ??= (async () => {
    const raw = s.raw!
    if (!isBase64Url(raw) || decodedLength(raw) > s.config.maxMessageBytes) return undefined
    s.mime = await parseRaw(decodeBase64Url(raw))
    return s.mime
  })()
  return s.parsed
}

/** A parsed raw that is MIME (the raw rules after raw.mime see only those). */
const mime = (s: Check): ParsedRaw | undefined => (s.mime && !('invalid' in s.mime) ? s.mime : undefined)

/**
 * The first attachment broken, and under which of the rules checked item by item. A missing filename is the
 * filename rule's, a plain check right after these hooks: they let it through.
 */
function attachmentProblem(b: Req): { rule: 'body' | 'cid' | 'base64url' | 'filename'; detail: string } | undefined {
  const list = b.attachments ?? []
  for (let i = 0; i < list.length; i++) {
    const a = list[i]
    if (a === null || typeof a !== 'object') return { rule: 'body', detail: `attachments[${i}] is empty` }
    if (!a.filename) return { rule: 'filename', detail: '' }
    if (a.body === undefined || a.body === null) return { rule: 'body', detail: `attachments[${i}].body is required` }
    if (a.is_inline && !a.cid)
      return { rule: 'cid', detail: `attachments[${i}] is inline, so it needs a cid (Lark EN doc)` }
    if (!isBase64Url(a.body))
      return {
        rule: 'base64url',
        detail: `attachments[${i}].body is not base64url ("+/" must be "-_"; padding is optional)`,
      }
  }
  return undefined
}

const problem = (b: Req, s: Check, rule: 'body' | 'cid' | 'base64url'): HookResult => {
  if (s.raw !== undefined) return undefined
  const p = attachmentProblem(b)
  return p?.rule === rule ? p.detail : undefined
}

/** The structured message's decoded size: attachments, subject and both bodies. */
function structuredSize(b: Req): number {
  let size = 0
  for (const a of b.attachments ?? []) size += decodedLength(a.body!)
  return (
    size +
    Buffer.byteLength(b.subject ?? '') +
    Buffer.byteLength(b.body_html ?? '') +
    Buffer.byteLength(b.body_plain_text ?? '')
  )
}

/** The last mailbox's `@domain`: a client's sends come from one mailbox, so it is split once. */
let lastSuffix = { mailbox: '', suffix: '' }

/** What follows the uuid in a Message-ID the emulator assigns: `@` and the mailbox's domain. */
function messageIdSuffix(mailbox: string): string {
  if (lastSuffix.mailbox !== mailbox) lastSuffix = { mailbox, suffix: `@${mailbox.split('@')[1]}` }
  return lastSuffix.suffix
}

/** The message as it is sent (once every content rule holds): a Message-ID assigned unless the raw has one. */
function contentOf(s: Check): MailContent {
  if (s.content) return s.content
  const { ctx, body, target } = s
  const user = target!
  const from: Address = { mail_address: user.mailbox, name: body.head_from?.name || user.name }
  const parsed = mime(s)
  if (s.raw !== undefined && parsed) {
    const name = body.head_from?.name || parsed.from?.name
    s.content = {
      subject: parsed.subject,
      // The mail goes out as the mailbox's user whatever the EML's From says; its display name is kept.
      headFrom: name ? { mail_address: user.mailbox, name } : from,
      to: parsed.to,
      cc: parsed.cc,
      bcc: parsed.bcc,
      bodyHtml: parsed.html,
      bodyPlain: parsed.text,
      attachments: parsed.attachments.map((a) => ({
        id: '',
        filename: a.filename,
        is_inline: a.isInline,
        ...(a.cid ? { cid: a.cid } : {}),
        size: a.size,
      })),
      smtpMessageId: parsed.messageId
        ? parsed.messageId.replace(/^<|>$/g, '')
        : ctx.env.random.uuid(messageIdSuffix(user.mailbox)),
      ...(parsed.inReplyTo ? { inReplyTo: parsed.inReplyTo } : {}),
      ...(parsed.references ? { references: parsed.references } : {}),
      internalDate: ctx.nowMs,
      size: decodedLength(s.raw),
    }
    return s.content
  }
  const stored: StoredAttachment[] = (body.attachments ?? []).map((a) => ({
    id: '',
    filename: a.filename!,
    is_inline: a.is_inline ?? false,
    ...(a.cid ? { cid: a.cid } : {}),
    size: decodedLength(a.body!),
  }))
  s.content = {
    subject: body.subject ?? '',
    headFrom: from,
    to: addresses(body.to),
    cc: addresses(body.cc),
    bcc: addresses(body.bcc),
    bodyHtml: body.body_html ?? '',
    bodyPlain: body.body_plain_text ?? '',
    attachments: stored,
    size: s.size ?? structuredSize(body),
    smtpMessageId: ctx.env.random.uuid(messageIdSuffix(user.mailbox)),
    internalDate: ctx.nowMs,
  }
  return s.content
}

/** Same key from the same mailbox: the first send's answer again, and no second mail (decision). */
function replayOf(s: Check): StoredMessage | null {
  if (s.replay === undefined)
    s.replay = s.body.dedupe_key
      ? (s.ctx.env.stores.feishuMail.store.byDedupeKey(s.target!.mailbox, s.body.dedupe_key) ?? null)
      : null
  return s.replay
}

function matchesAddress(list: string[], address: string): boolean {
  // The checks' lists are empty unless configured: nothing to lower-case the address for.
  if (list.length === 0) return false
  const lower = address.toLowerCase()
  const domain = lower.slice(lower.lastIndexOf('@'))
  return list.some((e) => {
    const entry = e.toLowerCase()
    return entry === lower || (entry.startsWith('@') && entry === domain)
  })
}

/**
 * The vendor-side checks a request cannot trigger by itself, switched on by `feishu.mail.checks`, and the
 * daily quotas: neither looks at a replayed send.
 */
function configured(
  s: Check,
  rule: (checks: Config['feishu']['mail']['checks'], user: FeishuUser, s: Check) => HookResult,
) {
  return replayOf(s) ? undefined : rule(s.config.checks, s.target!, s)
}

/** Counted once per send: two quotas and the counters after delivery read it. */
function externalRecipients(s: Check): number {
  if (s.external !== undefined) return s.external
  const dir = s.ctx.env.stores.feishuDirectory
  const user = s.target!
  const c = contentOf(s)
  const seen = new Set<string>()
  for (const list of [c.to, c.cc, c.bcc]) {
    for (const r of list) {
      const a = r.mail_address.toLowerCase()
      if (!dir.isInternal(user.tenantKey, a)) seen.add(a)
    }
  }
  s.external = seen.size
  return s.external
}

function quota(
  s: Check,
  rule: (daily: Config['feishu']['mail']['daily'], user: FeishuUser, counters: DailyQuotas, s: Check) => HookResult,
) {
  if (replayOf(s)) return undefined
  return rule(s.config.daily, s.target!, s.ctx.env.stores.feishuMail.daily, s)
}

// The configured checks and the quotas, each made once: written inline in its hook, each was a new function
// every request (ten of them a send).
type Checks = Config['feishu']['mail']['checks']
type Daily = Config['feishu']['mail']['daily']

const blockedSender = (checks: Checks, user: FeishuUser) =>
  matchesAddress(checks.blockedSenders, user.mailbox)
    ? `"${user.mailbox}" is in feishu.mail.checks.blockedSenders`
    : undefined

const blockedReceiver = (checks: Checks, _user: FeishuUser, s: Check) => {
  // matchesAddress holds for nothing in an empty list: no list of every recipient to make.
  if (checks.blockedReceivers.length === 0) return undefined
  const c = contentOf(s)
  const r = [...c.to, ...c.cc, ...c.bcc].find((x) => matchesAddress(checks.blockedReceivers, x.mail_address))
  return r ? `"${echo(r.mail_address)}" is in feishu.mail.checks.blockedReceivers` : undefined
}

const riskyContent = (checks: Checks, _user: FeishuUser, s: Check) => {
  if (checks.riskKeywords.length === 0) return undefined
  const c = contentOf(s)
  const text = `${c.subject}\n${c.bodyPlain}\n${c.bodyHtml}`.toLowerCase()
  const hit = checks.riskKeywords.find((k) => k && text.includes(k.toLowerCase()))
  return hit !== undefined ? `the message contains "${hit}" (feishu.mail.checks.riskKeywords)` : undefined
}

const tenantStorageFull = (checks: Checks, user: FeishuUser) =>
  checks.storageFullTenants.includes(user.tenantKey)
    ? `tenant "${user.tenantKey}" is in feishu.mail.checks.storageFullTenants`
    : undefined

const throttled = (checks: Checks, user: FeishuUser) =>
  matchesAddress(checks.throttledMailboxes, user.mailbox)
    ? `"${user.mailbox}" is in feishu.mail.checks.throttledMailboxes`
    : undefined

const restricted = (checks: Checks, user: FeishuUser) =>
  matchesAddress(checks.restrictedMailboxes, user.mailbox)
    ? `"${user.mailbox}" is in feishu.mail.checks.restrictedMailboxes`
    : undefined

const failing = (checks: Checks, user: FeishuUser) =>
  matchesAddress(checks.failingMailboxes, user.mailbox)
    ? `"${user.mailbox}" is in feishu.mail.checks.failingMailboxes`
    : undefined

const userDailySends = (daily: Daily, user: FeishuUser, counters: DailyQuotas, s: Check) => {
  const sends = counters.sends.get(user.openId, s.ctx.nowMs)
  return sends >= daily.sendsPerUser ? `${sends} sends today (Beijing day); at most ${daily.sendsPerUser}` : undefined
}

const userDailyExternal = (daily: Daily, user: FeishuUser, counters: DailyQuotas, s: Check) => {
  const external = externalRecipients(s)
  const userExt = counters.externalByUser.get(user.openId, s.ctx.nowMs)
  return external > 0 && userExt + external > daily.externalRecipientsPerUser
    ? `${userExt} + ${external} external recipients today; at most ${daily.externalRecipientsPerUser}`
    : undefined
}

const tenantDailyExternal = (daily: Daily, user: FeishuUser, counters: DailyQuotas, s: Check) => {
  const external = externalRecipients(s)
  const tenantExt = counters.externalByTenant.get(user.tenantKey, s.ctx.nowMs)
  return external > 0 && tenantExt + external > daily.externalRecipientsPerTenant
    ? `${tenantExt} + ${external} external recipients today in the tenant; at most ${daily.externalRecipientsPerTenant}`
    : undefined
}

/** The structured fields the plain checks see: none when `raw` wins. */
const RAW_WINS: Req = Object.freeze({})

/**
 * Every refusing rule of contracts/rules/feishu.mail.send.json in its file order: the plain one from its
 * `check`, the rest here, by id. The structured rules hold for a message without `raw`, the raw ones for one
 * with it; attachments.limit and size.limit are both's.
 */
const check = waitingRuleChecks<Req, Check>(rulesOf(R), {
  elsewhere: [`${R}.body.type`, `${R}.attachments.body.length`, `${R}.rate-limit`],
  hooks: {
    [`${R}.mailbox.not-found`]: (_b, s) => mailboxRules.notFound(s),
    [`${R}.mailbox.inactive`]: (_b, s) => mailboxRules.inactive(s),
    [`${R}.mailbox.other-user`]: (_b, s) => mailboxRules.otherUser(s),
    [`${R}.lock.serial`]: (_b, s) => {
      if (!s.ctx.env.stores.feishuMail.locks.tryAcquire(s.target!.mailbox))
        return `another send for "${s.target!.mailbox}" is in progress (one at a time per user)`
      s.locked = true
      return undefined
    },
    [`${R}.attachments.limit`]: (b, s) => {
      if (s.raw === undefined) {
        const n = (b.attachments ?? []).length
        return n > MAX_ATTACHMENTS ? `${n} attachments; at most ${MAX_ATTACHMENTS}` : undefined
      }
      return parsedRaw(s).then(() => {
        const n = mime(s)?.attachments.length ?? 0
        return n > MAX_ATTACHMENTS ? `raw has ${n} attachments; at most ${MAX_ATTACHMENTS}` : undefined
      })
    },
    [`${R}.recipients.limit`]: (b, s) =>
      s.raw === undefined
        ? tooManyRecipients((b.to?.length ?? 0) + (b.cc?.length ?? 0) + (b.bcc?.length ?? 0))
        : undefined,
    [`${R}.recipients.address`]: (b, s) =>
      s.raw === undefined ? (badAddress('to', b.to) ?? badAddress('cc', b.cc) ?? badAddress('bcc', b.bcc)) : undefined,
    [`${R}.recipients.required`]: (b, s) =>
      s.raw === undefined && !b.to?.length && !b.cc?.length && !b.bcc?.length
        ? 'a message needs at least one of to, cc, bcc (or a raw with recipients)'
        : undefined,
    [`${R}.attachments.body.required`]: (b, s) => problem(b, s, 'body'),
    [`${R}.attachments.inline-cid`]: (b, s) => problem(b, s, 'cid'),
    [`${R}.attachments.body.base64url`]: (b, s) => problem(b, s, 'base64url'),
    [`${R}.raw.base64url`]: (_b, s) =>
      s.raw !== undefined && !isBase64Url(s.raw)
        ? 'raw is not base64url ("+/" must be "-_"; padding is optional)'
        : undefined,
    [`${R}.size.limit`]: (b, s) => {
      const max = s.config.maxMessageBytes
      if (s.raw !== undefined) {
        const size = decodedLength(s.raw)
        return size > max ? `raw decodes to ${size} bytes; at most ${max}` : undefined
      }
      const size = structuredSize(b)
      s.size = size
      return size > max ? `the message is ${size} bytes; at most ${max}` : undefined
    },
    [`${R}.raw.mime`]: (_b, s) =>
      s.raw === undefined ? undefined : parsedRaw(s).then((p) => (p && 'invalid' in p ? p.invalid : undefined)),
    [`${R}.raw.recipients`]: (_b, s) => {
      const p = s.raw === undefined ? undefined : mime(s)
      if (!p) return undefined
      const bad =
        p.badAddresses[0] ?? [...p.to, ...p.cc, ...p.bcc].find((a) => !isAddress(a.mail_address))?.mail_address
      if (bad !== undefined) return `raw has a recipient that is not an email address: "${echo(bad)}"`
      return p.to.length + p.cc.length + p.bcc.length === 0
        ? 'raw has no To, Cc or Bcc header with an address'
        : undefined
    },
    [`${R}.raw.recipients.limit`]: (_b, s) => {
      const p = s.raw === undefined ? undefined : mime(s)
      return p ? tooManyRecipients(p.to.length + p.cc.length + p.bcc.length) : undefined
    },
    [`${R}.message-id.duplicate`]: (_b, s) => {
      const id = contentOf(s).smtpMessageId
      return s.ctx.env.stores.feishuMail.store.wasSent(s.target!.mailbox, id)
        ? `Message-ID <${echo(id)}> was already sent from "${s.target!.mailbox}"`
        : undefined
    },
    [`${R}.check.sender`]: (_b, s) => configured(s, blockedSender),
    [`${R}.check.receiver`]: (_b, s) => configured(s, blockedReceiver),
    [`${R}.check.content-risk`]: (_b, s) => configured(s, riskyContent),
    [`${R}.check.tenant-storage`]: (_b, s) => configured(s, tenantStorageFull),
    [`${R}.check.throttled`]: (_b, s) => configured(s, throttled),
    [`${R}.check.restriction`]: (_b, s) => configured(s, restricted),
    [`${R}.check.internal-error`]: (_b, s) => configured(s, failing),
    [`${R}.quota.user-daily-sends`]: (_b, s) => quota(s, userDailySends),
    [`${R}.quota.user-daily-external`]: (_b, s) => quota(s, userDailyExternal),
    [`${R}.quota.tenant-daily-external`]: (_b, s) => quota(s, tenantDailyExternal),
  },
})

/** Keeps the checked message and counts it: the first send's answer again for a replayed dedupe_key. */
function deliver(s: Check): Record<string, unknown> {
  const { ctx, body } = s
  const first = replayOf(s)
  if (first) return { message_id: first.messageId, thread_id: first.threadId }
  const user = s.target!
  const mail = ctx.env.stores.feishuMail
  const content = contentOf(s)
  const external = externalRecipients(s)
  for (const a of content.attachments) a.id = ctx.env.random.alnum(27)
  const dir = ctx.env.stores.feishuDirectory
  const internalRecipients: { mailbox: string; tenantKey: string }[] = []
  for (const list of [content.to, content.cc, content.bcc]) {
    for (const r of list) {
      const u = dir.userByMailbox(r.mail_address)
      if (u?.active) internalRecipients.push({ mailbox: u.mailbox, tenantKey: u.tenantKey })
    }
  }
  const sent = mail.store.send({
    mailbox: user.mailbox,
    tenantKey: user.tenantKey,
    content,
    // The strings the request already holds: kept for downloads, decoded only then.
    bodies: s.raw !== undefined ? { raw: s.raw } : { attachments: (body.attachments ?? []).map((a) => a.body ?? '') },
    ...(body.dedupe_key ? { dedupeKey: body.dedupe_key } : {}),
    internalRecipients,
  })
  mail.daily.sends.add(user.openId, ctx.nowMs, 1)
  if (external > 0) {
    mail.daily.externalByUser.add(user.openId, ctx.nowMs, external)
    mail.daily.externalByTenant.add(user.tenantKey, ctx.nowMs, external)
  }
  return { message_id: sent.messageId, thread_id: sent.threadId }
}

/** A settled promise: a reaction to it is a job of this turn's microtasks (queueMicrotask costs an async resource a call). */
const NOW = Promise.resolve()

/**
 * Delivers a checked send and lets its mailbox go after lockHoldMs, or when nothing holds it (lockHoldMs 0,
 * a replayed send) where the handler that awaited its checks let it go: at once after checks that waited,
 * and in the turn's microtasks after checks answered in the handler's own turn (`inTurn`), so a send made in
 * that turn (in process, or a request pipelined behind it) still meets the lock.
 */
function finish(s: Check, inTurn: boolean): Record<string, unknown> | Promise<Record<string, unknown>> {
  const mail = s.ctx.env.stores.feishuMail
  const mailbox = s.target!.mailbox
  let result: Record<string, unknown>
  try {
    result = deliver(s)
  } catch (e) {
    if (s.locked) mail.locks.release(mailbox)
    throw e
  }
  // deliver looked the dedupe_key up: a replayed send answers at once.
  const replayed = s.replay !== null && s.replay !== undefined
  // A real send takes time; hold the mailbox (and the answer) so concurrent sends meet the lock.
  if (!replayed && s.config.lockHoldMs > 0) {
    return sleep(s.config.lockHoldMs).then(
      () => {
        mail.locks.release(mailbox)
        return result
      },
      (e) => {
        mail.locks.release(mailbox)
        throw e
      },
    )
  }
  if (inTurn) NOW.then(() => mail.locks.release(mailbox))
  else mail.locks.release(mailbox)
  return result
}

export const mailSend = defineEndpoint('feishu.mail.send', {
  shape: {
    fallback: `${R}.body.type`,
    fields: { 'attachments[].body:maxLength': `${R}.attachments.body.length` },
  },
  // The gateway counts the request before it reads the body's fields.
  admit: (ctx) => checkRateLimit(ctx, ctx.env.config.feishu.mail),
  // No promise unless a check waits (a raw to parse) or the lock is held: the answer comes in this turn.
  handle(ctx) {
    const config = ctx.env.config.feishu.mail
    const body = ctx.body as Req
    const raw = body.raw !== undefined && body.raw !== null ? body.raw : undefined
    const { param, caller, target } = lookupMailbox(ctx)
    const s: Check = {
      param,
      caller,
      target,
      ctx,
      config,
      body,
      raw,
      locked: false,
      parsed: undefined,
      mime: undefined,
      content: undefined,
      replay: undefined,
      external: undefined,
      size: undefined,
    }
    const refused = (e: unknown): never => {
      if (s.locked) ctx.env.stores.feishuMail.locks.release(s.target!.mailbox)
      throw e
    }
    let waiting: Promise<void> | undefined
    try {
      waiting = check(raw === undefined ? body : RAW_WINS, s)
    } catch (e) {
      refused(e)
    }
    return waiting ? waiting.then(() => finish(s, false), refused) : finish(s, true)
  },
})
