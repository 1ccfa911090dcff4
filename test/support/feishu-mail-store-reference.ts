/**
 * The Feishu message store as it was (every copy looked up by id, its send by its content): the reference
 * test/feishu-mail-store.test.ts compares the store with. It charges and writes as the store does (the
 * accounting and rows are the store's own); only the indexing is the old one.
 */
import { type Account, StateBudget, type Ticket, utf8Bytes } from '../../src/core/budget.ts'
import type { Persist } from '../../src/core/persistence.ts'
import type { Random } from '../../src/core/random.ts'
import {
  bodiesBytes,
  COPY,
  COPY_OVERHEAD,
  type CopyRow,
  contentBytes,
  key,
  type MailBodies,
  type MailContent,
  messageIds,
  NONE,
  SEND,
  type StoredMessage,
} from '../../src/feishu/mail/store.ts'

/** One send: its shared content, its bytes and the copies still kept, charged as one record. */
interface Sent {
  /** The message id of its first copy (the sender's): its row's id in the data directory. */
  key: string
  content: MailContent
  /** Its copies' message ids, in the order filed: a send has a few, and a list is one object where a Set is two. */
  copies: string[]
  bodies: MailBodies | undefined
}

/** owner mailbox → Message-ID → message id: keyed on the strings the messages hold, no key built per copy. */
class ByOwner {
  private readonly map = new Map<string, Map<string, string>>()
  get(mailbox: string, smtpId: string): string | undefined {
    return this.map.get(mailbox)?.get(smtpId)
  }
  has(mailbox: string, smtpId: string): boolean {
    return this.map.get(mailbox)?.has(smtpId) ?? false
  }
  set(mailbox: string, smtpId: string, messageId: string): void {
    let ids = this.map.get(mailbox)
    if (!ids) {
      ids = new Map()
      this.map.set(mailbox, ids)
    }
    ids.set(smtpId, messageId)
  }
  delete(mailbox: string, smtpId: string): void {
    this.map.get(mailbox)?.delete(smtpId)
  }
}

