/**
 * What each client sent and what it got back, newest last. Kept as data the garbage collector never walks:
 * the numbers of each entry in typed arrays, its bodies and reason as UTF-8 bytes in one byte ring, and its
 * short names (path, app, user, …) as references to one copy of each; an entry is an object again only
 * when it is read. A journal of objects and strings kept every request's strings alive for a thousand
 * requests, long enough to be copied into the old generation and collected there: a cost every later
 * request paid. Bounded twice: `journal.maxEntries` entries and `journal.maxBytes` bytes (its share of
 * `state.maxBytes`, which it reports to the state budget); the oldest entries go first.
 */
import { type JournalShare, type StateBudget, utf8Bytes } from './budget.ts'
import type { Vendor } from './errors.ts'
import { Names } from './names.ts'

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
export type NewJournalEntry = Omit<JournalEntry, 'seq' | 'truncated' | 'responseBytes' | 'requestBody'> &
  (
    | {
        requestBody: string
        /** Set when the caller has cut the request body already (it decoded only a prefix of a large one). */
        requestCut?: boolean
      }
    | {
        /** The body as received: the journal decodes (and cuts) it itself, and only when it must. */
        requestRaw: Uint8Array
      }
  )

/** An entry's fixed cost beyond its body text: the object, its short strings and numbers (measured, rounded up). */
const ENTRY_OVERHEAD = 320

const encoder = new TextEncoder()
const decoder = new TextDecoder()
/** Reads back what the ring holds: UTF-8 the journal wrote, where a leading U+FEFF is text, not a mark. */
const ringDecoder = new TextDecoder('utf-8', { ignoreBOM: true })
const isUtf8 = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => { isUtf8?: (b: Uint8Array) => boolean } } }
).process?.getBuiltinModule?.('node:buffer')?.isUtf8

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

/** A request body as the journal shows it: decoded (bad bytes as U+FFFD), a large one from a prefix only, with `…`. */
function requestText(raw: Uint8Array, maxBodyChars: number): { text: string; cut: boolean } {
  // Decode only what the journal keeps: a 50 MB mail must not be turned into a string to be cut.
  const head = raw.length > maxBodyChars * 4 ? raw.subarray(0, maxBodyChars * 4) : raw
  const cutShort = raw.length > head.length
  return { text: cutShort ? `${decoder.decode(head)}…` : decoder.decode(head), cut: cutShort }
}

/** Where an entry's text lies in the ring: request body, response body, reason, one after another. */
const REQUEST = 0
const RESPONSE = 1
const REASON = 2

export class Journal implements JournalShare {
  private capacityEntries: number
  /** Slot of the oldest entry, and how many there are. */
  private first = 0
  private count = 0
  private seq = 0
  private used = 0
  // Per slot. Numbers in typed arrays (`code` NaN for none); the short names by reference.
  private seqs: Float64Array
  private ats: Float64Array
  private statuses: Uint16Array
  private codes: Float64Array
  private requestSizes: Float64Array
  private responseSizes: Float64Array
  private evictions: Float64Array
  private truncations: Uint8Array
  private entryBytes: Float64Array
  private vendors: (Vendor | 'none')[]
  private routes: (string | null)[]
  private methods: string[]
  private paths: string[]
  private apps: (string | null)[]
  private users: (string | null)[]
  private mailboxes: (string | null)[]
  /** Where the slot's text starts in the ring, and the byte length of each of its three parts. */
  private offsets: Float64Array
  private lengths: Float64Array
  /** Texts UTF-8 cannot carry as they are (a lone surrogate in a fault's body): kept as strings, by slot. */
  private readonly oddTexts = new Map<number, [string | undefined, string | undefined, string | undefined]>()
  /** Paths, apps, users, mailboxes, methods: one copy each across entries, whatever their length. */
  private readonly names = new Names(Number.POSITIVE_INFINITY)
  private name(s: string | null): string | null {
    return s === null ? null : this.names.get(s)
  }
  /** The byte ring: live text from `ringStart` up to `ringEnd`, wrapping once past the end. */
  private ring = new Uint8Array(0)
  private ringStart = 0
  private ringEnd = 0
  private wrapped = false

