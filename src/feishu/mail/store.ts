/**
 * Sent mail and its delivered copies, in memory and bounded: `feishu.mail.maxStoredMessages` copies, and
 * the state budget (`state.maxBytes`) on the bytes; past either the oldest go first (past the budget, a
 * send with all its copies). One content record is shared by the sender's copy and every internal
 * recipient's copy, and counted once; the copies differ only in owner, folder, state and ids. A send's
 * bytes as given (attachment bodies, or the `raw` EML) are kept beside it, counted with it, for the control
 * plane's downloads and the console (decision: attachment bytes are kept and counted against state.maxBytes).
 */
import { type Account, StateBudget, type Ticket, utf8Bytes } from '../../core/budget.ts'
import type { Persist } from '../../core/persistence.ts'
import type { Random } from '../../core/random.ts'
import { IdIndex, idHash } from './id-index.ts'
import type { Address } from './recipients.ts'

export interface StoredAttachment {
  id: string
  filename: string
  is_inline: boolean
  cid?: string
  size: number
}

export interface MailContent {
  subject: string
  headFrom: Address
  to: Address[]
  cc: Address[]
  bcc: Address[]
  bodyHtml: string
  bodyPlain: string
  attachments: StoredAttachment[]
  /** The RFC 5322 Message-ID without angle brackets. */
  smtpMessageId: string
  inReplyTo?: string
  references?: string
  /** Unix ms on the emulator clock. */
  internalDate: number
  /** Decoded bytes, for the size limit and read-back. */
  size: number
}

export interface StoredMessage {
  messageId: string
  threadId: string
  /** Owner mailbox, lower-cased. */
  mailbox: string
  tenantKey: string
  /** Feishu 获取邮件详情 message_state: 1 收信, 2 发信, 3 草稿. */
  state: 1 | 2
  folder: 'INBOX' | 'SENT'
  content: MailContent
}

// What a kept send shares, its accounting and its data-directory rows are exported for
// test/support/feishu-mail-store-reference.ts, the store as it was, which the store is tested against: the
// two must charge and write alike, and differ only in how they index.

/** The empty list every kept send with nothing in one shares: frozen, so a change in place throws. */
export const NONE: never[] = Object.freeze([]) as never[]

/** The dedupe map's key: a mailbox and the client's key. */
export const key = (mailbox: string, id: string) => `${mailbox}\u0000${id}`

/** A send's fixed cost beyond its text: the content object, its address objects' shells (rounded up). */
const CONTENT_OVERHEAD = 896
/** Each copy: the message object, its uuids and its index entries (rounded up). */
export const COPY_OVERHEAD = 704

/** One address: its object's shell and its text. */
function oneAddressBytes(a: Address): number {
  return 48 + utf8Bytes(a.mail_address) + (a.name ? utf8Bytes(a.name) : 0)
}

function addressBytes(list: readonly Address[]): number {
  let n = 0
  for (const a of list) n += oneAddressBytes(a)
  return n
}

/** The bytes a send's content keeps, for the state budget. */
export function contentBytes(c: MailContent): number {
  let n =
    CONTENT_OVERHEAD +
    utf8Bytes(c.subject) +
    utf8Bytes(c.bodyHtml) +
    utf8Bytes(c.bodyPlain) +
    utf8Bytes(c.smtpMessageId) +
    (c.inReplyTo ? utf8Bytes(c.inReplyTo) : 0) +
    (c.references ? utf8Bytes(c.references) : 0) +
    oneAddressBytes(c.headFrom) +
    addressBytes(c.to) +
    addressBytes(c.cc) +
    addressBytes(c.bcc)
  for (const a of c.attachments) n += 96 + utf8Bytes(a.filename) + (a.cid ? utf8Bytes(a.cid) : 0)
  return n
}

/**
 * A send's bytes as the client gave them, still encoded (base64url; decoded only when downloaded): each
 * structured attachment's `body`, in the order of `attachments`, or the whole `raw` EML.
 */
export interface MailBodies {
  attachments?: string[]
  raw?: string
}

