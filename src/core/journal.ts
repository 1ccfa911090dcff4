/**
 * What each client sent and what it got back, newest last. A ring buffer of flat records with bodies as
 * (cut) text: retained object graphs would cost the garbage collector on every later request. Bounded
 * twice: `journal.maxEntries` entries and `journal.maxBytes` bytes (its share of `state.maxBytes`, which it
 * reports to the state budget); the oldest entries go first.
 */
import { type JournalShare, type StateBudget, utf8Bytes } from './budget.ts'
import type { Vendor } from './errors.ts'

export interface JournalEntry {
  seq: number
  /** Unix milliseconds on the emulator's clock. */
  at: number
  vendor: Vendor | 'none'
  route: string | null
  method: string
  path: string
  status: number
  /** errcode (WeCom) or code (Feishu); null when the answer had none (404, OAuth errors). */
  code: number | null
  app: string | null
  user: string | null
  mailbox: string | null
  /** Why the emulator refused, when it did (the rule, in words). */
  reason: string | null
  requestBody: string
  responseBody: string
  /** Either body was cut to `journal.maxBodyChars` (or to fit `journal.maxBytes`). */
  truncated: boolean
  /** The sizes as sent, in bytes, whatever was kept of them. */
  requestBytes: number
  responseBytes: number
  /** Records the state budget evicted (oldest first, any store) while this request was handled. */
  evicted: number
}

export interface JournalFilter {
  vendor?: string
  route?: string
  /** Exact path, or a prefix when it ends with `*`. */
  path?: string
  method?: string
  /** WeCom `corpid/agentid`, or the agentid or corpid alone; Feishu app_id. */
  app?: string
  user?: string
  mailbox?: string
  code?: number
  /** The same as `code`, in WeCom's word. */
  errcode?: number
  /** Substring of the reason, e.g. `fault` for the requests a fault rule answered. */
  reason?: string
  status?: number
  /** Unix milliseconds, inclusive. */
  since?: number
  until?: number
  /** Substring of the request body. */
  contains?: string
  limit?: number
}

/**
 * Who hears of each entry as it is recorded (the console's live view, src/console/): one object the
 * emulator keeps across resets, so a listener outlives the journal it was attached to. Nobody listening
 * costs one property read per request.
 */
export interface JournalTap {
  listener: ((entry: JournalEntry) => void) | undefined
}

/** What the caller gives; the journal cuts the bodies and counts the rest. */
export type NewJournalEntry = Omit<JournalEntry, 'seq' | 'truncated' | 'responseBytes'> & {
  /** Set when the caller has cut the request body already (it decodes only a prefix of a large one). */
  requestCut?: boolean
}

/** An entry's fixed cost beyond its body text: the object, its short strings and numbers (measured, rounded up). */
const ENTRY_OVERHEAD = 320

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * The first `chars` characters as a string of their own. `slice` alone would keep a view of the whole
 * original (V8 sliced strings), so a cut 20 MB response would still hold its 20 MB.
 */
function cut(s: string, chars: number): string {
  let n = chars
  // Never split a surrogate pair: the halves would not survive the copy.
  if (n > 0 && n < s.length && s.charCodeAt(n - 1) >= 0xd800 && s.charCodeAt(n - 1) <= 0xdbff) n--
  return decoder.decode(encoder.encode(s.slice(0, n)))
}

export class Journal implements JournalShare {
  private entries: (JournalEntry | undefined)[]
  private readonly entryBytes: number[]
  /** Slot of the oldest entry, and how many there are. */
  private first = 0
  private count = 0
  private seq = 0
  private used = 0

  constructor(
    private capacity: number,
    private maxBodyChars: number,
    private readonly byteCap: number = Number.POSITIVE_INFINITY,
    private readonly budget?: StateBudget,
    private readonly tap?: JournalTap,
  ) {
    this.entries = new Array(capacity)
    this.entryBytes = new Array(capacity).fill(0)
    budget?.attachJournal(this)
  }

  /** The journal's share of the state budget: `journal.maxBytes`, or the whole budget when that is smaller. */
  get maxBytes(): number {
    return this.budget ? Math.min(this.byteCap, this.budget.max) : this.byteCap
  }

  get bytes(): number {
    return this.used
  }

