/** The mailbox store as it was (mailboxes reordered in a Map on every delivery): the reference test/mailboxes.test.ts compares the store with. */
import { type Account, StateBudget, type Ticket, utf8Bytes, utf8ListBytes } from '../../src/core/budget.ts'
import type { DeliveredMail, MailboxEntry } from '../../src/wecom/mail/mailboxes.ts'

/** A mail's fixed cost beyond its text: the object, its schedule part and ids (rounded up). */
const MAIL_OVERHEAD = 1024
/** Each delivery: the mailbox entry, its slot, and the mailbox itself when new (rounded up). */
const DELIVERY_OVERHEAD = 448

/**
 * One delivered mail, the mailboxes that hold it (so the budget can take it out of all of them) and its
 * attachments' `content` as sent (base64, decoded only when downloaded; counted with the mail).
 */
interface Held {
  mail: DeliveredMail
  boxes: string[]
  contents: string[] | undefined
}

function mailBytes(mail: DeliveredMail): number {
  let n = MAIL_OVERHEAD + utf8Bytes(mail.subject) + utf8Bytes(mail.content) + utf8Bytes(mail.schedule.location)
  n += utf8ListBytes(mail.to) + utf8ListBytes(mail.cc)
  for (const a of mail.attachments) n += 32 + utf8Bytes(a.file_name)
  return n
}

export class ReferenceMailboxStore {
  private readonly boxes = new Map<string, MailboxEntry[]>()
  private readonly held = new Map<DeliveredMail, Ticket<Held>>()
  private readonly account: Account<Held>

  constructor(
    private readonly maxMailboxes: number,
    private readonly maxPerMailbox: number,
    /** The state budget the mails count against; an unbounded one of its own when absent. */
    budget: StateBudget = new StateBudget(() => Number.POSITIVE_INFINITY),
  ) {
    this.account = budget.account('wecom.mailboxes', (h) => this.evict(h))
  }

  /**
   * Files one mail in each recipient's mailbox (one shared object), then lets the budget settle.
   * `contents`: the attachments' base64 `content`, in the order of `mail.attachments`.
   */
  deliver(
    mail: DeliveredMail,
    recipients: readonly { address: string; as: MailboxEntry['as'] }[],
    contents?: string[],
  ): void {
    for (const r of recipients) this.deliverOne(r.address, mail, r.as, contents)
    this.account.budget.settle()
  }

  private deliverOne(address: string, mail: DeliveredMail, as: MailboxEntry['as'], contents?: string[]): void {
    const key = address.toLowerCase()
    let ticket = this.held.get(mail)
    if (!ticket) {
      let bytes = mailBytes(mail)
      for (const c of contents ?? []) bytes += c.length
      ticket = this.account.add({ mail, boxes: [], contents }, bytes)
      this.held.set(mail, ticket)
    }
    ticket.item!.boxes.push(key)
    this.account.resize(ticket, ticket.bytes + DELIVERY_OVERHEAD + utf8Bytes(key))
    const box = this.boxes.get(key) ?? []
    // Re-inserting moves the mailbox to the young end of the eviction order.
    this.boxes.delete(key)
    box.push({ mail, as })
    while (box.length > this.maxPerMailbox) this.unref(box.shift()!.mail, key)
    this.boxes.set(key, box)
    while (this.boxes.size > this.maxMailboxes) {
      const oldest = this.boxes.keys().next().value as string
      const entries = this.boxes.get(oldest)!
      this.boxes.delete(oldest)
      for (const e of entries) this.unref(e.mail, oldest)
    }
  }

  /** A mailbox let a mail go (its caps): once no mailbox holds it, it no longer counts. */
  private unref(mail: DeliveredMail, key: string): void {
    const ticket = this.held.get(mail)
    const boxes = ticket?.item?.boxes
    if (!ticket || !boxes) return
    const i = boxes.indexOf(key)
    if (i >= 0) boxes.splice(i, 1)
    if (boxes.length > 0) return
    this.account.release(ticket)
    this.held.delete(mail)
  }

  /** The budget let the mail go: out of every mailbox that holds it. */
  private evict(held: Held): void {
    this.held.delete(held.mail)
    for (const key of new Set(held.boxes)) {
      const box = this.boxes.get(key)
      if (!box) continue
      const kept = box.filter((e) => e.mail !== held.mail)
      if (kept.length > 0) this.boxes.set(key, kept)
      else this.boxes.delete(key)
    }
  }

  /** What the address received, oldest first (empty for an address nothing was sent to). */
  read(address: string): readonly MailboxEntry[] {
    return this.boxes.get(address.toLowerCase()) ?? []
  }

  /** Attachment `index` of a delivered mail as sent (base64), while the mail is held. */
  attachmentContent(mail: DeliveredMail, index: number): string | undefined {
    return this.held.get(mail)?.item?.contents?.[index]
  }

  addresses(): string[] {
    return [...this.boxes.keys()]
  }
}
