/**
 * The fuzzer's worker thread: one emulator core, frozen at BASE, running batches of cases the main thread
 * sends and answering with one small verdict per step. Before each step it bumps a shared heartbeat, so
 * the main thread can tell a step that never returns (a synchronous endless loop) and `terminate()` us.
 * The heap is sampled after every batch (after a full GC when it looks high), so a store that keeps what
 * it was sent shows up as retained memory, not as noise.
 */

import v8 from 'node:v8'
import vm from 'node:vm'
import { parentPort, workerData } from 'node:worker_threads'
import fc from 'fast-check'
import { checkExchange } from '../../contracts/response-check.ts'
import { ControlError } from '../../src/core/control.ts'
import type { CoreResponse } from '../../src/core/http.ts'
import { testCore } from './core.ts'
import { campaignArbitrary, checkAnswer, headBytes } from './fuzz.ts'
import { BASE, byName, type ControlStep, type FuzzCase, type HttpStep } from './fuzz-endpoints.ts'

export interface WorkerOptions {
  heartbeat: SharedArrayBuffer
  /** An answer slower than this is a failure even when it comes. */
  deadlineMs: number
  /** Above this (after a GC) the heap counts as not bounded. */
  heapBoundMb: number
}

export interface StepResult {
  /** errcode / code, `HTTP n` without one, `control` / `control 400` for control-plane calls. */
  code: string
  ms: number
  headBytes: number
  why?: string
}

export interface HeapSample {
  /** V8's used heap of this worker, MB; after a full GC when `retained`. */
  heapMb: number
  retained: boolean
}

/** What a batch tried and what it was answered, to be merged into the campaign's summary. */
export interface Tally {
  cases: number
  /** family → kind (without its target) → count, and family → code → count. */
  kinds: Record<string, Record<string, number>>
  codes: Record<string, Record<string, number>>
  maxHeadBytes: number
  slowestMs: number
  busyMs: number
}

export interface CaseFailure {
  index: number
  step: number
  why: string
  case: FuzzCase
}

/**
 * A batch: cases drawn here (`fc.sample` of the families' arbitrary with `seed`, from index `from`), or
 * given (replays). `fresh` resets the emulator before each case.
 */
export type ToWorker = {
  type: 'run'
  batch: number
  fresh: boolean
  /** Back to the seed before the batch (a new campaign in the same worker). */
  reset: boolean
} & ({ families: string[]; seed: number; count: number; from: number; to: number } | { cases: FuzzCase[] })

export type FromWorker =
  | { type: 'ready' }
  | {
      type: 'results'
      batch: number
      /** Cases [from, to) of the batch are in this message. */
      from: number
      to: number
      tally: Tally
      failures: CaseFailure[]
      /** With the last message of a batch. */
      heap?: HeapSample
      done: boolean
    }

const options = workerData as WorkerOptions
const heartbeat = new Int32Array(options.heartbeat)
v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

/**
 * The settings the campaign runs with: Feishu's per-mailbox hold (a real 200 ms timer) off, and the rate
 * limit and daily quotas out of reach, so sends on a frozen clock get past them to the rules behind.
 */
export const FUZZ_CONFIG = {
  // Kept state far below the heap bound (256 MB retained), so the bound catches a leak, not the budget.
  state: { maxBytes: 64 * 1024 * 1024 },
  feishu: {
    mail: {
      lockHoldMs: 0,
      rateLimitPerMinute: 1_000_000_000,
      daily: {
        sendsPerUser: 1_000_000_000,
        externalRecipientsPerUser: 1_000_000_000,
        externalRecipientsPerTenant: 1_000_000_000,
      },
    },
  },
}

const t = testCore({ fakerSeed: 1, config: FUZZ_CONFIG })
const encoder = new TextEncoder()
let wecomToken = ''

async function refreshToken(): Promise<void> {
  try {
    const token = await t.wecomToken()
    if (typeof token === 'string' && token) wecomToken = token
  } catch {
    // A clock the token store cannot handle: keep the last token, the requests will say what they think.
  }
}

async function atBase(): Promise<void> {
  t.emulator.clock.change({ now: BASE, frozen: true })
  await refreshToken()
}

function dig(value: unknown, path: string): unknown {
  let v = value
  for (const k of path.split('.')) {
    if (Array.isArray(v)) v = v.at(Number(k))
    else if (v && typeof v === 'object') v = (v as Record<string, unknown>)[k]
    else return undefined
  }
  return v
}