/** The client's bytes a send keeps (attachments or raw, still encoded). */
export function bodiesBytes(b: MailBodies | undefined): number {
  if (!b) return 0
  let n = b.raw?.length ?? 0
  for (const a of b.attachments ?? []) n += a.length
  return n
}

/**
 * One kept copy of a send: the message as it is read back, and what letting it go needs, so that neither
 * the count cap nor the budget looks a copy, its send or its dedupe key up again in a map of thousands
 * (a lookup there is a cache miss or several, and a send did some thirty of them).
 */
interface Copy {
  message: StoredMessage
  /** Its send's record: several copies share one. */
  sent: Ticket<Sent>
  /** The dedupe map's key that leads to this copy, when one does. */
  dedupeKey: string | undefined
  /** False once it is let go: the queue's front skips it without asking the id map. */
  kept: boolean
  /** Its message id's hash: the id index lets it go by it, without reading the id. */
  idHash: number
  /** Its mailbox's entry for its Message-ID (the entry may lead to a later copy of the same Message-ID). */
  smtp: BySmtpId
  /** The next copy of its send, in the order filed. */
  next: Copy | undefined
}

/** One send: its shared content, its bytes and the copies still kept, charged as one record. */
interface Sent {
  /** The message id of its first copy (the sender's): its row's id in the data directory. */
  key: string
  content: MailContent
  /**
   * Its copies, in the order filed, as a chain through `next` (those let go stay in it until the send goes),
   * and how many are kept: no list per send, which was one more object and a backing store of 17 slots for
   * its two or three copies, kept as long as the send is and copied by the collector with it.
   */
  first: Copy | undefined
  last: Copy | undefined
  kept: number
  bodies: MailBodies | undefined
}

/**
 * The data directory's rows: a send (content and bytes, written once) and each copy, which names its send;
 * a copy's row comes after its send's, and copies come back in the order they were filed.
 */
export const SEND = 'feishu.mail.send'
export const COPY = 'feishu.mail.copy'

export interface CopyRow extends Omit<StoredMessage, 'content'> {
  send: string
  dedupeKey?: string
}

/** `<a@b> <c@d>` or `a@b` → ['a@b', 'c@d'] */
export function messageIds(header: string | undefined): string[] {
  if (!header) return []
  const bracketed = header.match(/<[^<>]+>/g)
  if (bracketed) return bracketed.map((s) => s.slice(1, -1))
  return header.split(/\s+/).filter(Boolean)
}

/**
 * The copies a mailbox holds under one Message-ID: the last one filed (a reply finds its thread by it) and
 * the last one it sent (a second send of the id is 409 1236005). One entry for both: a send files its copy
 * and marks it sent with one lookup, and letting it go clears both with one.
 */
interface BySmtpId {
  any: Copy | undefined
  sent: Copy | undefined
  /** Its Message-ID's hash in its mailbox's index, to be let go by. */
  hash: number
}

/** A mailbox's index starts this small: most mailboxes hold a few messages, and there may be many mailboxes. */
const MAILBOX_INDEX_CAPACITY = 16

/**
 * owner mailbox → Message-ID → its copies: keyed on the strings the messages hold, no key built per copy.
 * Each mailbox's Message-IDs are an IdIndex, as the message ids are (id-index.ts says why), and a copy keeps
 * its entry: marking it sent and letting it go look nothing up.
 */
class ByOwner {
  private readonly map = new Map<string, IdIndex<BySmtpId>>()
  get(mailbox: string, smtpId: string): BySmtpId | undefined {
    return this.map.get(mailbox)?.get(smtpId)
  }
  /** The entry, made when there is none yet. */
  at(mailbox: string, smtpId: string): BySmtpId {
    let ids = this.map.get(mailbox)
    if (!ids) {
      ids = new IdIndex(MAILBOX_INDEX_CAPACITY)
      this.map.set(mailbox, ids)
    }
    const hash = idHash(smtpId)
    let entry = ids.get(smtpId, hash)
    if (!entry) {
      entry = { any: undefined, sent: undefined, hash }
      ids.set(smtpId, hash, entry)
    }
    return entry
  }
  /** Forgets a copy that is let go, and its entry once it leads to no copy. */
  drop(mailbox: string, copy: Copy): void {
    const entry = copy.smtp
    if (entry.any === copy) entry.any = undefined
    if (entry.sent === copy) entry.sent = undefined
    if (entry.any === undefined && entry.sent === undefined) this.map.get(mailbox)?.delete(entry.hash, entry)
  }
}

