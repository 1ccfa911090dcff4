/**
 * Reading a `raw` EML (the send doc's `raw`: eml数据). postal-mime parses leniently (it makes an email out of
 * any bytes), so the "is this a MIME message at all" part is ours: an RFC 5322 header block of
 * `Name: value` lines (folded lines allowed) up to the blank line, and a boundary on every multipart
 * Content-Type. Anything else is not MIME (the send answers 400 1236002 invalid mime format under
 * feishu.mail.send.raw.mime). The doc's own example has no closing `--boundary--` line, so a missing close
 * delimiter is accepted.
 */
import type { Attachment, Email, Mailbox, Address as MimeAddress } from 'postal-mime'
import { echo } from '../../core/echo.ts'

export interface ParsedAddress {
  mail_address: string
  name?: string
}

export interface ParsedRaw {
  subject: string
  from: ParsedAddress | undefined
  to: ParsedAddress[]
  cc: ParsedAddress[]
  bcc: ParsedAddress[]
  messageId: string | undefined
  inReplyTo: string | undefined
  references: string | undefined
  html: string
  text: string
  attachments: { filename: string; isInline: boolean; cid?: string; size: number }[]
  /** Every address header that failed to parse into an address with an "@" (→ 1234008). */
  badAddresses: string[]
}

const FIELD_NAME = /^[!-9;-~]+$/

/** Why bytes are not a MIME message, thrown inside the parse and answered by parseRaw. */
class NotMime extends Error {}

function invalid(why: string): never {
  throw new NotMime(why)
}

/** The header block must be header fields; returns nothing, throws 1236002 with the reason. */
function checkHeaderBlock(text: string): void {
  const end = text.search(/\r?\n\r?\n/)
  const block = end < 0 ? text : text.slice(0, end)
  const lines = block.split(/\r?\n/)
  if (lines.length === 0 || lines[0] === '') invalid('the message has no header block')
  let fields = 0
  for (const [i, line] of lines.entries()) {
    if (line === '' && i === lines.length - 1) continue
    if (/^[ \t]/.test(line)) {
      if (i === 0) invalid('the message starts with a folded line')
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0 || !FIELD_NAME.test(line.slice(0, colon))) {
      invalid(`header line ${i + 1} is not "Name: value": ${JSON.stringify(echo(line))}`)
    }
    fields++
  }
  if (fields === 0) invalid('the message has no header fields')
}

function flatten(list: MimeAddress[] | undefined, bad: string[]): ParsedAddress[] {
  const out: ParsedAddress[] = []
  for (const a of list ?? []) {
    for (const m of a.group ?? [a as Mailbox]) {
      if (!m.address?.includes('@')) {
        bad.push(m.address || m.name)
        continue
      }
      out.push(m.name ? { mail_address: m.address, name: m.name } : { mail_address: m.address })
    }
  }
  return out
}

function sizeOf(content: Attachment['content']): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength
}

/** The message `bytes` hold, or why they are not a MIME message. */
export async function parseRaw(bytes: Buffer): Promise<ParsedRaw | { invalid: string }> {
  try {
    return await parse(bytes)
  } catch (e) {
    if (e instanceof NotMime) return { invalid: e.message }
    throw e
  }
}

async function parse(bytes: Buffer): Promise<ParsedRaw> {
  if (bytes.length === 0) invalid('raw decodes to an empty message')
  // Headers are ASCII (RFC 5322); latin1 keeps every byte as one char for the structural check.
  const head = bytes.subarray(0, Math.min(bytes.length, 256 * 1024)).toString('latin1')
  checkHeaderBlock(head)
  let email: Email
  try {
    // Loaded with the first raw send: nothing else needs it, and it is ten modules at start.
    const { default: PostalMime } = await import('postal-mime')
    email = await PostalMime.parse(bytes)
  } catch (e) {
    invalid(`the MIME parser refused it: ${(e as Error).message}`)
  }
  for (const h of email.headers) {
    if (h.key === 'content-type' && /^\s*multipart\//i.test(h.value) && !/boundary\s*=/i.test(h.value)) {
      invalid('a multipart Content-Type has no boundary parameter')
    }
  }
  const badAddresses: string[] = []
  const from = flatten(email.from ? [email.from] : undefined, [])[0]
  return {
    subject: email.subject ?? '',
    from,
    to: flatten(email.to, badAddresses),
    cc: flatten(email.cc, badAddresses),
    bcc: flatten(email.bcc, badAddresses),
    messageId: email.messageId,
    inReplyTo: email.inReplyTo,
    references: email.references,
    html: email.html ?? '',
    text: email.text ?? '',
    attachments: email.attachments.map((a: Attachment) => ({
      filename: a.filename ?? 'attachment',
      isInline: a.disposition === 'inline',
      ...(a.contentId ? { cid: a.contentId.replace(/^<|>$/g, '') } : {}),
      size: sizeOf(a.content),
    })),
    badAddresses,
  }
}