const PLACEHOLDER = /__([A-Z][A-Z0-9_]*?)__/g

function substitute(text: string, vars: Map<string, string>): string {
  if (!text.includes('__')) return text
  return text.replace(PLACEHOLDER, (all, name: string) => vars.get(name) ?? all)
}

function bodyBytes(body: string | Uint8Array, vars: Map<string, string>): Uint8Array {
  if (typeof body === 'string') return encoder.encode(substitute(body, vars))
  // Invalid UTF-8 with a placeholder in it: Latin-1 maps bytes to characters one to one and back.
  const latin1 = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1')
  return latin1.includes('__') ? new Uint8Array(Buffer.from(substitute(latin1, vars), 'latin1')) : body
}

function codeOf(res: CoreResponse): string {
  return /"(?:errcode|code)":(-?\d+)/.exec(res.body.slice(0, 200))?.[1] ?? `HTTP ${res.status}`
}

function capture(step: HttpStep | ControlStep, result: unknown, vars: Map<string, string>): void {
  for (const [name, path] of Object.entries(step.capture ?? {})) {
    const v = dig(result, path)
    if (typeof v === 'string' && v) vars.set(name, v)
  }
}

interface CaseState {
  vars: Map<string, string>
  fault: boolean
  clockMoved: boolean
  /** The newest mail schedule when the case began (cases that list them only): what came before is not theirs. */
  mailBefore?: string | undefined
}

/**
 * The mail schedules the running case made, oldest first: those after the newest one when it began. When
 * that one is gone (evicted), so is every older one, and all that are left are the case's. Another case's
 * schedule would make a reproduction that does not replay on a fresh emulator.
 */
function ownMailSchedules(state: CaseState) {
  const all = t.control.wecomMailSchedules()
  const i = state.mailBefore === undefined ? -1 : all.findIndex((s) => s.schedule_id === state.mailBefore)
  return all.slice(i + 1)
}

function control(step: ControlStep, state: CaseState): unknown {
  const c = t.control
  switch (step.call) {
    case 'setClock': {
      state.clockMoved = true
      const s = c.setClock(step.arg as Parameters<typeof c.setClock>[0])
      // What setClock accepts must be an instant the rest of the emulator can use: a date JavaScript can hold.
      const ms = t.emulator.clock.nowMs()
      if (!Number.isFinite(s.now) || Number.isNaN(new Date(ms).getTime()))
        throw new Error(`setClock accepted ${JSON.stringify(step.arg)}: the clock reads ${s.now} s, not a date`)
      return s
    }
    case 'addFault': {
      const added = c.addFault(step.arg as Parameters<typeof c.addFault>[0])
      state.fault = true
      return added
    }
    case 'clearFaults':
      return c.clearFaults()
    case 'issueOAuthCode':
      return c.issueOAuthCode(step.arg as Parameters<typeof c.issueOAuthCode>[0])
    case 'mailSchedules':
      return ownMailSchedules(state)
  }
}

async function runCase(c: FuzzCase, index: number): Promise<StepResult[]> {
  const state: CaseState = { vars: new Map(), fault: false, clockMoved: false }
  if (c.steps.some((s) => s.op === 'control' && s.call === 'mailSchedules'))
    state.mailBefore = t.control.wecomMailSchedules().at(-1)?.schedule_id
  const steps: StepResult[] = []
  for (let j = 0; j < c.steps.length; j++) {
    const step = c.steps[j]!
    heartbeat[1] = index
    heartbeat[2] = j
    Atomics.add(heartbeat, 0, 1)
    state.vars.set('WECOM_TOKEN', wecomToken)
    const started = performance.now()
    if (step.op === 'control') {
      let code = 'control'
      let why: string | undefined
      try {
        capture(step, control(step, state), state.vars)
      } catch (e) {
        if (e instanceof ControlError) code = `control ${e.status}`
        else why = `control.${step.call} threw: ${(e as Error)?.message ?? e}`
      }
      if (step.call === 'setClock') await refreshToken()
      steps.push({ code, ms: performance.now() - started, headBytes: 0, ...(why ? { why } : {}) })
      continue
    }
    const spec = byName(step.endpoint)
    let res: CoreResponse
    try {
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(step.headers)) headers[k] = substitute(v, state.vars)
      res = await t.handle({
        method: step.method,
        url: substitute(step.url, state.vars),
        headers,
        body: bodyBytes(step.body, state.vars),
      })
    } catch (e) {
      steps.push({
        code: 'threw',
        ms: performance.now() - started,
        headBytes: 0,
        why: `threw: ${(e as Error)?.message}`,
      })
      continue
    }
    const ms = performance.now() - started
    let verdict = checkAnswer(spec, res, { fault: state.fault })
    // The emulator's own answers must fit the endpoint's response schema (a fault's answer may not: its
    // status is whatever the rule says).
    if (verdict.ok && !state.fault) {
      const problems = checkExchange({ method: step.method, url: substitute(step.url, state.vars) }, res)
      if (problems.length) verdict = { ok: false, why: `response schema: ${problems.join('; ').slice(0, 300)}` }
    }
    if (verdict.ok && ms > options.deadlineMs)
      verdict = { ok: false, why: `answered in ${Math.round(ms)} ms, over ${options.deadlineMs} ms` }
    steps.push({
      code: codeOf(res),
      ms,
      headBytes: headBytes(res),
      ...(verdict.ok ? {} : { why: verdict.why }),
    })
    if (step.capture && res.body.length < 1_000_000) {
      try {
        capture(step, JSON.parse(res.body), state.vars)
      } catch {}
    }
  }
  if (state.fault) t.control.clearFaults()
  if (state.clockMoved) await atBase()
  return steps
}