export class MailStore {
  private readonly byId = new IdIndex<Copy>()
  /**
   * The same copies in the order they were kept, as a queue for the count cap and for reading them all in
   * order: reading a Map's first value after deleting its first keys walks the deleted slots at its front,
   * more of them with every copy let go.
   */
  private order: Copy[] = []
  private head = 0
  /** Every copy, and the sent ones, by owner + Message-ID. */
  private readonly bySmtpId = new ByOwner()
  private readonly dedupe = new Map<string, Copy>()
  private readonly account: Account<Sent>
  /** Sends read back from the data directory, by key, while any of their copies is kept: only ever shrinks. */
  private readonly loaded = new Map<string, Ticket<Sent>>()

  constructor(
    private readonly random: Random,
    /** Read at each insert, so `control.setConfig` changes it without a reset. */
    private readonly cap: () => number,
    /** The state budget the mail counts against; an unbounded one of its own when absent. */
    budget: StateBudget = new StateBudget(() => Number.POSITIVE_INFINITY),
    /** The data directory (`state.dataDir`), when there is one. */
    private readonly persist?: Persist,
  ) {
    this.account = budget.account('feishu.mail', (sent) => {
      this.forgetSend(sent)
      for (let copy = sent.first; copy; copy = copy.next) this.remove(copy)
    })
    persist?.onLoad(SEND, (key, text) => {
      const { content, bodies } = JSON.parse(text) as { content: MailContent; bodies?: MailBodies }
      this.loaded.set(key, this.keepSend(key, content, bodies))
    })
    persist?.onLoad(COPY, (id, text) => {
      const { send, dedupeKey, ...row } = JSON.parse(text) as CopyRow
      this.makeRoom()
      // Its send is gone when a lower cap let the send's every earlier copy go.
      const sent = this.loaded.get(send)
      if (!sent?.item) return persist.delete(COPY, id)
      const copy = this.file({ ...row, content: sent.item.content }, sent)
      if (copy.message.state === 2) this.markSent(copy)
      if (dedupeKey) this.keepDedupe(key(copy.message.mailbox, dedupeKey), copy)
    })
  }

  get size(): number {
    return this.byId.size
  }

  get(messageId: string): StoredMessage | undefined {
    return this.byId.get(messageId)?.message
  }

  wasSent(mailbox: string, smtpMessageId: string): boolean {
    return this.bySmtpId.get(mailbox, smtpMessageId)?.sent !== undefined
  }

  byDedupeKey(mailbox: string, dedupeKey: string): StoredMessage | undefined {
    const copy = this.dedupe.get(key(mailbox, dedupeKey))
    return copy?.kept ? copy.message : undefined
  }

  /** The thread a reply joins in this mailbox: the first referenced message it holds, newest reference first. */
  private threadFor(mailbox: string, content: MailContent): string {
    // Most sends start a thread: no lists to build for them.
    if (!content.inReplyTo && !content.references) return this.random.uuid()
    const refs = [...messageIds(content.inReplyTo), ...messageIds(content.references).reverse()]
    for (const ref of refs) {
      const found = this.bySmtpId.get(mailbox, ref)?.any
      if (found) return found.message.threadId
    }
    return this.random.uuid()
  }

