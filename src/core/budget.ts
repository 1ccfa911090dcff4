/**
 * One byte budget for everything the emulator keeps (`state.maxBytes`): the stores' records and the journal.
 * Counts per store bound how many records are kept, but not how big they are; this bounds the bytes. Each
 * store opens an account and charges a record's bytes when it keeps it; past the budget the oldest records,
 * across all stores, are evicted first (the store drops them, so a read-back answers the vendor's not-found).
 *
 * Bytes are estimated cheaply: the UTF-8 length of the strings a record keeps plus a fixed per-record
 * overhead its store measured. UTF-8 is never less than what V8 holds for a string (1 byte a char for
 * Latin-1 text, 2 for the rest), so the estimate errs high; text shared by records (a mail's body kept by
 * its schedule and meeting too) is counted once per record.
 *
 * The journal is not evicted by the stores' records: it keeps its own newest entries within its share
 * (`journal.maxBytes`) and reports its bytes here, and the stores evict until both fit in the budget.
 */

/**
 * A kept record's charge. `live` turns false when the record is released or evicted, and `item` is let go
 * then: a dead ticket waiting in the queue must not hold a 40 MB mail.
 */
export interface Ticket<T> {
  item: T | undefined
  readonly account: Account<T>
  bytes: number
  live: boolean
}

export interface AccountStats {
  records: number
  bytes: number
  evictedRecords: number
  evictedBytes: number
}

export class Account<T> {
  records = 0
  bytes = 0
  evictedRecords = 0
  evictedBytes = 0

  constructor(
    readonly name: string,
    /** The budget the account belongs to: stores call `budget.settle()` once a change is complete. */
    readonly budget: StateBudget,
    /** Drops the record from its store; called once, when the budget evicts it. */
    readonly onEvict: (item: T) => void,
  ) {}

  /** Counts a record the store has just kept. Nothing is evicted until `budget.settle()`. */
  add(item: T, bytes: number): Ticket<T> {
    const ticket: Ticket<T> = { item, account: this, bytes, live: true }
    this.records++
    this.bytes += bytes
    this.budget.enqueue(ticket as unknown as Ticket<unknown>)
    return ticket
  }

  /** The record changed size in place (its place in the eviction order stays). */
  resize(ticket: Ticket<T>, bytes: number): void {
    if (!ticket.live) return
    this.bytes += bytes - ticket.bytes
    this.budget.adjust(bytes - ticket.bytes)
    ticket.bytes = bytes
  }

  /** The store dropped the record itself (its count cap, a replacement): no longer counted. */
  release(ticket: Ticket<T>): void {
    if (!ticket.live) return
    ticket.live = false
    ticket.item = undefined
    this.records--
    this.bytes -= ticket.bytes
    this.budget.forget(ticket.bytes)
  }

  stats(): AccountStats {
    return {
      records: this.records,
      bytes: this.bytes,
      evictedRecords: this.evictedRecords,
      evictedBytes: this.evictedBytes,
    }
  }
}

/** What the journal tells the budget: its bytes, and how to shrink when the budget does. */
export interface JournalShare {
  readonly bytes: number
  readonly size: number
  readonly maxBytes: number
  trimTo(maxBytes: number): void
}

export interface BudgetState {
  /** The budget in effect (`state.maxBytes`). */
  maxBytes: number
  /** Stores plus journal: never above `maxBytes` once a request is answered. */
  usedBytes: number
  stores: Record<string, AccountStats>
  journal: { entries: number; bytes: number; maxBytes: number }
  evicted: { records: number; bytes: number }
  /** The newest eviction: which store, how many bytes, when (unix ms on the emulator clock). */
  lastEviction: { store: string; bytes: number; at: number } | null
}

export class StateBudget {
  private queue: Ticket<unknown>[] = []
  private head = 0
  private live = 0
  /** The stores' bytes (the journal's are its own). */
  private storeBytes = 0
  private readonly accounts: Account<unknown>[] = []
  private journal: JournalShare | undefined
  evictedRecords = 0
  evictedBytes = 0
  private lastEviction: BudgetState['lastEviction'] = null