function sampleHeap(): HeapSample {
  const used = v8.getHeapStatistics().used_heap_size / 1e6
  if (used < options.heapBoundMb * 0.75) return { heapMb: used, retained: false }
  gc()
  return { heapMb: v8.getHeapStatistics().used_heap_size / 1e6, retained: true }
}

function emptyTally(): Tally {
  return { cases: 0, kinds: {}, codes: {}, maxHeadBytes: 0, slowestMs: 0, busyMs: 0 }
}

function count(table: Record<string, Record<string, number>>, group: string, key: string): void {
  const row = table[group] ?? {}
  table[group] = row
  row[key] = (row[key] ?? 0) + 1
}

const arbitraries = new Map<string, fc.Arbitrary<FuzzCase>>()

/** One batch after another: a batch that arrives while one runs waits, so the heartbeat names one case. */
async function runBatch(msg: ToWorker): Promise<void> {
  const started = performance.now()
  let cases: FuzzCase[]
  let first = 0
  let end: number
  if (msg.reset) {
    t.control.reset()
    await atBase()
  }
  if ('cases' in msg) {
    cases = msg.cases
    end = cases.length
  } else {
    const key = msg.families.join(',')
    let arbitrary = arbitraries.get(key)
    if (!arbitrary) {
      arbitrary = campaignArbitrary(msg.families)
      arbitraries.set(key, arbitrary)
    }
    cases = fc.sample(arbitrary, { seed: msg.seed, numRuns: msg.count })
    first = msg.from
    end = msg.to
  }
  let from = first
  let tally = emptyTally()
  let failures: CaseFailure[] = []
  let lastPost = performance.now()
  const post = (to: number, done: boolean) => {
    tally.busyMs = performance.now() - lastPost
    const m: FromWorker = { type: 'results', batch: msg.batch, from, to, tally, failures, done }
    if (done) {
      heartbeat[1] = -1
      Atomics.add(heartbeat, 0, 1)
      m.heap = sampleHeap()
    }
    parentPort!.postMessage(m)
    from = to
    tally = emptyTally()
    failures = []
    lastPost = performance.now()
  }
  if (first === 0) lastPost = started
  for (let i = first; i < end; i++) {
    if (msg.fresh) {
      t.control.reset()
      await atBase()
    }
    const c = cases[i]!
    const steps = await runCase(c, i)
    tally.cases++
    count(tally.kinds, c.family, c.kind.replace(/@.*/, ''))
    for (const s of steps) {
      count(tally.codes, c.family, s.code)
      if (s.headBytes > tally.maxHeadBytes) tally.maxHeadBytes = s.headBytes
      if (s.ms > tally.slowestMs) tally.slowestMs = s.ms
    }
    const failed = steps.findIndex((s) => s.why)
    if (failed >= 0) failures.push({ index: i, step: failed, why: steps[failed]!.why!, case: c })
    // Post now and then, so a hang later in the batch costs only the cases after the last post.
    if (performance.now() - lastPost > 50 && i < end - 1) post(i + 1, false)
  }
  post(end, true)
}

await atBase()
let queue = Promise.resolve()
parentPort!.on('message', (msg: ToWorker) => {
  queue = queue.then(() => runBatch(msg))
})
parentPort!.postMessage({ type: 'ready' } satisfies FromWorker)