  /**
   * Files a copy of the send `sent` holds, or of a new send when there is none (the first copy, or every
   * earlier copy let go to make room for this one): the send's content and bytes come with it then;
   * `dedupeKey` for the data directory's row.
   */
  private put(message: StoredMessage, sent: Ticket<Sent> | undefined, bodies?: MailBodies, dedupeKey?: string): Copy {
    this.makeRoom()
    let ticket = sent
    if (!ticket?.live) {
      this.persist?.put(SEND, message.messageId, JSON.stringify({ content: message.content, bodies }))
      ticket = this.keepSend(message.messageId, message.content, bodies)
    }
    if (this.persist) {
      const { content: _shared, ...copy } = message
      this.persist.put(COPY, message.messageId, JSON.stringify({ ...copy, send: ticket.item!.key, dedupeKey }))
    }
    return this.file(message, ticket)
  }

  /** Lets the oldest copies go until one more fits the count cap. */
  private makeRoom(): void {
    const cap = Math.max(1, this.cap())
    while (this.byId.size >= cap) this.evictOldest()
  }

  private keepSend(key: string, content: MailContent, bodies: MailBodies | undefined): Ticket<Sent> {
    const bytes = contentBytes(content) + bodiesBytes(bodies)
    // What a send without attachments keeps less: no bytes record, and the one empty list for its empty
    // lists (ten thousand sends kept five empty objects each for the collector to copy and mark).
    if (content.cc.length === 0) content.cc = NONE
    if (content.bcc.length === 0) content.bcc = NONE
    if (content.attachments.length === 0) content.attachments = NONE
    const kept = bodies?.raw === undefined && (bodies?.attachments?.length ?? 0) === 0 ? undefined : bodies
    return this.account.add({ key, content, first: undefined, last: undefined, kept: 0, bodies: kept }, bytes)
  }

  /** Indexes a copy of a kept send. */
  private file(message: StoredMessage, sent: Ticket<Sent>): Copy {
    const hash = idHash(message.messageId)
    const smtp = this.bySmtpId.at(message.mailbox, message.content.smtpMessageId)
    const copy: Copy = { message, sent, dedupeKey: undefined, kept: true, idHash: hash, smtp, next: undefined }
    smtp.any = copy
    const older = this.byId.set(message.messageId, hash, copy)
    if (older) this.replaced(older, copy)
    // Copies the budget let go leave the queue from its front (the budget lets the oldest go first), also
    // while the count cap, which trims it, is never reached.
    if (this.order.length - this.head > 2 * this.byId.size + 1024) this.oldest()
    this.order.push(copy)
    const item = sent.item!
    if (item.last) item.last.next = copy
    else item.first = copy
    item.last = copy
    item.kept++
    this.account.resize(sent, sent.bytes + COPY_OVERHEAD + utf8Bytes(message.mailbox) + utf8Bytes(message.tenantKey))
    return copy
  }

  /**
   * A message id filed twice (never seen: ids are random uuids) leaves the newer copy under it, as the id
   * map did, and the older one only in the queue, where the count cap skips it, and its send's list, where
   * the newer takes its place.
   */
  private replaced(older: Copy, copy: Copy): void {
    older.kept = false
    const item = older.sent.item
    if (older.sent === copy.sent && item) item.kept--
  }

  /** The copy is its mailbox's sent copy of its Message-ID. */
  private markSent(copy: Copy): void {
    copy.smtp.sent = copy
  }

  /** The count cap let the oldest copy go; the send stops counting once none of its copies is kept. */
  private evictOldest(): void {
    const oldest = this.oldest()
    if (!oldest) return
    this.remove(oldest)
    const sent = oldest.sent
    const item = sent.item
    if (!item) return
    if (--item.kept > 0) return
    this.forgetSend(item)
    this.account.release(sent)
  }

  private forgetSend(sent: Sent): void {
    if (this.loaded.size > 0) this.loaded.delete(sent.key)
    this.persist?.delete(SEND, sent.key)
  }

