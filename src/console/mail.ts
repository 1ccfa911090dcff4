/**
 * What the console shows of mail beyond the control plane's mailbox read-backs: which mailboxes hold
 * anything, the latest mails of both vendors, attachment bytes, the raw EML of a Feishu `raw` send, and a
 * mail's HTML made safe to render (inline `cid:` images resolved to data: URLs, served under a CSP that runs
 * no script and loads no remote image unless asked).
 */
import PostalMime from 'postal-mime'
import type { Emulator } from '../core/emulator.ts'
import { decodeBase64Url } from '../feishu/mail/base64url.ts'
import type { StoredMessage } from '../feishu/mail/store.ts'
import type { DeliveredMail } from '../wecom/mail/mailboxes.ts'

export interface MailSummary {
  vendor: 'feishu' | 'wecom'
  id: string
  /** The mailbox the console opens it in: the sender's (Feishu), the first recipient's (WeCom). */
  mailbox: string
  subject: string
  from: string
  to: string[]
  /** Unix milliseconds on the emulator clock. */
  at: number
  attachments: number
  meetingid: string | null
}

export interface MailboxSummary {
  address: string
  name: string | null
  count: number
}

/** Every mailbox with mail: Feishu's seeded users (with or without mail) and WeCom's delivered-to addresses. */
export function mailboxes(core: Emulator): { feishu: MailboxSummary[]; wecom: MailboxSummary[] } {
  const { feishuMail, feishuDirectory, mailboxes: wecomBoxes } = core.state.stores
  const counts = new Map<string, number>()
  for (const m of feishuMail.store.all()) counts.set(m.mailbox, (counts.get(m.mailbox) ?? 0) + 1)
  const feishu: MailboxSummary[] = []
  for (const t of feishuDirectory.tenants.values())
    for (const u of t.users.values()) {
      feishu.push({ address: u.mailbox, name: u.name, count: counts.get(u.mailbox) ?? 0 })
      counts.delete(u.mailbox)
    }
  for (const [address, count] of counts) feishu.push({ address, name: null, count })
  const wecom = wecomBoxes
    .addresses()
    .map((address) => ({ address, name: null, count: wecomBoxes.read(address).length }))
  return { feishu, wecom }
}

function feishuSummary(m: StoredMessage): MailSummary {
  const c = m.content
  return {
    vendor: 'feishu',
    id: m.messageId,
    mailbox: m.mailbox,
    subject: c.subject,
    from: c.headFrom.name ? `${c.headFrom.name} <${c.headFrom.mail_address}>` : c.headFrom.mail_address,
    to: [...c.to, ...c.cc].map((a) => a.mail_address),
    at: c.internalDate,
    attachments: c.attachments.length,
    meetingid: null,
  }
}

/** Every WeCom mail once (a mail to many is one object in many mailboxes), with the mailbox it was first filed in. */
function wecomMails(core: Emulator): { mail: DeliveredMail; mailbox: string }[] {
  const boxes = core.state.stores.mailboxes
  const seen = new Map<DeliveredMail, string>()
  for (const address of boxes.addresses())
    for (const { mail } of boxes.read(address)) if (!seen.has(mail)) seen.set(mail, address)
  return [...seen].map(([mail, mailbox]) => ({ mail, mailbox }))
}

function appName(core: Emulator, corpid: string, agentid: number): string {
  return core.state.stores.wecomDirectory.app(corpid, agentid)?.name ?? `${corpid}/${agentid}`
}

/** The newest mails of both vendors: Feishu sends (the sender's copy) and WeCom meeting mails delivered. */
function wecomSummary(core: Emulator, { mail, mailbox }: { mail: DeliveredMail; mailbox: string }): MailSummary {
  return {
    vendor: 'wecom',
    id: mail.id,
    mailbox,
    subject: mail.subject,
    from: appName(core, mail.corpid, mail.agentid),
    to: [...mail.to, ...mail.cc],
    at: mail.at * 1000,
    attachments: mail.attachments.length,
    meetingid: mail.meetingid,
  }
}

export function latestMails(core: Emulator, limit: number): MailSummary[] {
  const feishu = core.state.stores.feishuMail.store
    .all()
    .filter((m) => m.state === 2)
    .slice(-limit)
    .map(feishuSummary)
  const wecom = wecomMails(core)
    .sort((a, b) => a.mail.at - b.mail.at)
    .slice(-limit)
    .map((found) => wecomSummary(core, found))
  return [...feishu, ...wecom].sort((a, b) => b.at - a.at).slice(0, limit)
}

/** The WeCom meeting mail that booked (or last changed) a schedule, and a mailbox holding it. */
export function mailOfSchedule(core: Emulator, scheduleId: string): MailSummary | null {
  const found = wecomMails(core)
    .filter(({ mail }) => mail.schedule.schedule_id === scheduleId)
    .sort((a, b) => a.mail.at - b.mail.at)[0]
  return found ? wecomSummary(core, found) : null
}

