/**
 * Runs fuzz cases in worker threads with a watchdog, so a case that never answers (a synchronous endless
 * loop in the core) is a recorded failure, not a hung fuzzer: each worker bumps a shared heartbeat per
 * step; a step that holds it past the deadline gets the worker terminated and restarted, and the cases
 * after it run again in the new one. Cases go in batches drawn with `fc.sample` from a per-batch seed, so
 * any case can be replayed through `fc.check({ seed, path })` and shrunk to a minimal reproduction.
 */
import { Worker } from 'node:worker_threads'
import fc from 'fast-check'
import { campaignArbitrary } from './fuzz.ts'
import { byName, type FuzzCase, type HttpStep, injected, type Step } from './fuzz-endpoints.ts'
import type { CaseFailure, FromWorker, Tally, ToWorker, WorkerOptions } from './fuzz-worker.ts'

export interface CampaignOptions {
  /** Names of the families to draw from (fuzz.ts `families`). */
  families: string[]
  cases: number
  seed: number
  /** Cases per message to a worker. */
  batchSize?: number
  /** Worker threads; each draws its own cases (fast-check) and runs them. */
  workers?: number
  /** Per answer: slower is a failure, no answer by then gets the worker killed. */
  deadlineMs?: number
  /** Retained heap (after a GC) a worker may hold. */
  heapBoundMb?: number
  /** The worker's old-generation limit: past it V8 stops the worker (out of memory) instead of the process. */
  heapCapMb?: number
  /** Shrink the first failure of at most `classes` bug classes, each for at most `timeLimitMs`. */
  shrink?: { classes: number; timeLimitMs: number }
  /** Stop drawing new cases once this many failures are recorded. */
  maxFailures?: number
  log?: (line: string) => void
}

export interface Failure {
  /** Bug class: the failing endpoint and the reason, ids and numbers blanked. */
  signature: string
  family: string
  kind: string
  endpoint: string
  /** The step that failed (0-based) and why. */
  step: number
  why: string
  case: FuzzCase
  seed: number
  index: number
  /** The shrunk case, when it failed again on a fresh emulator. */
  minimal?: FuzzCase
  minimalWhy?: string
  minimalStep?: number
  shrinks?: number
  /** Why there is no minimal case. */
  note?: string
}

export interface FamilyStats {
  cases: number
  kinds: Map<string, number>
  codes: Map<string, number>
}

export interface Report {
  cases: number
  seconds: number
  casesPerSecond: number
  /** Every bug class, with how often it was hit and its first failure (shrunk where it could be). */
  classes: Map<string, { count: number; first: Failure; kinds: Set<string> }>
  families: Map<string, FamilyStats>
  restarts: number
  maxHeapMb: number
  maxHeadBytes: number
  slowestMs: number
  /** Time the workers spent drawing and running cases, summed over workers. */
  busySeconds: number
}

/** A batch to run: cases [from, to) of `count` drawn in the worker from `seed`, or of the given ones. */
type Job = { batch: number; reset?: boolean; from: number; to: number } & (
  | { families: string[]; seed: number; count: number }
  | { cases: FuzzCase[] }
)

interface Outcome {
  /** Cases [job.from, to) were answered. */
  to: number
  tallies: Tally[]
  failures: CaseFailure[]
  /** The case that never finished (index into the batch), and why. */
  stuck?: { index: number; step: number; why: string }
}

interface Pending {
  job: Job
  outcome: Outcome
  resolve: (o: Outcome) => void
}

const WORKER_URL = new URL('./fuzz-worker.ts', import.meta.url)

export type PoolOptions = Required<Pick<CampaignOptions, 'workers' | 'deadlineMs' | 'heapBoundMb' | 'heapCapMb'>>

/** One worker thread, its heartbeat, and the batches it holds. */
interface Spawned {
  worker: Worker
  heartbeat: Int32Array
  /** True once the worker said it is ready, false if it died first. */
  ready: Promise<boolean>
}