  constructor(
    /** Read at every settle, so `control.setConfig` can change the budget while running. */
    private readonly maxBytes: () => number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  get max(): number {
    return this.maxBytes()
  }

  get usedBytes(): number {
    return this.storeBytes + (this.journal?.bytes ?? 0)
  }

  account<T>(name: string, onEvict: (item: T) => void): Account<T> {
    const account = new Account<T>(name, this, onEvict)
    this.accounts.push(account as unknown as Account<unknown>)
    return account
  }

  attachJournal(journal: JournalShare): void {
    this.journal = journal
  }

  /**
   * Evicts the oldest records until everything fits. A record bigger than the whole budget is evicted on
   * its own first, rather than emptying every store for something that cannot fit anyway.
   */
  settle(): void {
    const max = this.maxBytes()
    if (this.journal && this.journal.bytes > max) this.journal.trimTo(max)
    if (this.usedBytes <= max) return
    const newest = this.queue.at(-1)
    if (newest?.live && newest.bytes > max - (this.journal?.bytes ?? 0)) this.evict(newest)
    while (this.usedBytes > max && this.head < this.queue.length) {
      const oldest = this.queue[this.head++]!
      if (oldest.live) this.evict(oldest)
    }
    this.compact()
  }

  /** Internal to Account. */
  enqueue(ticket: Ticket<unknown>): void {
    this.queue.push(ticket)
    this.live++
    this.storeBytes += ticket.bytes
    // Records the stores drop themselves (their count caps) leave dead tickets behind: sweep them out
    // once they outnumber the live ones, so the queue stays proportional to what is kept.
    if (this.queue.length - this.head > 2 * this.live + 1024) this.sweep()
  }

  /** Internal to Account. */
  adjust(delta: number): void {
    this.storeBytes += delta
  }

  /** Internal to Account. */
  forget(bytes: number): void {
    this.live--
    this.storeBytes -= bytes
  }

  private evict(ticket: Ticket<unknown>): void {
    const account = ticket.account
    ticket.live = false
    this.live--
    this.storeBytes -= ticket.bytes
    account.records--
    account.bytes -= ticket.bytes
    account.evictedRecords++
    account.evictedBytes += ticket.bytes
    this.evictedRecords++
    this.evictedBytes += ticket.bytes
    this.lastEviction = { store: account.name, bytes: ticket.bytes, at: this.nowMs() }
    const item = ticket.item
    ticket.item = undefined
    account.onEvict(item)
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.head = 0
    }
  }

  private sweep(): void {
    const kept: Ticket<unknown>[] = []
    for (let i = this.head; i < this.queue.length; i++) if (this.queue[i]!.live) kept.push(this.queue[i]!)
    this.queue = kept
    this.head = 0
  }

  state(): BudgetState {
    const stores: Record<string, AccountStats> = {}
    for (const a of this.accounts) stores[a.name] = a.stats()
    return {
      maxBytes: this.maxBytes(),
      usedBytes: this.usedBytes,
      stores,
      journal: {
        entries: this.journal?.size ?? 0,
        bytes: this.journal?.bytes ?? 0,
        maxBytes: this.journal?.maxBytes ?? 0,
      },
      evicted: { records: this.evictedRecords, bytes: this.evictedBytes },
      lastEviction: this.lastEviction,
    }
  }
}

const encoder = new TextEncoder()
const nodeBuffer = (globalThis as { Buffer?: { byteLength(s: string, enc: 'utf8'): number } }).Buffer

/** UTF-8 length of a string: Node's native count where there is one (fast on megabytes), else encoded. */
export function utf8Bytes(s: string): number {
  if (s.length < 64) {
    // Short strings: a loop is cheaper than the call into native code.
    let n = s.length
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      // 2 bytes below U+0800, 3 above; a surrogate pair (2 chars) is 4.
      if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2
    }
    return n
  }
  return nodeBuffer ? nodeBuffer.byteLength(s, 'utf8') : encoder.encode(s).length
}

/** The UTF-8 length of every string in a list, plus a slot per element. */
export function utf8ListBytes(list: readonly string[] | undefined): number {
  if (!list) return 0
  let n = 8 * list.length
  for (const s of list) n += utf8Bytes(s)
  return n
}
