/**
 * The console's live feed, `GET /__mock/events` (server-sent events). The journal tells the hub of each
 * entry (Emulator.journalTap); the hub only keeps a reference and arms one timer, and writes at most
 * one `journal` event per FLUSH_MS to each open console, with the newest entries' summaries (no bodies).
 * A burst of 20,000 requests a second thus costs the vendor path one call and an array push, and nothing
 * at all while no console is open (the tap is detached then).
 */
import type { ServerResponse } from 'node:http'
import type { Emulator } from '../core/emulator.ts'
import type { JournalEntry } from '../core/journal.ts'

/** How often open consoles hear of new requests, at most: live to a person, cheap under load. */
export const FLUSH_MS = 250
/** Summaries per event, the newest: a table shows no more at once, and the console reads the rest itself. */
const MAX_SUMMARIES = 50
/** A comment line now and then, so a console whose connection died is noticed and dropped. */
const HEARTBEAT_MS = 15_000
/**
 * Unsent bytes a console may pile up (a tab the browser froze, a client that stopped reading) before it
 * is cut off: it reconnects on its own and reloads what it shows, and the server holds no growing buffer.
 */
export const MAX_BACKLOG = 1024 * 1024

/** What the console lists of an entry: everything but the bodies, which it fetches when one is opened. */
export type EntrySummary = Pick<
  JournalEntry,
  'seq' | 'at' | 'vendor' | 'route' | 'method' | 'path' | 'status' | 'code' | 'app' | 'user' | 'mailbox' | 'reason'
>

function summary(e: JournalEntry): EntrySummary {
  return {
    seq: e.seq,
    at: e.at,
    vendor: e.vendor,
    route: e.route,
    method: e.method,
    path: e.path,
    status: e.status,
    code: e.code,
    app: e.app,
    user: e.user,
    mailbox: e.mailbox,
    reason: e.reason,
  }
}

export class EventHub {
  private readonly clients = new Set<ServerResponse>()
  private pending: JournalEntry[] = []
  /** Entries since the last flush, including those past MAX_SUMMARIES. */
  private count = 0
  private timer: NodeJS.Timeout | undefined
  private heartbeat: NodeJS.Timeout | undefined
  private readonly onEntry = (e: JournalEntry) => {
    this.count++
    this.pending.push(e)
    if (this.pending.length >= 2 * MAX_SUMMARIES) this.pending = this.pending.slice(-MAX_SUMMARIES)
    this.timer ??= setTimeout(this.flush, FLUSH_MS)
  }

  constructor(private readonly core: Emulator) {}

  get listening(): number {
    return this.clients.size
  }

  /** Streams events to `res` until the client goes away. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    })
    res.flushHeaders()
    const journal = this.core.state.journal
    res.write(
      `retry: 1000\nevent: hello\ndata: ${JSON.stringify({ seq: lastSeq(journal.all()), clock: this.core.clock.state() })}\n\n`,
    )
    this.clients.add(res)
    if (this.clients.size === 1) this.attach()
    res.on('close', () => {
      this.clients.delete(res)
      if (this.clients.size === 0) this.detach()
    })
  }

  /** A control request changed the emulator's world (clock, faults, reset, config): consoles reload what they show. */
  control(method: string, path: string): void {
    this.send('control', { method, path, clock: this.core.clock.state() })
  }

  private attach(): void {
    const tap = this.core.journalTap
    tap.listener = this.onEntry
    tap.onReset = () => {
      this.pending = []
      this.count = 0
      this.send('reset', { clock: this.core.clock.state() })
    }
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.write(': ping\n\n')
    }, HEARTBEAT_MS)
    this.heartbeat.unref()
  }

  private detach(): void {
    const tap = this.core.journalTap
    if (tap.listener === this.onEntry) tap.listener = undefined
    tap.onReset = undefined
    clearInterval(this.heartbeat)
    clearTimeout(this.timer)
    this.timer = undefined
    this.pending = []
    this.count = 0
  }

  private readonly flush = () => {
    this.timer = undefined
    if (this.count === 0) return
    const entries = this.pending.slice(-MAX_SUMMARIES).map(summary)
    const data = { count: this.count, seq: entries.at(-1)?.seq ?? 0, entries }
    this.pending = []
    this.count = 0
    this.send('journal', data)
  }

  private send(event: string, data: unknown): void {
    if (this.clients.size === 0) return
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
    for (const c of this.clients) {
      if (c.writableLength > MAX_BACKLOG) c.destroy()
      else c.write(text)
    }
  }
}

function lastSeq(entries: JournalEntry[]): number {
  return entries.at(-1)?.seq ?? 0
}

/** One hub per emulator, shared by every adapter serving it (a stub server and a middleware on one core). */
const hubs = new WeakMap<Emulator, EventHub>()

export function hubOf(core: Emulator): EventHub {
  let hub = hubs.get(core)
  if (!hub) {
    hub = new EventHub(core)
    hubs.set(core, hub)
  }
  return hub
}
