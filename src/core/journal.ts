/**
 * What each client sent and what it got back, newest last. A ring buffer of flat records with bodies as
 * (cut) text: retained object graphs would cost the garbage collector on every later request.
 */
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
  truncated: boolean
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

export class Journal {
  private entries: (JournalEntry | undefined)[]
  private next = 0
  private seq = 0

  constructor(
    private capacity: number,
    private maxBodyChars: number,
  ) {
    this.entries = new Array(capacity)
  }

  record(entry: Omit<JournalEntry, 'seq' | 'truncated'>): void {
    if (this.capacity === 0) return
    const cut = (s: string) => (s.length > this.maxBodyChars ? s.slice(0, this.maxBodyChars) : s)
    const truncated = entry.requestBody.length > this.maxBodyChars || entry.responseBody.length > this.maxBodyChars
    this.entries[this.next] = {
      ...entry,
      requestBody: cut(entry.requestBody),
      responseBody: cut(entry.responseBody),
      seq: ++this.seq,
      truncated,
    }
    this.next = (this.next + 1) % this.capacity
  }

  /** Oldest first. */
  all(): JournalEntry[] {
    const out: JournalEntry[] = []
    for (let i = 0; i < this.capacity; i++) {
      const e = this.entries[(this.next + i) % this.capacity]
      if (e) out.push(e)
    }
    return out
  }

  query(filter: JournalFilter = {}): JournalEntry[] {
    const matches = this.all().filter((e) => matchesFilter(e, filter))
    return filter.limit !== undefined ? matches.slice(-filter.limit) : matches
  }

  /** Empties the journal; `seq` keeps counting, so entries read before stay distinguishable. Returns how many went. */
  clear(): number {
    const n = this.size
    this.entries = new Array(this.capacity)
    this.next = 0
    return n
  }

  get size(): number {
    return this.entries.reduce((n, e) => (e ? n + 1 : n), 0)
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