  constructor(
    capacity: number,
    private maxBodyChars: number,
    private readonly byteCap: number = Number.POSITIVE_INFINITY,
    private readonly budget?: StateBudget,
    private readonly tap?: JournalTap,
  ) {
    this.capacityEntries = capacity
    this.seqs = new Float64Array(capacity)
    this.ats = new Float64Array(capacity)
    this.statuses = new Uint16Array(capacity)
    this.codes = new Float64Array(capacity)
    this.requestSizes = new Float64Array(capacity)
    this.responseSizes = new Float64Array(capacity)
    this.evictions = new Float64Array(capacity)
    this.truncations = new Uint8Array(capacity)
    this.entryBytes = new Float64Array(capacity)
    this.vendors = new Array(capacity)
    this.routes = new Array(capacity)
    this.methods = new Array(capacity)
    this.paths = new Array(capacity)
    this.apps = new Array(capacity)
    this.users = new Array(capacity)
    this.mailboxes = new Array(capacity)
    this.offsets = new Float64Array(capacity)
    this.lengths = new Float64Array(capacity * 3)
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
    if (this.capacityEntries === 0) return null
    const cap = this.maxBytes
    const responseBytes = utf8Bytes(entry.responseBody)
    const fixed = ENTRY_OVERHEAD + utf8Bytes(entry.path) + (entry.reason === null ? 0 : utf8Bytes(entry.reason))
    // Past the share even without bodies (a path of many kilobytes against a tiny share): not kept.
    if (fixed > cap) return null
    let limit = this.maxBodyChars
    // An entry never takes more than the journal's share (3 bytes a char at most, two bodies).
    const fit = Math.floor((cap - fixed) / 6)
    // The request's text as bytes when they are it already (valid UTF-8, no byte-order mark, short enough
    // that nothing is cut: each character takes at least a byte); else decoded, as a string.
    let requestRaw: Uint8Array | undefined
    let requestBody: string | undefined
    let requestCut = false
    let requestBodyBytes: number
    if ('requestRaw' in entry) {
      const raw = entry.requestRaw
      if (raw.length <= Math.min(limit, fit) && !startsWithBom(raw) && (raw.length === 0 || isUtf8?.(raw) === true)) {
        requestRaw = raw
        requestBodyBytes = raw.length
      } else {
        const t = requestText(raw, this.maxBodyChars)
        requestBody = t.text
        requestCut = t.cut
        requestBodyBytes = utf8Bytes(requestBody)
      }
    } else {
      requestBody = entry.requestBody
      requestCut = entry.requestCut === true
      requestBodyBytes = utf8Bytes(requestBody)
    }
    if (fit < limit && requestBodyBytes + responseBytes + fixed > cap) limit = fit
    if (requestBody !== undefined && requestBody.length > limit) {
      const shorter = cut(requestBody, limit)
      requestCut = true
      requestBody = shorter
      requestBodyBytes = utf8Bytes(shorter)
    }
    let responseBody = entry.responseBody
    let responseKeptBytes = responseBytes
    let responseCut = false
    if (responseBody.length > limit) {
      responseBody = cut(responseBody, limit)
      responseCut = true
      responseKeptBytes = utf8Bytes(responseBody)
    }
    const truncated = requestCut || responseCut
    const bytes = fixed + requestBodyBytes + responseKeptBytes
    if (this.count === this.capacityEntries) this.dropOldest()
    while (this.count > 0 && this.used + bytes > cap) this.dropOldest()
    const slot = (this.first + this.count) % this.capacityEntries
    this.seqs[slot] = ++this.seq
    this.ats[slot] = entry.at
    this.vendors[slot] = entry.vendor
    this.routes[slot] = this.name(entry.route)
    this.methods[slot] = this.name(entry.method)!
    this.paths[slot] = this.name(entry.path)!
    this.statuses[slot] = entry.status
    this.codes[slot] = entry.code === null ? Number.NaN : entry.code
    this.apps[slot] = this.name(entry.app)
    this.users[slot] = this.name(entry.user)
    this.mailboxes[slot] = this.name(entry.mailbox)
    this.truncations[slot] = truncated ? 1 : 0
    this.requestSizes[slot] = entry.requestBytes
    this.responseSizes[slot] = responseBytes
    this.evictions[slot] = entry.evicted
    this.entryBytes[slot] = bytes
    this.store(slot, requestRaw, requestBody, requestBodyBytes, responseBody, responseKeptBytes, entry.reason)
    this.count++
    this.used += bytes
    this.budget?.settle()
    const listener = this.tap?.listener
    if (listener) listener(this.entryAt(slot))
    return this.seqs[slot]!
  }