export class Lane {
  private worker!: Worker
  private heartbeat!: Int32Array
  private ready!: Promise<boolean>
  /** A worker started in advance, so a restart (one per hang) does not wait for a start-up. */
  private spare: Spawned | undefined
  private pending: Pending[] = []
  private lastBeat = 0
  private lastChange = 0
  private closed = false
  restarts = 0
  private maxHeapMb = 0
  heapAlarm: ((mb: number, job: Job, lastIndex: number) => void) | undefined

  constructor(
    private readonly opts: PoolOptions,
    private readonly fresh: boolean,
  ) {
    this.start()
  }

  private spawn(): Spawned {
    const sab = new SharedArrayBuffer(12)
    const heartbeat = new Int32Array(sab)
    heartbeat[1] = -1
    const workerData: WorkerOptions = {
      heartbeat: sab,
      deadlineMs: this.opts.deadlineMs,
      heapBoundMb: this.opts.heapBoundMb,
    }
    const worker = new Worker(WORKER_URL, {
      execArgv: ['--import', 'tsx'],
      workerData,
      // The stack of the main thread (V8's default, about 1 MB), where the stub server runs: a worker's own
      // default (4 MB) would let recursion pass here that overflows there.
      resourceLimits: { maxOldGenerationSizeMb: this.opts.heapCapMb, stackSizeMb: 1 },
      stdout: true,
      stderr: true,
    })
    // The core logs emulator errors to stderr; the verdicts already carry them.
    worker.stdout.resume()
    worker.stderr.resume()
    const ready = new Promise<boolean>((resolve) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') resolve(true)
      })
      worker.once('error', () => resolve(false))
      worker.once('exit', () => resolve(false))
    })
    worker.on('message', (m: FromWorker) => {
      if (this.worker === worker) this.onMessage(m)
    })
    worker.on('error', (e: Error & { code?: string }) => {
      if (this.worker === worker)
        this.died(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'worker ran out of memory' : `worker died: ${e.message}`)
    })
    worker.on('exit', (code) => {
      if (this.worker === worker && this.pending.length && !this.closed) this.died(`worker exited with code ${code}`)
    })
    return { worker, heartbeat, ready }
  }

  private start(): void {
    const next = this.spare ?? this.spawn()
    // A lane that restarted once (a hang) is likely to again: from then on it keeps a spare.
    this.spare = this.restarts > 0 ? this.spawn() : undefined
    this.worker = next.worker
    this.heartbeat = next.heartbeat
    this.ready = next.ready
  }

  async whenReady(): Promise<void> {
    while (!(await this.ready)) this.restart()
  }

  async run(job: Job): Promise<Outcome> {
    await this.whenReady()
    return new Promise((resolve) => {
      if (!this.pending.length) this.lastChange = performance.now()
      this.pending.push({ job, outcome: { to: job.from, tallies: [], failures: [] }, resolve })
      const base = { type: 'run' as const, batch: job.batch, fresh: this.fresh, reset: job.reset === true }
      const msg: ToWorker =
        'cases' in job
          ? { ...base, cases: job.cases.slice(job.from, job.to) }
          : { ...base, families: job.families, seed: job.seed, count: job.count, from: job.from, to: job.to }
      this.worker.postMessage(msg)
    })
  }

  private onMessage(m: FromWorker): void {
    if (m.type !== 'results') return
    const p = this.pending[0]
    if (!p || p.job.batch !== m.batch) return
    // Given cases are sent from `job.from` on, so their indices are offset.
    const offset = 'cases' in p.job ? p.job.from : 0
    p.outcome.to = m.to + offset
    p.outcome.tallies.push(m.tally)
    for (const f of m.failures) p.outcome.failures.push({ ...f, index: f.index + offset })
    this.lastChange = performance.now()
    if (!m.done) return
    this.pending.shift()
    p.resolve(p.outcome)
    if (m.heap) {
      this.maxHeapMb = Math.max(this.maxHeapMb, m.heap.heapMb)
      if (m.heap.retained && m.heap.heapMb > this.opts.heapBoundMb) {
        this.heapAlarm?.(m.heap.heapMb, p.job, p.outcome.to - 1)
        // Start over with an empty emulator, or every later batch would report the same heap.
        this.abandon()
      }
    }
  }

  /** Called by the watchdog: the step running now has held the heartbeat past the deadline. */
  check(now: number): void {
    if (!this.pending.length) return
    const beat = Atomics.load(this.heartbeat, 0)
    if (beat !== this.lastBeat) {
      this.lastBeat = beat
      this.lastChange = now
      return
    }
    if (now - this.lastChange > this.opts.deadlineMs)
      this.died(`no answer within ${this.opts.deadlineMs} ms (the worker was terminated)`)
  }

  private died(why: string): void {
    const step = Math.max(0, this.heartbeat[2] ?? 0)
    const at = this.heartbeat[1] ?? -1
    this.abandon({ at, step, why })
  }

  /**
   * Replaces the worker. The batches it held come back with what they answered so far, the first one
   * with the case that never finished; the caller runs the rest again.
   */
  private abandon(stuck?: { at: number; step: number; why: string }): void {
    const pending = this.pending
    this.pending = []
    this.restart()
    pending.forEach((p, i) => {
      if (stuck && i === 0) {
        const offset = 'cases' in p.job ? p.job.from : 0
        const index = Math.max(stuck.at + offset, p.outcome.to)
        p.outcome.stuck = { index, step: stuck.step, why: stuck.why }
      }
      p.resolve(p.outcome)
    })
  }

  private restart(): void {
    const old = this.worker
    this.restarts++
    this.lastBeat = 0
    this.start()
    void old.terminate()
  }

  /** The largest heap sampled since the last call. */
  takeMaxHeap(): number {
    const mb = this.maxHeapMb
    this.maxHeapMb = 0
    return mb
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.all([this.worker.terminate(), this.spare?.worker.terminate()])
  }
}

