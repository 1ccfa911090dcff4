/**
 * 发送邮件: `POST /open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages/send`
 * (https://open.feishu.cn/document/server-docs/mail-v1/user_mailbox-message/send).
 *
 * Checks run in this order, one failure reported at a time: the gateway's rate limit (99991400) and
 * JSON types (9499 / 99992402); the mailbox (1234013 / 1234017); the per-user lock (1236006); counts
 * (1236004, 1236003); structured fields (1234008); base64url, size and MIME (1236002, 1236001); a
 * Message-ID sent before (1236005); dedupe_key (answers the first send again); the configured vendor
 * checks (1236017, 1236018, 1236014, 1236013, 1236010, 1236012, 1236019); daily quotas (1236007-9).
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
import type { FeishuMailSendRequest } from '../../generated/contracts.ts'
import type { FeishuUser } from '../directory.ts'
import { rateLimitHeaders } from '../envelope.ts'
import { decodeBase64Url, decodedLength, isBase64Url } from './base64url.ts'
import { resolveMailbox } from './mailbox.ts'
import { parseRaw } from './mime.ts'
import { type Address, checkAddressList, checkRecipientCount, isAddress, MAX_ATTACHMENTS } from './recipients.ts'
import type { MailContent, StoredAttachment } from './store.ts'

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

function checkBase64(value: string, rule: string, field: string): void {
  if (!isBase64Url(value)) fail(1236002, `${rule}: ${field} is not base64url ("+/" must be "-_"; padding is optional)`)
}

/** Structured fields → the message, or 1234008 for the first field that is missing or malformed. */
function composeStructured(
  body: FeishuMailSendRequest,
  from: Address,
): Omit<MailContent, 'smtpMessageId' | 'internalDate'> {
  const attachments = body.attachments ?? []
  if (attachments.length > MAX_ATTACHMENTS) {
    fail(1236004, `${R}.attachments.limit: ${attachments.length} attachments; at most ${MAX_ATTACHMENTS}`)
  }
  const count = (body.to?.length ?? 0) + (body.cc?.length ?? 0) + (body.bcc?.length ?? 0)
  checkRecipientCount(count, `${R}.recipients.limit`)
  const to = checkAddressList('to', body.to)
  const cc = checkAddressList('cc', body.cc)
  const bcc = checkAddressList('bcc', body.bcc)
  if (to.length + cc.length + bcc.length === 0) {
    fail(1234008, `${R}.recipients.required: a message needs at least one of to, cc, bcc (or a raw with recipients)`)
  }
  const stored: StoredAttachment[] = []
  let size = 0
  for (const [i, a] of attachments.entries()) {
    if (a === null || typeof a !== 'object') fail(1234008, `${R}.attachments.body.required: attachments[${i}] is empty`)
    if (!a.filename) fail(1234008, `${R}.attachments.filename.required: attachments[${i}].filename is required`)
    if (a.body === undefined || a.body === null) {
      fail(1234008, `${R}.attachments.body.required: attachments[${i}].body is required`)
    }
    if (a.is_inline && !a.cid) {
      fail(1234008, `${R}.attachments.inline-cid: attachments[${i}] is inline, so it needs a cid (Lark EN doc)`)
    }
    const filename = a.filename
    checkBase64(a.body, `${R}.attachments.body.base64url`, `attachments[${i}].body`)
    const bytes = decodedLength(a.body)
    size += bytes
    stored.push({ id: '', filename, is_inline: a.is_inline ?? false, ...(a.cid ? { cid: a.cid } : {}), size: bytes })
  }
  const subject = body.subject ?? ''
  const bodyHtml = body.body_html ?? ''
  const bodyPlain = body.body_plain_text ?? ''
  size += Buffer.byteLength(subject) + Buffer.byteLength(bodyHtml) + Buffer.byteLength(bodyPlain)
  return { subject, headFrom: from, to, cc, bcc, bodyHtml, bodyPlain, attachments: stored, size }
}

/**
 * `raw` wins over every structured content field when both are given (decision: `raw` with structured fields: `raw`
 * wins).
 */