  /** The oldest copy still kept: the front of the queue, past copies gone already; the queue trimmed as it goes. */
  private oldest(): Copy | undefined {
    while (this.head < this.order.length) {
      const c = this.order[this.head]!
      if (c.kept) break
      this.order[this.head++] = undefined as unknown as Copy
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head)
      this.head = 0
    }
    return this.order[this.head]
  }

  /** A send's dedupe key, both ways: letting the send go finds its key without a scan. */
  private keepDedupe(dk: string, copy: Copy): void {
    this.dedupe.set(dk, copy)
    copy.dedupeKey = dk
  }

  /** Forgets one copy and the ids that lead to it. */
  private remove(copy: Copy): void {
    if (!copy.kept) return
    copy.kept = false
    const m = copy.message
    this.byId.delete(copy.idHash, copy)
    this.persist?.delete(COPY, m.messageId)
    this.bySmtpId.drop(m.mailbox, copy)
    const dk = copy.dedupeKey
    if (dk !== undefined && this.dedupe.get(dk) === copy) this.dedupe.delete(dk)
  }

  /**
   * Files the sender's copy (SENT, state 2) and one copy per internal recipient mailbox (INBOX, state 1),
   * each in the thread its owner's mailbox puts it in.
   */
  send(input: {
    mailbox: string
    tenantKey: string
    content: MailContent
    dedupeKey?: string
    internalRecipients: { mailbox: string; tenantKey: string }[]
    bodies?: MailBodies
  }): StoredMessage {
    const message: StoredMessage = {
      messageId: this.random.uuid(),
      threadId: this.threadFor(input.mailbox, input.content),
      mailbox: input.mailbox,
      tenantKey: input.tenantKey,
      state: 2,
      folder: 'SENT',
      content: input.content,
    }
    const copy = this.put(message, undefined, input.bodies, input.dedupeKey)
    this.markSent(copy)
    if (input.dedupeKey) this.keepDedupe(key(input.mailbox, input.dedupeKey), copy)
    let sent = copy.sent
    // The mailboxes filed to: a send has a few, and a short list is searched for less than a Set costs to make.
    const delivered = [input.mailbox]
    for (const r of input.internalRecipients) {
      if (delivered.includes(r.mailbox)) continue
      delivered.push(r.mailbox)
      const inbox = this.put(
        {
          messageId: this.random.uuid(),
          threadId: this.threadFor(r.mailbox, input.content),
          mailbox: r.mailbox,
          tenantKey: r.tenantKey,
          state: 1,
          folder: 'INBOX',
          content: input.content,
        },
        sent,
      )
      sent = inbox.sent
    }
    this.account.budget.settle()
    return message
  }

  /** The bytes kept with a message's send (every copy of it shares them). */
  bodiesOf(messageId: string): MailBodies | undefined {
    return this.byId.get(messageId)?.sent.item?.bodies
  }

  /** Every message held, in every mailbox, oldest first. */
  all(): StoredMessage[] {
    const out: StoredMessage[] = []
    for (let i = this.head; i < this.order.length; i++) if (this.order[i]!.kept) out.push(this.order[i]!.message)
    return out
  }

  /** Every message a mailbox holds, oldest first. */
  list(mailbox: string): StoredMessage[] {
    const lower = mailbox.toLowerCase()
    const out: StoredMessage[] = []
    for (let i = this.head; i < this.order.length; i++) {
      const c = this.order[i]!
      if (c.kept && c.message.mailbox === lower) out.push(c.message)
    }
    return out
  }
}

/** A stored message as the control plane shows it: plain-text bodies, owner and folder included. */
export function controlView(m: StoredMessage) {
  const c = m.content
  return {
    message_id: m.messageId,
    thread_id: m.threadId,
    mailbox: m.mailbox,
    folder_id: m.folder,
    message_state: m.state,
    smtp_message_id: c.smtpMessageId,
    subject: c.subject,
    head_from: c.headFrom,
    to: c.to,
    cc: c.cc,
    bcc: m.state === 2 ? c.bcc : [],
    body_html: c.bodyHtml,
    body_plain_text: c.bodyPlain,
    attachments: c.attachments.map(({ id, filename, is_inline, cid, size }) => ({
      id,
      filename,
      is_inline,
      cid,
      size,
    })),
    internal_date: c.internalDate,
    size: c.size,
  }
}