/** Bug class of a failure: the failing step's endpoint and its reason with ids, numbers and quotes blanked. */
export function signatureOf(c: FuzzCase, step: number, why: string): string {
  const s = c.steps[step]
  // Memory is what the state since the last restart holds, whichever case came last.
  if (why.startsWith('heap ')) return 'heap: retained over the bound'
  const where = s?.op === 'http' ? s.endpoint : s ? `control.${s.call}` : c.endpoint
  const what = why
    .replace(/\{[^}]*\}/g, '{…}')
    .replace(/-?Infinity|NaN/g, 'N')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/`[^`]*`/g, '`…`')
    .replace(/\b[0-9a-f]{16,}\b/gi, '…')
    .replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N')
    .slice(0, 90)
  return `${where}: ${what}`
}

export function batchSeed(seed: number, batch: number): number {
  return (seed + Math.imul(batch + 1, 0x9e3779b1)) | 0
}

function merge(report: Report, t: Tally): void {
  report.cases += t.cases
  report.maxHeadBytes = Math.max(report.maxHeadBytes, t.maxHeadBytes)
  report.slowestMs = Math.max(report.slowestMs, t.slowestMs)
  report.busySeconds += t.busyMs / 1000
  for (const [name, kinds] of Object.entries(t.kinds)) {
    let stats = report.families.get(name)
    if (!stats) {
      stats = { cases: 0, kinds: new Map(), codes: new Map() }
      report.families.set(name, stats)
    }
    for (const [k, n] of Object.entries(kinds)) {
      stats.cases += n
      stats.kinds.set(k, (stats.kinds.get(k) ?? 0) + n)
    }
    for (const [k, n] of Object.entries(t.codes[name] ?? {})) stats.codes.set(k, (stats.codes.get(k) ?? 0) + n)
  }
}

const POOL_DEFAULTS: PoolOptions = { workers: 1, deadlineMs: 2000, heapBoundMb: 256, heapCapMb: 768 }

/**
 * Worker threads to run campaigns in, kept across campaigns (each starts from the seed): a test file
 * pays the workers' start-up once. `replay` is the one that shrinks, resetting before every case.
 */
export class FuzzPool {
  readonly options: PoolOptions
  readonly lanes: Lane[]
  private replayLane: Lane | undefined

  constructor(options: Partial<PoolOptions> = {}) {
    this.options = { ...POOL_DEFAULTS, ...options }
    this.lanes = Array.from({ length: this.options.workers }, () => new Lane(this.options, false))
  }

  /** Replays a case at a time on a fresh emulator; a hang is given up on after a second, not the full deadline. */
  get replay(): Lane {
    this.replayLane ??= new Lane({ ...this.options, deadlineMs: Math.min(this.options.deadlineMs, 1000) }, true)
    return this.replayLane
  }

  get restarts(): number {
    return this.lanes.reduce((n, l) => n + l.restarts, 0)
  }

  async close(): Promise<void> {
    await Promise.all([...this.lanes, ...(this.replayLane ? [this.replayLane] : [])].map((l) => l.close()))
  }
}

export async function runCampaign(options: CampaignOptions, shared?: FuzzPool): Promise<Report> {
  const opts = {
    batchSize: 64,
    ...POOL_DEFAULTS,
    shrink: { classes: 12, timeLimitMs: 15_000 },
    maxFailures: Number.POSITIVE_INFINITY,
    log: () => {},
    ...options,
  }
  const arbitrary = campaignArbitrary(opts.families)
  const pool = shared ?? new FuzzPool(opts)
  const { lanes } = pool
  const restartsBefore = pool.restarts
  const fresh = new Set(lanes)
  const report: Report = {
    cases: 0,
    seconds: 0,
    casesPerSecond: 0,
    classes: new Map(),
    families: new Map(),
    restarts: 0,
    maxHeapMb: 0,
    maxHeadBytes: 0,
    slowestMs: 0,
    busySeconds: 0,
  }
  let failures = 0
  const record = (f: Omit<Failure, 'signature'>) => {
    failures++
    const signature = signatureOf(f.case, f.step, f.why)
    const known = report.classes.get(signature)
    if (known) {
      known.count++
      if (known.kinds.size < 6) known.kinds.add(f.kind)
    } else {
      report.classes.set(signature, { count: 1, first: { ...f, signature }, kinds: new Set([f.kind]) })
      opts.log(`  FAIL [${f.family}] ${signature}`)
    }
  }
  const failure = (c: FuzzCase, seed: number, index: number, step: number, why: string) =>
    record({ family: c.family, kind: c.kind, endpoint: c.endpoint, step, why, case: c, seed, index })
  /** A case of a drawn batch, drawn again here (the worker only reports its index). */
  const redraw = (job: Job, index: number): FuzzCase =>
    'cases' in job ? job.cases[index]! : fc.sample(arbitrary, { seed: job.seed, numRuns: job.count })[index]!
  for (const lane of lanes)
    lane.heapAlarm = (mb, job, last) => {
      if (last < 0) return
      const seed = 'seed' in job ? job.seed : 0
      failure(
        redraw(job, last),
        seed,
        last,
        0,
        `heap ${mb.toFixed(0)} MB retained after a GC, over ${opts.heapBoundMb} MB (state kept since the last restart)`,
      )
    }
  const watchdog = setInterval(() => {
    const now = performance.now()
    for (const lane of lanes) lane.check(now)
  }, 50)
  const started = performance.now()
  let nextBatch = 0
  const retry: Job[] = []
  let drawn = 0
  const more = () => failures < opts.maxFailures && (retry.length > 0 || drawn < opts.cases)
  const nextJob = (): Job => {
    const again = retry.shift()
    if (again) return again
    const batch = nextBatch++
    const count = Math.min(opts.batchSize, opts.cases - drawn)
    drawn += count
    return { batch, families: opts.families, seed: batchSeed(opts.seed, batch), count, from: 0, to: count }
  }
  let lastLog = started
  const settle = (job: Job, o: Outcome) => {
    for (const t of o.tallies) merge(report, t)
    const seed = 'seed' in job ? job.seed : 0
    for (const f of o.failures) failure(f.case, seed, f.index, f.step, f.why)
    // What the worker did not report runs again: the cases after a stuck one, and those it ran but had
    // not posted yet when it was stopped.
    if (o.stuck) {
      const at = o.stuck.index
      report.cases++
      failure(redraw(job, at), seed, at, o.stuck.step, o.stuck.why)
      if (o.to < at) retry.push({ ...job, from: o.to, to: at, reset: false })
      if (at + 1 < job.to) retry.push({ ...job, from: at + 1, reset: false })
    } else if (o.to < job.to) retry.push({ ...job, from: o.to, reset: false })
  }
  const laneLoop = async (lane: Lane) => {
    // Two batches in flight: the worker starts the next while this thread merges the last.
    const inFlight = new Set<Promise<void>>()
    while (more() || inFlight.size) {
      while (more() && inFlight.size < 2) {
        const job = nextJob()
        // The first batch of a campaign in each worker starts from the seed.
        if (fresh.delete(lane)) job.reset = true
        const p: Promise<void> = lane.run(job).then((o) => {
          settle(job, o)
          inFlight.delete(p)
        })
        inFlight.add(p)
      }
      if (inFlight.size) await Promise.race(inFlight)
      const now = performance.now()
      if (now - lastLog > 10_000) {
        lastLog = now
        opts.log(`  … ${report.cases} cases, ${Math.round(report.cases / ((now - started) / 1000))} cases/s`)
      }
    }
  }
  await Promise.all(lanes.map(laneLoop))
  clearInterval(watchdog)
  report.seconds = (performance.now() - started) / 1000
  report.casesPerSecond = report.cases / report.seconds
  report.restarts = pool.restarts - restartsBefore
  report.maxHeapMb = Math.max(...lanes.map((l) => l.takeMaxHeap()))
  try {
    if (opts.shrink.classes > 0 && report.classes.size) await shrinkAll(report, arbitrary, pool.replay, opts)
  } finally {
    if (!shared) await pool.close()
  }
  return report
}

/** Replays each class's first failure on a fresh emulator and lets fast-check shrink it, for a while. */
async function shrinkAll(
  report: Report,
  arbitrary: fc.Arbitrary<FuzzCase>,
  lane: Lane,
  opts: { shrink: { classes: number; timeLimitMs: number }; log: (s: string) => void },
): Promise<void> {
  const watchdog = setInterval(() => lane.check(performance.now()), 50)
  // Started before the clock of the first class runs.
  await lane.whenReady()
  let batch = 0
  try {
    for (const [signature, cls] of [...report.classes].slice(0, opts.shrink.classes)) {
      const f = cls.first
      if (f.why.startsWith('heap ')) {
        f.note = 'memory is the sum of many cases: no single case to shrink'
        continue
      }
      const fails = async (c: FuzzCase): Promise<{ step: number; why: string } | undefined> => {
        const o = await lane.run({ batch: batch++, cases: [c], from: 0, to: 1 })
        const found = o.stuck ?? o.failures[0]
        return found && signatureOf(c, found.step, found.why) === signature ? found : undefined
      }
      // One budget per class for fast-check's shrinking and the minimizer after it: a hang costs the
      // deadline and a worker restart per attempt.
      const started = performance.now()
      const deadline = started + opts.shrink.timeLimitMs
      let smallest: { c: FuzzCase; failure: { step: number; why: string } } | undefined
      const result = await fc.check(
        fc.asyncProperty(arbitrary, async (c) => {
          if (smallest && performance.now() > deadline) return true
          const failure = await fails(c)
          if (failure) smallest = { c, failure }
          return !failure
        }),
        // No interruptAfterTimeLimit: it can cut the first, slow replay short; the deadline above ends it instead.
        { seed: f.seed, path: String(f.index) },
      )
      if (!smallest) {
        f.note = 'did not fail again on a fresh emulator (depends on state built by earlier cases)'
        continue
      }
      const minimal = await minimize(smallest.c, smallest.failure.step, fails, deadline)
      f.minimal = minimal.c
      f.minimalWhy = (minimal.failure ?? smallest.failure).why
      f.minimalStep = (minimal.failure ?? smallest.failure).step
      f.shrinks = result.numShrinks + minimal.removed
      opts.log(`  shrunk ${signature.slice(0, 70)} (${f.shrinks} steps, ${Math.round(performance.now() - started)} ms)`)
    }
  } finally {
    clearInterval(watchdog)
  }
}

/** A body as JSON to take apart, or undefined when it does not round-trip (1e400, raw bytes, deep nesting). */
function jsonBody(step: Step | undefined): Record<string, unknown> | undefined {
  if (step?.op !== 'http' || typeof step.body !== 'string') return undefined
  try {
    const body: unknown = JSON.parse(step.body)
    // Deep nesting overflows stringify here too.
    if (body && typeof body === 'object' && !Array.isArray(body) && JSON.stringify(body) === step.body)
      return body as Record<string, unknown>
  } catch {}
  return undefined
}

/**
 * What fast-check cannot shrink (the valid body around an injected value, the steps around the failing
 * one): the steps after it go (they never ran), then the injected value is tried alone, then steps before
 * it and members of each body (the failing step's first), one at a time, keeping each removal after which
 * the case still fails the same way.
 */
async function minimize(
  c: FuzzCase,
  step: number,
  fails: (c: FuzzCase) => Promise<{ step: number; why: string } | undefined>,
  deadline: number,
): Promise<{ c: FuzzCase; failure?: { step: number; why: string }; removed: number }> {
  let best: FuzzCase = { ...c, steps: c.steps.slice(0, step + 1) }
  let failure: { step: number; why: string } | undefined
  let removed = c.steps.length - best.steps.length
  const attempt = async (candidate: FuzzCase): Promise<boolean> => {
    if (performance.now() > deadline) return false
    const f = await fails(candidate)
    if (!f) return false
    best = candidate
    failure = f
    removed++
    return true
  }
  // The injected value alone, in an otherwise empty body: the shortest statement of the bug.
  if (c.injection && step === c.steps.length - 1) {
    const bare = injected(byName(c.endpoint), c.injection.target, c.injection.value, {})
    await attempt({ ...best, steps: [...best.steps.slice(0, -1), bare[bare.length - 1]!] })
  }
  for (let i = step - 1; i >= 0; i--) {
    const steps = best.steps.filter((_, j) => j !== i)
    if (await attempt({ ...best, steps })) step--
  }
  const order = [step, ...best.steps.map((_, i) => i).filter((i) => i !== step)]
  for (const at of order) {
    let body = jsonBody(best.steps[at])
    if (!body) continue
    // Members at the top, then one level down.
    const paths: string[][] = []
    for (const [k, v] of Object.entries(body)) {
      paths.push([k])
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const k2 of Object.keys(v)) paths.push([k, k2])
    }
    for (const path of paths) {
      if (performance.now() > deadline) break
      const copy = JSON.parse(JSON.stringify(body)) as Record<string, Record<string, unknown>>
      if (path.length === 1) delete copy[path[0]!]
      else if (copy[path[0]!]) delete copy[path[0]!]![path[1]!]
      else continue
      const steps = best.steps.map((s, j) => (j === at ? { ...(s as HttpStep), body: JSON.stringify(copy) } : s))
      if (await attempt({ ...best, steps })) body = copy
    }
  }
  return { c: best, failure, removed }
}

/** Long runs of one character or one short unit, as `‹a×20000›`, so a reproduction fits on a screen. */
export function compress(text: string): string {
  return text.replace(/(.{1,24}?)\1{15,}/gsu, (all, unit: string) => `‹${unit}×${all.length / unit.length}›`)
}

function show(text: string): string {
  const escaped = [...compress(text)]
    .map((ch) => {
      const c = ch.codePointAt(0)!
      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff)
        return `\\u${c.toString(16).padStart(4, '0')}`
      return ch
    })
    .join('')
  return escaped
}

/** One step as a line a person can replay: the request, or the control-plane call. */
export function describeStep(s: Step): string {
  if (s.op === 'control') return `control.${s.call}(${s.arg === undefined ? '' : show(JSON.stringify(s.arg))})`
  const body =
    typeof s.body === 'string'
      ? show(s.body)
      : `bytes ${compress(
          [...s.body]
            .map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`))
            .join(''),
        )}`
  const headers = Object.entries(s.headers)
    .filter(([k]) => k !== 'content-type')
    .map(([k, v]) => ` [${k}: ${show(v)}]`)
    .join('')
  const captures = s.capture
    ? `  → ${Object.keys(s.capture)
        .map((k) => `__${k}__`)
        .join(', ')}`
    : ''
  return `${s.method} ${show(s.url)}${headers}${body ? ` ${body}` : ''}${captures}`
}

export function describeCase(c: FuzzCase, failingStep?: number): string[] {
  return c.steps.map((s, i) => `${i === failingStep ? '✗' : ' '} ${i + 1}. ${describeStep(s)}`)
}

function top(map: Map<string, number>, n: number): string {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k}×${v}`)
    .join(' ')
}

/** What was tried, what was answered, and every bug class with its (minimal) reproduction. */
export function formatReport(report: Report, describe: Record<string, string> = {}): string {
  const lines: string[] = []
  lines.push(
    `${report.cases} cases in ${report.seconds.toFixed(1)} s (${Math.round(report.casesPerSecond)} cases/s), ` +
      `${report.restarts} worker restarts, max heap ${report.maxHeapMb.toFixed(0)} MB, ` +
      `largest head ${report.maxHeadBytes} bytes, slowest answer ${Math.round(report.slowestMs)} ms`,
  )
  for (const [name, s] of report.families) {
    lines.push(`\n${name}: ${s.cases} cases${describe[name] ? ` (${describe[name]})` : ''}`)
    lines.push(`  kinds (${s.kinds.size}): ${top(s.kinds, 16)}`)
    lines.push(`  answers (${s.codes.size} distinct codes): ${top(s.codes, 25)}`)
  }
  const failures = [...report.classes.values()].reduce((n, c) => n + c.count, 0)
  lines.push(`\n${failures} failing cases in ${report.classes.size} bug classes`)
  // The same reason at several endpoints is one fix more often than not: listed together first.
  const byReason = new Map<string, { endpoints: string[]; count: number }>()
  for (const [signature, cls] of report.classes) {
    const cut = signature.indexOf(': ')
    const reason = cut < 0 ? signature : signature.slice(cut + 2)
    const entry = byReason.get(reason) ?? { endpoints: [], count: 0 }
    if (cut >= 0) entry.endpoints.push(signature.slice(0, cut))
    entry.count += cls.count
    byReason.set(reason, entry)
  }
  for (const [reason, { endpoints, count }] of [...byReason].sort((a, b) => b[1].count - a[1].count))
    lines.push(`  ${count}× ${reason}${endpoints.length ? `  [${endpoints.join(', ')}]` : ''}`)
  for (const [signature, cls] of report.classes) {
    const f = cls.first
    lines.push(`\n✗ ${signature}  (${cls.count}×; e.g. ${[...cls.kinds].join(', ')})`)
    const c = f.minimal ?? f.case
    const why = f.minimal ? f.minimalWhy : f.why
    const step = f.minimal ? f.minimalStep : f.step
    lines.push(`  ${f.minimal ? `minimal (${f.shrinks} shrinks)` : 'as found'}: ${why?.slice(0, 300)}`)
    lines.push(...describeCase(c, step).map((l) => `   ${l.slice(0, 700)}`))
    if (f.note) lines.push(`  note: ${f.note}`)
    lines.push(`  replay: seed ${f.seed}, path "${f.index}" (family ${f.family})`)
  }
  return lines.join('\n')
}