async function composeRaw(
  raw: string,
  from: Address,
  fromName: string | undefined,
  maxBytes: number,
): Promise<Omit<MailContent, 'internalDate' | 'smtpMessageId'> & { smtpMessageId: string | undefined }> {
  checkBase64(raw, `${R}.raw.base64url`, 'raw')
  const size = decodedLength(raw)
  if (size > maxBytes) fail(1236001, `${R}.size.limit: raw decodes to ${size} bytes; at most ${maxBytes}`)
  const parsed = await parseRaw(decodeBase64Url(raw))
  if (parsed.badAddresses.length > 0) {
    fail(
      1234008,
      `${R}.raw.recipients: raw has a recipient that is not an email address: "${echo(parsed.badAddresses[0])}"`,
    )
  }
  for (const a of [...parsed.to, ...parsed.cc, ...parsed.bcc]) {
    if (!isAddress(a.mail_address)) {
      fail(1234008, `${R}.raw.recipients: raw has a recipient that is not an email address: "${echo(a.mail_address)}"`)
    }
  }
  checkRecipientCount(parsed.to.length + parsed.cc.length + parsed.bcc.length, `${R}.raw.recipients.limit`)
  if (parsed.attachments.length > MAX_ATTACHMENTS) {
    fail(
      1236004,
      `${R}.attachments.limit: raw has ${parsed.attachments.length} attachments; at most ${MAX_ATTACHMENTS}`,
    )
  }
  if (parsed.to.length + parsed.cc.length + parsed.bcc.length === 0) {
    fail(1234008, `${R}.raw.recipients: raw has no To, Cc or Bcc header with an address`)
  }
  const name = fromName ?? parsed.from?.name
  return {
    subject: parsed.subject,
    // The mail goes out as the mailbox's user whatever the EML's From says; its display name is kept.
    headFrom: name ? { mail_address: from.mail_address, name } : from,
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
    smtpMessageId: parsed.messageId ? parsed.messageId.replace(/^<|>$/g, '') : undefined,
    ...(parsed.inReplyTo ? { inReplyTo: parsed.inReplyTo } : {}),
    ...(parsed.references ? { references: parsed.references } : {}),
    size,
  }
}

function matchesAddress(list: string[], address: string): boolean {
  const lower = address.toLowerCase()
  const domain = lower.slice(lower.lastIndexOf('@'))
  return list.some((e) => {
    const entry = e.toLowerCase()
    return entry === lower || (entry.startsWith('@') && entry === domain)
  })
}

/** The vendor-side checks a request cannot trigger by itself, switched on by `feishu.mail.checks`. */
function configuredChecks(user: FeishuUser, content: MailContent, checks: Config['feishu']['mail']['checks']): void {
  if (matchesAddress(checks.blockedSenders, user.mailbox)) {
    fail(1236017, `${R}.check.sender: "${user.mailbox}" is in feishu.mail.checks.blockedSenders`)
  }
  for (const r of [...content.to, ...content.cc, ...content.bcc]) {
    if (matchesAddress(checks.blockedReceivers, r.mail_address)) {
      fail(1236018, `${R}.check.receiver: "${echo(r.mail_address)}" is in feishu.mail.checks.blockedReceivers`)
    }
  }
  if (checks.riskKeywords.length > 0) {
    const text = `${content.subject}\n${content.bodyPlain}\n${content.bodyHtml}`.toLowerCase()
    const hit = checks.riskKeywords.find((k) => k && text.includes(k.toLowerCase()))
    if (hit !== undefined)
      fail(1236014, `${R}.check.content-risk: the message contains "${hit}" (feishu.mail.checks.riskKeywords)`)
  }
  if (checks.storageFullTenants.includes(user.tenantKey)) {
    fail(1236013, `${R}.check.tenant-storage: tenant "${user.tenantKey}" is in feishu.mail.checks.storageFullTenants`)
  }
  if (matchesAddress(checks.throttledMailboxes, user.mailbox)) {
    fail(1236010, `${R}.check.throttled: "${user.mailbox}" is in feishu.mail.checks.throttledMailboxes`)
  }
  if (matchesAddress(checks.restrictedMailboxes, user.mailbox)) {
    fail(1236012, `${R}.check.restriction: "${user.mailbox}" is in feishu.mail.checks.restrictedMailboxes`)
  }
  if (matchesAddress(checks.failingMailboxes, user.mailbox)) {
    fail(1236019, `${R}.check.internal-error: "${user.mailbox}" is in feishu.mail.checks.failingMailboxes`)
  }
}

function externalRecipients(ctx: RequestContext, user: FeishuUser, content: MailContent): number {
  const dir = ctx.env.stores.feishuDirectory
  const seen = new Set<string>()
  for (const r of [...content.to, ...content.cc, ...content.bcc]) {
    const a = r.mail_address.toLowerCase()
    if (!dir.isInternal(user.tenantKey, a)) seen.add(a)
  }
  return seen.size
}

function checkQuotas(
  ctx: RequestContext,
  user: FeishuUser,
  external: number,
  daily: Config['feishu']['mail']['daily'],
): void {
  const counters = ctx.env.stores.feishuMail.daily
  const sends = counters.get(`sends:${user.openId}`, ctx.nowMs)
  if (sends >= daily.sendsPerUser) {
    fail(1236007, `${R}.quota.user-daily-sends: ${sends} sends today (Beijing day); at most ${daily.sendsPerUser}`)
  }
  if (external === 0) return
  const userExt = counters.get(`ext-user:${user.openId}`, ctx.nowMs)
  if (userExt + external > daily.externalRecipientsPerUser) {
    fail(
      1236008,
      `${R}.quota.user-daily-external: ${userExt} + ${external} external recipients today; at most ${daily.externalRecipientsPerUser}`,
    )
  }
  const tenantExt = counters.get(`ext-tenant:${user.tenantKey}`, ctx.nowMs)
  if (tenantExt + external > daily.externalRecipientsPerTenant) {
    fail(
      1236009,
      `${R}.quota.tenant-daily-external: ${tenantExt} + ${external} external recipients today in the tenant; at most ${daily.externalRecipientsPerTenant}`,
    )
  }
}