  /** Keeps the entry; answers its `seq`, or null when the journal keeps nothing (capacity 0, a path past its share). */
  record(entry: NewJournalEntry): number | null {
    if (this.capacity === 0) return null
    const cap = this.maxBytes
    const responseBytes = utf8Bytes(entry.responseBody)
    const fixed = ENTRY_OVERHEAD + utf8Bytes(entry.path) + (entry.reason === null ? 0 : utf8Bytes(entry.reason))
    // Past the share even without bodies (a path of many kilobytes against a tiny share): not kept.
    if (fixed > cap) return null
    let limit = this.maxBodyChars
    // An entry never takes more than the journal's share (3 bytes a char at most, two bodies).
    const fit = Math.floor((cap - fixed) / 6)
    if (fit < limit && utf8Bytes(entry.requestBody) + responseBytes + fixed > cap) limit = fit
    const requestBody = entry.requestBody.length > limit ? cut(entry.requestBody, limit) : entry.requestBody
    const responseBody = entry.responseBody.length > limit ? cut(entry.responseBody, limit) : entry.responseBody
    const truncated =
      entry.requestCut === true ||
      requestBody.length < entry.requestBody.length ||
      responseBody.length < entry.responseBody.length
    const bytes =
      fixed + utf8Bytes(requestBody) + (responseBody === entry.responseBody ? responseBytes : utf8Bytes(responseBody))
    if (this.count === this.capacity) this.dropOldest()
    while (this.count > 0 && this.used + bytes > cap) this.dropOldest()
    const slot = (this.first + this.count) % this.capacity
    // Field by field (not a spread of the input): one shape for every entry, and no `requestCut`.
    const stored: JournalEntry = {
      seq: ++this.seq,
      at: entry.at,
      vendor: entry.vendor,
      route: entry.route,
      method: entry.method,
      path: entry.path,
      status: entry.status,
      code: entry.code,
      app: entry.app,
      user: entry.user,
      mailbox: entry.mailbox,
      reason: entry.reason,
      requestBody,
      responseBody,
      truncated,
      requestBytes: entry.requestBytes,
      responseBytes,
      evicted: entry.evicted,
    }
    this.entries[slot] = stored
    this.entryBytes[slot] = bytes
    this.count++
    this.used += bytes
    this.budget?.settle()
    this.tap?.listener?.(stored)
    return stored.seq
  }

  private dropOldest(): void {
    this.entries[this.first] = undefined
    this.used -= this.entryBytes[this.first]!
    this.entryBytes[this.first] = 0
    this.first = (this.first + 1) % this.capacity
    this.count--
  }

  /** The budget shrank below what the journal holds: drop the oldest entries until it fits. */
  trimTo(maxBytes: number): void {
    while (this.count > 0 && this.used > maxBytes) this.dropOldest()
  }

  /** Oldest first. */
  all(): JournalEntry[] {
    const out: JournalEntry[] = []
    for (let i = 0; i < this.count; i++) out.push(this.entries[(this.first + i) % this.capacity]!)
    return out
  }

  query(filter: JournalFilter = {}): JournalEntry[] {
    const matches = this.all().filter((e) => matchesFilter(e, filter))
    return filter.limit !== undefined ? matches.slice(-filter.limit) : matches
  }

  /** Empties the journal; `seq` keeps counting, so entries read before stay distinguishable. Returns how many went. */
  clear(): number {
    const n = this.count
    this.entries = new Array(this.capacity)
    this.entryBytes.fill(0)
    this.first = 0
    this.count = 0
    this.used = 0
    return n
  }

  /** The `seq` of the oldest entry held (entries go oldest first, so every later seq is held too), or null when empty. */
  get oldestSeq(): number | null {
    return this.count > 0 ? this.entries[this.first]!.seq : null
  }

  get size(): number {
    return this.count
  }

  get maxEntries(): number {
    return this.capacity
  }
}

function matchesFilter(e: JournalEntry, f: JournalFilter): boolean {
  if (f.vendor !== undefined && e.vendor !== f.vendor) return false
  if (f.route !== undefined && e.route !== f.route) return false
  if (f.method !== undefined && e.method !== f.method.toUpperCase()) return false
  if (f.path !== undefined) {
    if (f.path.endsWith('*') ? !e.path.startsWith(f.path.slice(0, -1)) : e.path !== f.path) return false
  }
  if (f.app !== undefined && !appMatches(e.app, f.app)) return false
  if (f.user !== undefined && e.user !== f.user) return false
  if (f.mailbox !== undefined && e.mailbox?.toLowerCase() !== f.mailbox.toLowerCase()) return false
  if (f.code !== undefined && e.code !== f.code) return false
  if (f.errcode !== undefined && e.code !== f.errcode) return false
  if (f.reason !== undefined && !e.reason?.includes(f.reason)) return false
  if (f.status !== undefined && e.status !== f.status) return false
  if (f.since !== undefined && e.at < f.since) return false
  if (f.until !== undefined && e.at > f.until) return false
  if (f.contains !== undefined && !e.requestBody.includes(f.contains)) return false
  return true
}

/** corpid/agentid also matches the agentid alone or the corpid alone (WeCom); Feishu app_ids match exactly. */
export function appMatches(tag: string | null | undefined, wanted: string): boolean {
  if (!tag) return false
  if (tag === wanted) return true
  const slash = tag.indexOf('/')
  return slash > 0 && (tag.slice(slash + 1) === wanted || tag.slice(0, slash) === wanted)
}
