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

/**
 * One mailbox: its mails oldest first from `head` (a queue: the count cap takes from the front), how each came
 * (`to`, `cc`, `bcc`), and the delivery it last got, for the least-recently-delivered order.
 */
interface Box {
  mails: (DeliveredMail | undefined)[]
  as: MailboxEntry['as'][]
  head: number
  stamp: number
}

/** A mailbox as its data-directory row: the ids it holds and how each came, oldest first. */
function rowOf(box: Box): string {
  const row: MailboxRow = []
  for (let i = box.head; i < box.mails.length; i++) row.push([box.mails[i]!.id, box.as[i]!])
  return JSON.stringify(row)
}

export class MailboxStore {
  private readonly boxes = new Map<string, Box>()
  private readonly held = new Map<DeliveredMail, Ticket<Held>>()
  private readonly account: Account<Held>
  /**
   * Mailboxes in the order they were delivered to, oldest first, as a queue of (address, delivery) pairs in
   * two arrays: a pair whose delivery is no longer its mailbox's last is passed over. Taking a mailbox out of
   * a Map and putting it back on every delivery left the Map to rehash itself over and over.
   */
  private orderKeys: string[] = []
  private orderStamps: number[] = []
  private orderHead = 0
  private deliveries = 0
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
    if (box) this.persist?.putLast(MAILBOX, key, rowOf(box))
  }

  /** Counts a mail against the budget, held by no mailbox yet. */
  private hold(mail: DeliveredMail, contents: string[] | undefined): void {
    let bytes = mailBytes(mail)
    for (const c of contents ?? []) bytes += c.length
    this.held.set(mail, this.account.add({ mail, boxes: [], contents }, bytes))
  }

  /** Puts a held mail in a mailbox and applies both caps; the mailbox, unless a cap let it go at once. */
  private file(key: string, mail: DeliveredMail, as: MailboxEntry['as']): Box | undefined {
    const ticket = this.held.get(mail)!
    ticket.item!.boxes.push(key)
    this.account.resize(ticket, ticket.bytes + DELIVERY_OVERHEAD + utf8Bytes(key))
    let box = this.boxes.get(key)
    if (!box) {
      box = { mails: [], as: [], head: 0, stamp: 0 }
      this.boxes.set(key, box)
    }
    // The youngest in the delivery order.
    box.stamp = ++this.deliveries
    this.orderKeys.push(key)
    this.orderStamps.push(box.stamp)
    box.mails.push(mail)
    box.as.push(as)
    while (box.mails.length - box.head > this.maxPerMailbox) {
      const oldest = box.mails[box.head]!
      box.mails[box.head] = undefined
      box.head++
      this.unref(oldest, key)
    }
    if (box.head > 64 && box.head * 2 > box.mails.length) {
      box.mails = box.mails.slice(box.head)
      box.as = box.as.slice(box.head)
      box.head = 0
    }
    while (this.boxes.size > this.maxMailboxes) {
      const oldest = this.leastRecent()!
      const entries = this.boxes.get(oldest)!
      this.boxes.delete(oldest)
      this.persist?.delete(MAILBOX, oldest)
      for (let i = entries.head; i < entries.mails.length; i++) this.unref(entries.mails[i]!, oldest)
    }
    this.compactOrder()
    return this.boxes.get(key)
  }

  /** The mailbox delivered to least recently (the front of the order, past pairs that are out of date). */
  private leastRecent(): string | undefined {
    while (this.orderHead < this.orderKeys.length) {
      const key = this.orderKeys[this.orderHead]!
      const stamp = this.orderStamps[this.orderHead]!
      const box = this.boxes.get(key)
      if (box && box.stamp === stamp) return key
      this.orderHead++
    }
    return undefined
  }

  /** Keeps the order queue proportional to the mailboxes: only each one's last delivery, oldest first. */
  private compactOrder(): void {
    const pending = this.orderKeys.length - this.orderHead
    if (pending <= 4 * this.boxes.size + 1024) return
    const keys: string[] = []
    const stamps: number[] = []
    for (let i = this.orderHead; i < this.orderKeys.length; i++) {
      const key = this.orderKeys[i]!
      if (this.boxes.get(key)?.stamp === this.orderStamps[i]) {
        keys.push(key)
        stamps.push(this.orderStamps[i]!)
      }
    }
    this.orderKeys = keys
    this.orderStamps = stamps
    this.orderHead = 0
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
      const mails: DeliveredMail[] = []
      const as: MailboxEntry['as'][] = []
      for (let i = box.head; i < box.mails.length; i++) {
        if (box.mails[i] === held.mail) continue
        mails.push(box.mails[i]!)
        as.push(box.as[i]!)
      }
      if (mails.length > 0) {
        box.mails = mails
        box.as = as
        box.head = 0
        this.persist?.put(MAILBOX, key, rowOf(box))
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
    const box = this.boxes.get(address.toLowerCase())
    if (!box) return []
    const out: MailboxEntry[] = []
    for (let i = box.head; i < box.mails.length; i++) out.push({ mail: box.mails[i]!, as: box.as[i]! })
    return out
  }

  /** Attachment `index` of a delivered mail as sent (base64), while the mail is held. */
  attachmentContent(mail: DeliveredMail, index: number): string | undefined {
    return this.held.get(mail)?.item?.contents?.[index]
  }

  /** The addresses that hold mail, least recently delivered to first. */
  addresses(): string[] {
    return [...this.boxes.entries()].sort((a, b) => a[1].stamp - b[1].stamp).map(([key]) => key)
  }
}
