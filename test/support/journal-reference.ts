/**
 * The journal as it was before it kept its text as bytes: entries as objects, bodies as strings, the
 * request body decoded (a large one from a prefix, with `…`) before it was given. Kept only to show that
 * the byte-ring journal (src/core/journal.ts) reads back exactly what this one did.
 */
import { utf8Bytes } from '../../src/core/budget.ts'
import type { JournalEntry } from '../../src/core/journal.ts'

const ENTRY_OVERHEAD = 320
const encoder = new TextEncoder()
const decoder = new TextDecoder()

function cut(s: string, chars: number): string {
  let n = chars
  if (n > 0 && n < s.length && s.charCodeAt(n - 1) >= 0xd800 && s.charCodeAt(n - 1) <= 0xdbff) n--
  return decoder.decode(encoder.encode(s.slice(0, n)))
}

export type ReferenceInput = Omit<JournalEntry, 'seq' | 'truncated' | 'responseBytes' | 'requestBody'> & {
  requestRaw: Uint8Array
}

export class ReferenceJournal {
  private entries: (JournalEntry | undefined)[]
  private readonly entryBytes: number[]
  private first = 0
  private count = 0
  private seq = 0
  private used = 0

  constructor(
    private readonly capacity: number,
    private readonly maxBodyChars: number,
    private readonly cap: number,
  ) {
    this.entries = new Array(capacity)
    this.entryBytes = new Array(capacity).fill(0)
  }

  get bytes(): number {
    return this.used
  }

  record(input: ReferenceInput): void {
    // What the emulator did before the journal took the bytes.
    const raw = input.requestRaw
    const head = raw.length > this.maxBodyChars * 4 ? raw.subarray(0, this.maxBodyChars * 4) : raw
    const requestCut = raw.length > head.length
    const entryRequestBody = requestCut ? `${decoder.decode(head)}…` : decoder.decode(head)
    if (this.capacity === 0) return
    const cap = this.cap
    const responseBytes = utf8Bytes(input.responseBody)
    const fixed = ENTRY_OVERHEAD + utf8Bytes(input.path) + (input.reason === null ? 0 : utf8Bytes(input.reason))
    if (fixed > cap) return
    let limit = this.maxBodyChars
    const fit = Math.floor((cap - fixed) / 6)
    if (fit < limit && utf8Bytes(entryRequestBody) + responseBytes + fixed > cap) limit = fit
    const requestBody = entryRequestBody.length > limit ? cut(entryRequestBody, limit) : entryRequestBody
    const responseBody = input.responseBody.length > limit ? cut(input.responseBody, limit) : input.responseBody
    const truncated =
      requestCut || requestBody.length < entryRequestBody.length || responseBody.length < input.responseBody.length
    const bytes =
      fixed + utf8Bytes(requestBody) + (responseBody === input.responseBody ? responseBytes : utf8Bytes(responseBody))
    if (this.count === this.capacity) this.dropOldest()
    while (this.count > 0 && this.used + bytes > cap) this.dropOldest()
    const slot = (this.first + this.count) % this.capacity
    this.entries[slot] = {
      seq: ++this.seq,
      at: input.at,
      vendor: input.vendor,
      route: input.route,
      method: input.method,
      path: input.path,
      status: input.status,
      code: input.code,
      app: input.app,
      user: input.user,
      mailbox: input.mailbox,
      reason: input.reason,
      requestBody,
      responseBody,
      truncated,
      requestBytes: input.requestBytes,
      responseBytes,
      evicted: input.evicted,
    }
    this.entryBytes[slot] = bytes
    this.count++
    this.used += bytes
  }

  private dropOldest(): void {
    this.entries[this.first] = undefined
    this.used -= this.entryBytes[this.first]!
    this.entryBytes[this.first] = 0
    this.first = (this.first + 1) % this.capacity
    this.count--
  }

  all(): JournalEntry[] {
    const out: JournalEntry[] = []
    for (let i = 0; i < this.count; i++) out.push(this.entries[(this.first + i) % this.capacity]!)
    return out
  }

  clear(): void {
    this.entries = new Array(this.capacity)
    this.entryBytes.fill(0)
    this.first = 0
    this.count = 0
    this.used = 0
  }
}
