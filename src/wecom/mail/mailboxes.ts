/**
 * Where meeting mails land: one mailbox per recipient address (internal users by their corp address,
 * external addresses as given), holding what was delivered, for the control plane to read. Bounded three
 * times: `wecom.maxMailsPerMailbox` mails per mailbox (oldest first out), `wecom.maxMailboxes` mailboxes
 * (the one delivered to least recently goes), and the state budget (`state.maxBytes`: the oldest mail goes
 * from every mailbox that holds it). A mail sent to many people is one shared object, counted once.
 */
import { type Account, StateBudget, type Ticket, utf8Bytes, utf8ListBytes } from '../../core/budget.ts'
import type { Persist } from '../../core/persistence.ts'

export interface DeliveredMail {
  id: string
  /** Unix seconds on the emulator clock. */
  at: number
  corpid: string
  agentid: number
  to: string[]
  cc: string[]
  subject: string
  content: string
  content_type: 'html' | 'text'
  /** Names and decoded sizes only: the bytes are not kept. */
  attachments: { file_name: string; size: number }[]
  schedule: {
    schedule_id: string
    method: 'request' | 'cancel'
    start_time: number
    end_time: number
    location: string
  }
  meetingid: string | null
}

export interface MailboxEntry {
  mail: DeliveredMail
  /** How this mailbox got it: bcc recipients see themselves only here. */
  as: 'to' | 'cc' | 'bcc'
}

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

/**
 * The data directory's rows: a mail with its attachments' content, and a mailbox as the ids it holds (put
 * last at each delivery, so the order of the rows is the order mailboxes were delivered to).
 */
const MAIL = 'wecom.mail'
const MAILBOX = 'wecom.mailbox'

type MailboxRow = [mailId: string, as: MailboxEntry['as']][]

function mailBytes(mail: DeliveredMail): number {
  let n = MAIL_OVERHEAD + utf8Bytes(mail.subject) + utf8Bytes(mail.content) + utf8Bytes(mail.schedule.location)
  n += utf8ListBytes(mail.to) + utf8ListBytes(mail.cc)
  for (const a of mail.attachments) n += 32 + utf8Bytes(a.file_name)
  return n
}

export class MailboxStore {
  private readonly boxes = new Map<string, MailboxEntry[]>()
  private readonly held = new Map<DeliveredMail, Ticket<Held>>()
  private readonly account: Account<Held>
  /** Mails read back from the data directory, by id, until their mailboxes are: only ever shrinks. */
  private readonly loaded = new Map<string, DeliveredMail>()

  constructor(
    private readonly maxMailboxes: number,
    private readonly maxPerMailbox: number,
    /** The state budget the mails count against; an unbounded one of its own when absent. */
    budget: StateBudget = new StateBudget(() => Number.POSITIVE_INFINITY),
    /** The data directory (`state.dataDir`), when there is one. */
    private readonly persist?: Persist,
  ) {
    this.account = budget.account('wecom.mailboxes', (h) => this.evict(h))
    persist?.onLoad(MAIL, (_id, text) => {
      const { mail, contents } = JSON.parse(text) as { mail: DeliveredMail; contents?: string[] }
      this.hold(mail, contents)
      this.loaded.set(mail.id, mail)
    })
    persist?.onLoad(MAILBOX, (key, text) => {
      for (const [id, as] of JSON.parse(text) as MailboxRow) {
        const mail = this.loaded.get(id)
        if (mail) this.file(key, mail, as)
      }
    })
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
    if (!this.held.has(mail)) {
      this.persist?.put(MAIL, mail.id, JSON.stringify({ mail, contents }))
      this.hold(mail, contents)
    }
    const box = this.file(key, mail, as)
    if (box) this.persist?.putLast(MAILBOX, key, JSON.stringify(box.map((e) => [e.mail.id, e.as])))
  }

  /** Counts a mail against the budget, held by no mailbox yet. */
  private hold(mail: DeliveredMail, contents: string[] | undefined): void {
    let bytes = mailBytes(mail)
    for (const c of contents ?? []) bytes += c.length
    this.held.set(mail, this.account.add({ mail, boxes: [], contents }, bytes))
  }

  /** Puts a held mail in a mailbox and applies both caps; the mailbox, unless a cap let it go at once. */
  private file(key: string, mail: DeliveredMail, as: MailboxEntry['as']): MailboxEntry[] | undefined {
    const ticket = this.held.get(mail)!
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
      this.persist?.delete(MAILBOX, oldest)
      for (const e of entries) this.unref(e.mail, oldest)
    }
    return this.boxes.get(key)
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
    this.forget(mail)
  }

  /** The budget let the mail go: out of every mailbox that holds it. */
  private evict(held: Held): void {
    this.forget(held.mail)
    for (const key of new Set(held.boxes)) {
      const box = this.boxes.get(key)
      if (!box) continue
      const kept = box.filter((e) => e.mail !== held.mail)
      if (kept.length > 0) {
        this.boxes.set(key, kept)
        this.persist?.put(MAILBOX, key, JSON.stringify(kept.map((e) => [e.mail.id, e.as])))
      } else {
        this.boxes.delete(key)
        this.persist?.delete(MAILBOX, key)
      }
    }
  }

  private forget(mail: DeliveredMail): void {
    this.held.delete(mail)
    this.loaded.delete(mail.id)
    this.persist?.delete(MAIL, mail.id)
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