export function feishuMessage(core: Emulator, address: string, id: string): StoredMessage | undefined {
  const m = core.state.stores.feishuMail.store.get(id)
  return m && m.mailbox === address.toLowerCase() ? m : undefined
}

export function wecomMail(core: Emulator, address: string, id: string): DeliveredMail | undefined {
  return core.state.stores.mailboxes.read(address).find((e) => e.mail.id === id)?.mail
}

export interface AttachmentBytes {
  filename: string
  contentType: string
  bytes: Uint8Array
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  svg: 'image/svg+xml',
}

function typeOf(filename: string): string {
  const ext = filename.slice(filename.lastIndexOf('.') + 1).toLowerCase()
  return IMAGE_TYPES[ext] ?? 'application/octet-stream'
}

/** The bytes of every attachment of a Feishu message, in the order of its `attachments`; undefined when not kept. */
async function feishuParts(core: Emulator, m: StoredMessage): Promise<(AttachmentBytes | undefined)[]> {
  const bodies = core.state.stores.feishuMail.store.bodiesOf(m.messageId)
  const list = m.content.attachments
  if (bodies?.raw !== undefined) {
    // A raw send keeps only its EML: parse it again, as the send did.
    const email = await PostalMime.parse(decodeBase64Url(bodies.raw))
    return list.map((a, i) => {
      const part = email.attachments[i]
      if (!part) return undefined
      const bytes = typeof part.content === 'string' ? Buffer.from(part.content) : new Uint8Array(part.content)
      return { filename: a.filename, contentType: part.mimeType || typeOf(a.filename), bytes }
    })
  }
  return list.map((a, i) => {
    const body = bodies?.attachments?.[i]
    return body === undefined
      ? undefined
      : { filename: a.filename, contentType: typeOf(a.filename), bytes: decodeBase64Url(body) }
  })
}

export async function feishuAttachment(
  core: Emulator,
  m: StoredMessage,
  attachmentId: string,
): Promise<AttachmentBytes | undefined> {
  const i = m.content.attachments.findIndex((a) => a.id === attachmentId)
  if (i < 0) return undefined
  return (await feishuParts(core, m))[i]
}

export function feishuRaw(core: Emulator, m: StoredMessage): Uint8Array | undefined {
  const raw = core.state.stores.feishuMail.store.bodiesOf(m.messageId)?.raw
  return raw === undefined ? undefined : decodeBase64Url(raw)
}

export function wecomAttachment(core: Emulator, mail: DeliveredMail, index: number): AttachmentBytes | undefined {
  const a = mail.attachments[index]
  const content = a ? core.state.stores.mailboxes.attachmentContent(mail, index) : undefined
  if (!a || content === undefined) return undefined
  return { filename: a.file_name, contentType: typeOf(a.file_name), bytes: Buffer.from(content, 'base64') }
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** Inline images larger than this stay unresolved (a broken image), so one mail cannot make a huge page. */
const MAX_INLINE_BYTES = 5 * 1024 * 1024

/** A mail's HTML with `cid:` references turned into data: URLs of the attachments they name. */
export async function feishuHtml(core: Emulator, m: StoredMessage): Promise<string> {
  const c = m.content
  if (!c.bodyHtml) return plainPage(c.bodyPlain)
  const cids = new Map<string, number>()
  c.attachments.forEach((a, i) => {
    if (a.cid) cids.set(a.cid.toLowerCase(), i)
  })
  if (cids.size === 0 || !/cid:/i.test(c.bodyHtml)) return c.bodyHtml
  const parts = await feishuParts(core, m)
  // In attributes (src=, background=) and CSS url(): a "cid:" in the text stays text.
  return c.bodyHtml.replace(/(=\s*["']?|url\(\s*["']?)cid:([^"'\s)>]+)/gi, (whole, before: string, cid: string) => {
    let name = cid
    try {
      name = decodeURIComponent(cid)
    } catch {}
    const i = cids.get(name.toLowerCase())
    const part = i === undefined ? undefined : parts[i]
    if (!part || part.bytes.byteLength > MAX_INLINE_BYTES) return whole
    return `${before}data:${part.contentType};base64,${Buffer.from(part.bytes).toString('base64')}`
  })
}

export function wecomHtml(mail: DeliveredMail): string {
  return mail.content_type === 'html' ? mail.content : plainPage(mail.content)
}

function plainPage(text: string): string {
  return `<pre style="white-space:pre-wrap;font:14px/1.5 system-ui,sans-serif">${escapeHtml(text)}</pre>`
}

/**
 * The CSP a mail's HTML is served under: no script at all (and the `sandbox` directive, so not even a
 * top-level visit runs one), inline styles as mail needs them, images from data: only, or from anywhere
 * when the reader asked for remote images.
 */
export function mailCsp(remoteImages: boolean): string {
  return [
    "default-src 'none'",
    "script-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src data:${remoteImages ? ' http: https:' : ''}`,
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
    'sandbox',
  ].join('; ')
}