export class ReferenceMailStore {
  private readonly byId = new Map<string, StoredMessage>()
  /**
   * The same copies in the order they were kept, as a queue for the count cap: reading a Map's first value
   * after deleting its first keys walks the deleted slots at its front, more of them with every copy let go.
   */
  private order: StoredMessage[] = []
  private head = 0
  /** Every copy by owner + Message-ID: replies find their thread here. */
  private readonly bySmtpId = new ByOwner()
  /** Sent copies only by owner + Message-ID: a second send of one id is 409 1236005. */
  private readonly sentSmtpIds = new ByOwner()
  private readonly dedupe = new Map<string, string>()
  /** The dedupe key a send was made with, by its message id, so letting it go finds the key without a scan. */
  private readonly dedupeOf = new Map<string, string>()
  private readonly sends = new Map<MailContent, Ticket<Sent>>()
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
      for (const id of sent.copies) this.remove(id)
    })
    persist?.onLoad(SEND, (key, text) => {
      const { content, bodies } = JSON.parse(text) as { content: MailContent; bodies?: MailBodies }
      this.loaded.set(key, this.keepSend(key, content, bodies))
    })
    persist?.onLoad(COPY, (id, text) => {
      const { send, dedupeKey, ...copy } = JSON.parse(text) as CopyRow
      this.makeRoom()
      // Its send is gone when a lower cap let the send's every earlier copy go.
      const sent = this.loaded.get(send)
      if (!sent?.item) return persist.delete(COPY, id)
      const message: StoredMessage = { ...copy, content: sent.item.content }
      this.file(message, sent)
      if (message.state === 2) this.sentSmtpIds.set(message.mailbox, message.content.smtpMessageId, message.messageId)
      if (dedupeKey) this.keepDedupe(key(message.mailbox, dedupeKey), message.messageId)
    })
  }

  get size(): number {
    return this.byId.size
  }

  get(messageId: string): StoredMessage | undefined {
    return this.byId.get(messageId)
  }

  wasSent(mailbox: string, smtpMessageId: string): boolean {
    return this.sentSmtpIds.has(mailbox, smtpMessageId)
  }

  byDedupeKey(mailbox: string, dedupeKey: string): StoredMessage | undefined {
    const id = this.dedupe.get(key(mailbox, dedupeKey))
    return id ? this.byId.get(id) : undefined
  }

  /** The thread a reply joins in this mailbox: the first referenced message it holds, newest reference first. */
  private threadFor(mailbox: string, content: MailContent): string {
    // Most sends start a thread: no lists to build for them.
    if (!content.inReplyTo && !content.references) return this.random.uuid()
    const refs = [...messageIds(content.inReplyTo), ...messageIds(content.references).reverse()]
    for (const ref of refs) {
      const id = this.bySmtpId.get(mailbox, ref)
      const found = id ? this.byId.get(id) : undefined
      if (found) return found.threadId
    }
    return this.random.uuid()
  }

  /** Files a copy (the first of a send brings the send's content and bytes); `dedupeKey` for the data directory's row. */
  private put(message: StoredMessage, bodies?: MailBodies, dedupeKey?: string): void {
    this.makeRoom()
    let sent = this.sends.get(message.content)
    if (!sent) {
      this.persist?.put(SEND, message.messageId, JSON.stringify({ content: message.content, bodies }))
      sent = this.keepSend(message.messageId, message.content, bodies)
    }
    if (this.persist) {
      const { content: _shared, ...copy } = message
      this.persist.put(COPY, message.messageId, JSON.stringify({ ...copy, send: sent.item!.key, dedupeKey }))
    }
    this.file(message, sent)
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
    const sent = this.account.add({ key, content, copies: [], bodies: kept }, bytes)
    this.sends.set(content, sent)
    return sent
  }

  /** Indexes a copy of a kept send. */
  private file(message: StoredMessage, sent: Ticket<Sent>): void {
    this.byId.set(message.messageId, message)
    this.order.push(message)
    this.bySmtpId.set(message.mailbox, message.content.smtpMessageId, message.messageId)
    const copies = sent.item!.copies
    if (!copies.includes(message.messageId)) copies.push(message.messageId)
    this.account.resize(sent, sent.bytes + COPY_OVERHEAD + utf8Bytes(message.mailbox) + utf8Bytes(message.tenantKey))
  }

  /** The count cap let the oldest copy go; the send stops counting once none of its copies is kept. */
  private evictOldest(): void {
    const oldest = this.oldest()
    if (!oldest) return
    this.remove(oldest.messageId)
    const sent = this.sends.get(oldest.content)
    const copies = sent?.item?.copies
    if (!sent || !copies) return
    const at = copies.indexOf(oldest.messageId)
    if (at >= 0) copies.splice(at, 1)
    if (copies.length > 0) return
    this.forgetSend(sent.item!)
    this.account.release(sent)
  }

  private forgetSend(sent: Sent): void {
    this.sends.delete(sent.content)
    this.loaded.delete(sent.key)
    this.persist?.delete(SEND, sent.key)
  }

  /** The oldest copy still kept: the front of the queue, past copies gone already; the queue trimmed as it goes. */
  private oldest(): StoredMessage | undefined {
    while (this.head < this.order.length) {
      const m = this.order[this.head]!
      if (this.byId.get(m.messageId) === m) break
      this.order[this.head++] = undefined as unknown as StoredMessage
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head)
      this.head = 0
    }
    return this.order[this.head]
  }

  /** A send's dedupe key, both ways: letting the send go finds its key without a scan. */
  private keepDedupe(dk: string, messageId: string): void {
    this.dedupe.set(dk, messageId)
    this.dedupeOf.set(messageId, dk)
  }

  /** Forgets one copy and the ids that lead to it. */
  private remove(messageId: string): void {
    const m = this.byId.get(messageId)
    if (!m) return
    this.byId.delete(messageId)
    this.persist?.delete(COPY, messageId)
    const smtpId = m.content.smtpMessageId
    if (this.bySmtpId.get(m.mailbox, smtpId) === messageId) this.bySmtpId.delete(m.mailbox, smtpId)
    if (this.sentSmtpIds.get(m.mailbox, smtpId) === messageId) this.sentSmtpIds.delete(m.mailbox, smtpId)
    const dk = this.dedupeOf.get(messageId)
    if (dk !== undefined) {
      this.dedupeOf.delete(messageId)
      if (this.dedupe.get(dk) === messageId) this.dedupe.delete(dk)
    }
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
    const sent: StoredMessage = {
      messageId: this.random.uuid(),
      threadId: this.threadFor(input.mailbox, input.content),
      mailbox: input.mailbox,
      tenantKey: input.tenantKey,
      state: 2,
      folder: 'SENT',
      content: input.content,
    }
    this.put(sent, input.bodies, input.dedupeKey)
    this.sentSmtpIds.set(input.mailbox, input.content.smtpMessageId, sent.messageId)
    if (input.dedupeKey) this.keepDedupe(key(input.mailbox, input.dedupeKey), sent.messageId)
    const delivered = new Set<string>([input.mailbox])
    for (const r of input.internalRecipients) {
      if (delivered.has(r.mailbox)) continue
      delivered.add(r.mailbox)
      this.put({
        messageId: this.random.uuid(),
        threadId: this.threadFor(r.mailbox, input.content),
        mailbox: r.mailbox,
        tenantKey: r.tenantKey,
        state: 1,
        folder: 'INBOX',
        content: input.content,
      })
    }
    this.account.budget.settle()
    return sent
  }

  /** The bytes kept with a message's send (every copy of it shares them). */
  bodiesOf(messageId: string): MailBodies | undefined {
    const m = this.byId.get(messageId)
    return m ? this.sends.get(m.content)?.item?.bodies : undefined
  }

  /** Every message held, in every mailbox, oldest first. */
  all(): StoredMessage[] {
    return [...this.byId.values()]
  }

  /** Every message a mailbox holds, oldest first. */
  list(mailbox: string): StoredMessage[] {
    const lower = mailbox.toLowerCase()
    return [...this.byId.values()].filter((m) => m.mailbox === lower)
  }
}