  /** Writes a slot's three texts into the ring, one after another. */
  private store(
    slot: number,
    requestRaw: Uint8Array | undefined,
    requestBody: string | undefined,
    requestBytes: number,
    responseBody: string,
    responseBytes: number,
    reason: string | null,
  ): void {
    // A string UTF-8 cannot carry as it is (a lone surrogate) is kept as the string: rare, never on the hot path.
    const oddRequest = requestBody !== undefined && !requestBody.isWellFormed()
    const oddResponse = !responseBody.isWellFormed()
    const oddReason = reason !== null && !reason.isWellFormed()
    const reasonBytes = reason === null || oddReason ? 0 : utf8Bytes(reason)
    const need = (oddRequest ? 0 : requestBytes) + (oddResponse ? 0 : responseBytes) + reasonBytes
    const at = this.allocate(need)
    let pos = at
    const ring = this.ring
    if (requestRaw) {
      ring.set(requestRaw, pos)
      pos += requestRaw.length
    } else if (!oddRequest && requestBody) pos += encoder.encodeInto(requestBody, ring.subarray(pos)).written
    const requestEnd = pos
    if (!oddResponse) pos += encoder.encodeInto(responseBody, ring.subarray(pos)).written
    const responseEnd = pos
    if (reason !== null && !oddReason) pos += encoder.encodeInto(reason, ring.subarray(pos)).written
    this.offsets[slot] = at
    this.lengths[slot * 3 + REQUEST] = requestEnd - at
    this.lengths[slot * 3 + RESPONSE] = responseEnd - requestEnd
    this.lengths[slot * 3 + REASON] = reason === null ? -1 : pos - responseEnd
    if (oddRequest || oddResponse || oddReason) {
      this.oddTexts.set(slot, [
        oddRequest ? requestBody : undefined,
        oddResponse ? responseBody : undefined,
        oddReason ? reason : undefined,
      ])
    } else if (this.oddTexts.size > 0) this.oddTexts.delete(slot)
  }

  /**
   * `n` free bytes of the ring for the newest entry: after the newest text, or from the ring's start once
   * the oldest text has moved on, or in a ring made larger (the live text copied in order). Never more
   * than the kept bytes need, and those are bounded by the journal's share.
   */
  private allocate(n: number): number {
    if (this.count === 0) {
      this.ringStart = 0
      this.ringEnd = 0
      this.wrapped = false
    }
    if (!this.wrapped) {
      if (this.ringEnd + n <= this.ring.length) return this.take(this.ringEnd, n)
      if (n <= this.ringStart) {
        this.wrapped = true
        return this.take(0, n)
      }
    } else if (this.ringEnd + n <= this.ringStart) return this.take(this.ringEnd, n)
    this.grow(n)
    return this.take(this.ringEnd, n)
  }

  private take(at: number, n: number): number {
    this.ringEnd = at + n
    return at
  }

  /** A ring with room for the live text and `n` more: the live text copied in, oldest first, from 0. */
  private grow(n: number): void {
    let live = 0
    for (let i = 0; i < this.count; i++) live += this.textBytes((this.first + i) % this.capacityEntries)
    const size = Math.max(64 * 1024, Math.ceil(1.5 * (live + n)), this.ring.length)
    const next = new Uint8Array(size)
    let pos = 0
    for (let i = 0; i < this.count; i++) {
      const slot = (this.first + i) % this.capacityEntries
      const len = this.textBytes(slot)
      const from = this.offsets[slot]!
      next.set(this.ring.subarray(from, from + len), pos)
      this.offsets[slot] = pos
      pos += len
    }
    this.ring = next
    this.ringStart = 0
    this.ringEnd = pos
    this.wrapped = false
  }