async function send(
  ctx: RequestContext,
  user: FeishuUser,
  body: FeishuMailSendRequest,
): Promise<Record<string, unknown>> {
  const config = ctx.env.config.feishu.mail
  const mail = ctx.env.stores.feishuMail
  const from: Address = { mail_address: user.mailbox, name: body.head_from?.name || user.name }
  let content: MailContent
  if (body.raw !== undefined && body.raw !== null) {
    const composed = await composeRaw(
      body.raw,
      { mail_address: user.mailbox },
      body.head_from?.name || undefined,
      config.maxMessageBytes,
    )
    content = {
      ...composed,
      smtpMessageId: composed.smtpMessageId ?? `${ctx.env.random.uuid()}@${user.mailbox.split('@')[1]}`,
      internalDate: ctx.nowMs,
    }
    if (!content.headFrom.name) content.headFrom = from
  } else {
    const composed = composeStructured(body, from)
    if (composed.size > config.maxMessageBytes) {
      fail(1236001, `${R}.size.limit: the message is ${composed.size} bytes; at most ${config.maxMessageBytes}`)
    }
    content = {
      ...composed,
      smtpMessageId: `${ctx.env.random.uuid()}@${user.mailbox.split('@')[1]}`,
      internalDate: ctx.nowMs,
    }
  }
  if (mail.store.wasSent(user.mailbox, content.smtpMessageId)) {
    fail(
      1236005,
      `${R}.message-id.duplicate: Message-ID <${echo(content.smtpMessageId)}> was already sent from "${user.mailbox}"`,
    )
  }
  if (body.dedupe_key) {
    const first = mail.store.byDedupeKey(user.mailbox, body.dedupe_key)
    // Same key from the same mailbox: the first send's answer again, and no second mail (decision).
    if (first) return { message_id: first.messageId, thread_id: first.threadId, replayed: true }
  }
  configuredChecks(user, content, config.checks)
  const external = externalRecipients(ctx, user, content)
  checkQuotas(ctx, user, external, config.daily)
  for (const a of content.attachments) a.id = ctx.env.random.alnum(27)
  const dir = ctx.env.stores.feishuDirectory
  const internalRecipients: { mailbox: string; tenantKey: string }[] = []
  for (const r of [...content.to, ...content.cc, ...content.bcc]) {
    const u = dir.userByMailbox(r.mail_address)
    if (u?.active) internalRecipients.push({ mailbox: u.mailbox, tenantKey: u.tenantKey })
  }
  const sent = mail.store.send({
    mailbox: user.mailbox,
    tenantKey: user.tenantKey,
    content,
    // The strings the request already holds: kept for downloads, decoded only then.
    bodies:
      body.raw !== undefined && body.raw !== null
        ? { raw: body.raw }
        : { attachments: (body.attachments ?? []).map((a) => a.body ?? '') },
    ...(body.dedupe_key ? { dedupeKey: body.dedupe_key } : {}),
    internalRecipients,
  })
  mail.daily.add(`sends:${user.openId}`, ctx.nowMs, 1)
  if (external > 0) {
    mail.daily.add(`ext-user:${user.openId}`, ctx.nowMs, external)
    mail.daily.add(`ext-tenant:${user.tenantKey}`, ctx.nowMs, external)
  }
  return { message_id: sent.messageId, thread_id: sent.threadId }
}

export const mailSend = defineEndpoint('feishu.mail.send', {
  shape: {
    fallback: `${R}.body.type`,
    fields: { 'attachments[].body:maxLength': `${R}.attachments.body.length` },
  },
  // The gateway counts the request before it reads the body's fields.
  admit: (ctx) => checkRateLimit(ctx, ctx.env.config.feishu.mail),
  async handle(ctx) {
    const config = ctx.env.config.feishu.mail
    const body = ctx.body as FeishuMailSendRequest
    const user = resolveMailbox(ctx, 1234013, `${R}.mailbox`)
    const mail = ctx.env.stores.feishuMail
    if (!mail.locks.tryAcquire(user.mailbox)) {
      fail(1236006, `${R}.lock.serial: another send for "${user.mailbox}" is in progress (one at a time per user)`)
    }
    let result: Record<string, unknown>
    try {
      result = await send(ctx, user, body)
    } catch (e) {
      mail.locks.release(user.mailbox)
      throw e
    }
    const replayed = result.replayed === true
    delete result.replayed
    try {
      // A real send takes time; hold the mailbox (and the answer) so concurrent sends meet the lock.
      if (!replayed && config.lockHoldMs > 0) await sleep(config.lockHoldMs)
    } finally {
      mail.locks.release(user.mailbox)
    }
    return result
  },
})