  private textBytes(slot: number): number {
    const l = this.lengths
    return l[slot * 3 + REQUEST]! + l[slot * 3 + RESPONSE]! + Math.max(0, l[slot * 3 + REASON]!)
  }

  private text(slot: number, part: number): string {
    let from = this.offsets[slot]!
    for (let p = 0; p < part; p++) from += Math.max(0, this.lengths[slot * 3 + p]!)
    const len = this.lengths[slot * 3 + part]!
    return len <= 0 ? '' : ringDecoder.decode(this.ring.subarray(from, from + len))
  }

  /** The entry in a slot, as an object of its own. */
  private entryAt(slot: number): JournalEntry {
    const odd = this.oddTexts.size > 0 ? this.oddTexts.get(slot) : undefined
    const code = this.codes[slot]!
    return {
      seq: this.seqs[slot]!,
      at: this.ats[slot]!,
      vendor: this.vendors[slot]!,
      route: this.routes[slot]!,
      method: this.methods[slot]!,
      path: this.paths[slot]!,
      status: this.statuses[slot]!,
      code: Number.isNaN(code) ? null : code,
      app: this.apps[slot]!,
      user: this.users[slot]!,
      mailbox: this.mailboxes[slot]!,
      reason: this.lengths[slot * 3 + REASON]! < 0 ? null : (odd?.[2] ?? this.text(slot, REASON)),
      requestBody: odd?.[0] ?? this.text(slot, REQUEST),
      responseBody: odd?.[1] ?? this.text(slot, RESPONSE),
      truncated: this.truncations[slot] === 1,
      requestBytes: this.requestSizes[slot]!,
      responseBytes: this.responseSizes[slot]!,
      evicted: this.evictions[slot]!,
    }
  }

  private dropOldest(): void {
    const slot = this.first
    this.used -= this.entryBytes[slot]!
    this.entryBytes[slot] = 0
    // Let go of the references the slot held.
    this.routes[slot] = null
    this.apps[slot] = null
    this.users[slot] = null
    this.mailboxes[slot] = null
    if (this.oddTexts.size > 0) this.oddTexts.delete(slot)
    this.first = (this.first + 1) % this.capacityEntries
    this.count--
    if (this.count === 0) {
      this.ringStart = 0
      this.ringEnd = 0
      this.wrapped = false
      return
    }
    // The oldest text now starts where the next entry's does; past the end of the ring it has wrapped.
    const next = this.offsets[this.first]!
    if (this.wrapped && next < this.ringStart) this.wrapped = false
    this.ringStart = next
  }

  /** The budget shrank below what the journal holds: drop the oldest entries until it fits. */
  trimTo(maxBytes: number): void {
    while (this.count > 0 && this.used > maxBytes) this.dropOldest()
  }

  /** Oldest first. */
  all(): JournalEntry[] {
    const out: JournalEntry[] = []
    for (let i = 0; i < this.count; i++) out.push(this.entryAt((this.first + i) % this.capacityEntries))
    return out
  }

  query(filter: JournalFilter = {}): JournalEntry[] {
    const matches = this.all().filter((e) => matchesFilter(e, filter))
    return filter.limit !== undefined ? matches.slice(-filter.limit) : matches
  }

  /** Empties the journal; `seq` keeps counting, so entries read before stay distinguishable. Returns how many went. */
  clear(): number {
    const n = this.count
    while (this.count > 0) this.dropOldest()
    this.first = 0
    this.ring = new Uint8Array(0)
    this.oddTexts.clear()
    return n
  }

  /** The `seq` of the oldest entry held (entries go oldest first, so every later seq is held too), or null when empty. */
  get oldestSeq(): number | null {
    return this.count > 0 ? this.seqs[this.first]! : null
  }

  get size(): number {
    return this.count
  }

  get maxEntries(): number {
    return this.capacityEntries
  }
}

function startsWithBom(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf
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
