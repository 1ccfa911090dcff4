/**
 * The contract runner: each case against a target through a client adapter, step by step; the target's
 * control plane between steps where the case needs it; captures feed later steps; whatever a step created
 * is cancelled or deleted when the case ends, pass or fail. Live runs skip cases that need the control
 * plane and pace their requests under the vendors' rate limits.
 */
import { randomBytes } from 'node:crypto'
import type { ContractCase, ContractStep } from '../../src/generated/contracts.ts'
import { RULES } from '../../src/generated/rules.ts'
import { callingConvention, type EndpointInfo, endpointById, matchPath } from '../client/endpoints.ts'
import { fetchClient } from '../client/fetch-client.ts'
import type { ContractClient, RawRequest, WireResponse } from '../client/types.ts'
import { type LoadedCase, loadCases, matchesFilter } from './cases.ts'
import { check, pick, vendorCode } from './expect.ts'
import { MissingValue, resolveValue, type Scope } from './placeholders.ts'
import type { Target } from './targets.ts'
import { validatingClient } from './validating-client.ts'

/**
 * The client the suite drives: the built-in fetch client, the Feishu SDK (an optional peer dependency,
 * loaded only when chosen), your own adapter, or a factory that makes it for the target (its `baseUrls`,
 * and its `fetch` for the in-process emulator).
 */
export type ClientChoice =
  | 'fetch'
  | 'lark-sdk'
  | ContractClient
  | ((target: Target) => ContractClient | Promise<ContractClient>)

export interface RunOptions {
  /** A target, or the promise `urlTarget(url)` gives (awaited here). */
  target: Target | Promise<Target>
  /** Default `fetch`. */
  client?: ClientChoice
  /** See matchesFilter: a substring of a case id, area or rule id, or `/regex/`. */
  filter?: string
  /** Least time between two requests to one vendor, ms (default 0; live runs: CONTRACTS_PACE_MS or 1000). */
  paceMs?: number
  /** The cases to run (default: every file in contracts/cases). */
  cases?: LoadedCase[]
  /** Called when a case ends: the CLI prints its progress line here. */
  onCase?: (result: CaseResult) => void
  /**
   * Check every answer against its endpoint's response schema and the status of its code in the error
   * catalogue (contracts/response-check.ts); an answer that breaks them fails its case. The tests turn it
   * on for the emulator; a live run may, to see where the vendor and the schemas part.
   */
  validateResponses?: boolean
}

export interface StepResult {
  id: string
  /** `client` when the adapter's endpoint method sent it, `raw` for deliberately malformed requests. */
  via?: 'client' | 'raw' | 'control'
  status?: number
  code?: number
  failures: string[]
}

export interface CleanupResult {
  endpoint: string
  body: Record<string, unknown>
  ok: boolean
  detail: string
}

export interface CaseResult {
  id: string
  area: string
  file: string
  rules: string[]
  title?: string
  status: 'passed' | 'failed' | 'skipped'
  /** Why it was skipped, or the first failure. */
  reason?: string
  failures: string[]
  steps: StepResult[]
  cleanup: CleanupResult[]
  durationMs: number
}

export interface Tally {
  passed: number
  failed: number
  skipped: number
}

export interface RunReport {
  target: string
  client: string
  results: CaseResult[]
  summary: Tally & { total: number; byArea: Record<string, Tally> }
  /** Clean-up calls that did not succeed: on a live run, something may be left behind. */
  cleanupFailures: CleanupResult[]
  durationMs: number
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Waits so that a request to a vendor starts at least `intervalMs` after the previous one to that vendor
 * ended: counted from the answer, so transport jitter cannot bunch two requests at the server.
 */
export class Pacer {
  private readonly last = new Map<string, number>()
  constructor(readonly intervalMs: number) {}
  async wait(vendor: string): Promise<void> {
    if (this.intervalMs <= 0) return
    const prev = this.last.get(vendor)
    const now = Date.now()
    if (prev !== undefined && now - prev < this.intervalMs) await sleep(this.intervalMs - (now - prev))
  }
  done(vendor: string): void {
    this.last.set(vendor, Date.now())
  }
}

/** The client with a pause before each request, per vendor. */
export function pacedClient(client: ContractClient, pacer: Pacer): ContractClient {
  const vendorOfMethod = new Map<string, string>()
  for (const e of endpointById.values()) vendorOfMethod.set(e.client_method, e.vendor)
  return new Proxy(client, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver)
      if (typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        const vendor = prop === 'raw' ? (args[0] as RawRequest).vendor : (vendorOfMethod.get(String(prop)) ?? '')
        await pacer.wait(vendor)
        try {
          return await value.apply(obj, args)
        } finally {
          pacer.done(vendor)
        }
      }
    },
  })
}

export async function makeClient(choice: ClientChoice | undefined, target: Target): Promise<ContractClient> {
  if (!choice || choice === 'fetch')
    return fetchClient({ baseUrls: target.baseUrls, ...(target.fetch ? { fetch: target.fetch } : {}) })
  if (choice === 'lark-sdk') {
    const { larkSdkClient } = await import('../client/lark-sdk.ts').catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('@larksuiteoapi/node-sdk')) throw e
      throw new Error('the lark-sdk client needs @larksuiteoapi/node-sdk: npm install -D @larksuiteoapi/node-sdk')
    })
    const { app_id, app_secret } = target.credentials.feishu
    return larkSdkClient({
      baseUrls: target.baseUrls,
      // The SDK's constructor insists on app credentials even when every call carries a user token.
      appId: app_id ?? 'cli_unset',
      appSecret: app_secret ?? 'unset',
      ...(target.fetch ? { fetch: target.fetch } : {}),
    })
  }
  return typeof choice === 'function' ? choice(target) : choice
}

function tally(): Tally {
  return { passed: 0, failed: 0, skipped: 0 }
}

/** Why a target cannot run a case, or undefined. */
export function skipReason(c: ContractCase, target: Target): string | undefined {
  if (!target.control && c.needs?.length)
    return `needs the emulator's ${c.needs.join(', ')} (no control plane on ${target.kind})`
  return undefined
}

interface PendingCleanup {
  endpoint: string
  body: Record<string, unknown>
  token?: string
}

interface Session {
  target: Target
  client: ContractClient
  run: string
  /** Tokens fetched once per case (per run on live, where gettoken has its own rate limit). */
  tokens: Map<string, Promise<string>>
  /** With `validateResponses`: what the validating client found since the last look (see `sessionClient`). */
  responseProblems?: string[]
}

/** The client a session sends with: paced when asked, and checking every answer when asked. */
export function sessionClient(
  inner: ContractClient,
  options: { paceMs?: number; validateResponses?: boolean },
): Pick<Session, 'client' | 'responseProblems'> {
  const paced = (options.paceMs ?? 0) > 0 ? pacedClient(inner, new Pacer(options.paceMs!)) : inner
  if (!options.validateResponses) return { client: paced }
  const responseProblems: string[] = []
  return { client: validatingClient(paced, responseProblems), responseProblems }
}

/** The answers' problems found since the last call, each as a failure of the response schema check. */
function takeResponseProblems(s: Session): string[] {
  const found = s.responseProblems?.splice(0) ?? []
  return found.map((p) => `response schema: ${p}`)
}

async function fetchToken(s: Session, name: 'wecom.token' | 'feishu.tenant_token'): Promise<string> {
  const c = s.target.credentials
  let res: WireResponse
  if (name === 'wecom.token') {
    if (!c.wecom.corpid || !c.wecom.corpsecret)
      throw new MissingValue('WeCom corpid/corpsecret (WECOM_CORP_ID, WECOM_CORP_SECRET)')
    res = await s.client.wecomGetToken({ corpid: c.wecom.corpid, corpsecret: c.wecom.corpsecret })
    const token = pick(res.json, 'access_token').value
    if (typeof token !== 'string') throw new Error(`gettoken gave no access_token: ${res.text.slice(0, 200)}`)
    return token
  }
  if (!c.feishu.app_id || !c.feishu.app_secret)
    throw new MissingValue('Feishu app credentials (FEISHU_APP_ID, FEISHU_APP_SECRET)')
  res = await s.client.feishuTenantToken({ app_id: c.feishu.app_id, app_secret: c.feishu.app_secret })
  const token = pick(res.json, 'tenant_access_token').value
  if (typeof token !== 'string') throw new Error(`tenant_access_token gave no token: ${res.text.slice(0, 200)}`)
  return token
}

function lookupIn(s: Session) {
  return async (name: string): Promise<unknown> => {
    if (name === 'wecom.token' || name === 'feishu.tenant_token') {
      let p = s.tokens.get(name)
      if (!p) {
        p = fetchToken(s, name)
        s.tokens.set(name, p)
        p.catch(() => s.tokens.delete(name))
      }
      return p
    }
    const found = pick(s.target.credentials, name)
    if (!found.found || found.value === undefined || found.value === '') throw new MissingValue(name)
    return found.value
  }
}

/**
 * The client method's arguments for a request it can send as the case wrote it (by the endpoint's calling
 * convention), or undefined when the request is one a well-behaved client would not send.
 */
function clientArguments(
  info: EndpointInfo,
  params: Record<string, string>,
  query: Record<string, string>,
  headers: Record<string, string>,
  req: { body?: unknown; rawBody?: string },
  objectBody: boolean,
): unknown[] | undefined {
  const qkeys = Object.keys(query)
  const body = (req.body ?? {}) as Record<string, unknown>
  const bearer = headers.authorization?.startsWith('Bearer ') ? headers.authorization.slice(7) : undefined
  const noBody = req.body === undefined && req.rawBody === undefined
  switch (callingConvention(info)) {
    case 'token-body':
      return objectBody && qkeys.length === 1 && query.access_token && !headers.authorization
        ? [query.access_token, body]
        : undefined
    case 'bearer-params':
      // The query goes through as given (the typed client sends every parameter it is handed).
      return bearer && noBody ? [bearer, params, ...(qkeys.length ? [query] : [])] : undefined
    case 'bearer-body':
      return bearer && qkeys.length === 0 && objectBody ? [bearer, body] : undefined
    case 'bearer-params-body':
      return bearer && qkeys.length === 0 && objectBody ? [bearer, params, body] : undefined
    case 'query': {
      // Only with exactly the parameters the endpoint requires: the typed client sends nothing else.
      const required = info.query ?? []
      return noBody && qkeys.length === required.length && required.every((k) => query[k]) ? [query] : undefined
    }
    case 'body':
      return objectBody && qkeys.length === 0 && !headers.authorization ? [body] : undefined
  }
}

/** Sends a step's request: through the client's endpoint method when it is well formed, else as raw HTTP. */
async function send(
  s: Session,
  step: ContractStep,
  req: {
    vendor: 'wecom' | 'feishu'
    method: string
    path: string
    query?: Record<string, string>
    headers?: Record<string, string>
    body?: unknown
    rawBody?: string
  },
): Promise<{ res: WireResponse; via: 'client' | 'raw' }> {
  const info = step.endpoint ? endpointById.get(step.endpoint) : undefined
  const query = req.query ?? {}
  const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
  const extraHeaders = Object.keys(headers).filter((h) => h !== 'content-type' && h !== 'authorization')
  const objectBody =
    req.body !== undefined && typeof req.body === 'object' && !Array.isArray(req.body) && req.rawBody === undefined
  const params = info ? matchPath(info.path, req.path) : undefined
  if (info && params && req.method === info.method && extraHeaders.length === 0) {
    const args = clientArguments(info, params, query, headers, req, objectBody)
    if (args) {
      const m = s.client[info.client_method] as (...a: unknown[]) => Promise<WireResponse>
      return { res: await m.apply(s.client, args), via: 'client' }
    }
  }
  const raw: RawRequest = {
    vendor: req.vendor,
    method: req.method,
    path: req.path,
    query,
    headers: { ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(req.rawBody !== undefined
      ? { body: req.rawBody }
      : req.body !== undefined
        ? { body: JSON.stringify(req.body) }
        : {}),
  }
  return { res: await s.client.raw(raw), via: 'raw' }
}

async function cleanUp(s: Session, pending: PendingCleanup[]): Promise<CleanupResult[]> {
  const out: CleanupResult[] = []
  for (const item of pending.reverse()) {
    try {
      const attempt = async () => {
        const token = item.token ?? ((await lookupIn(s)('wecom.token')) as string)
        const info = endpointById.get(item.endpoint)
        if (info?.auth !== 'wecom') throw new Error(`clean-up through ${item.endpoint}: not a WeCom business endpoint`)
        const m = s.client[info.client_method] as (t: string, b: Record<string, unknown>) => Promise<WireResponse>
        return m.call(s.client, token, item.body)
      }
      let res = await attempt()
      let code = pick(res.json, 'errcode').value
      // The case may have expired the token it used: clean up with a fresh one.
      if (code === 40014 || code === 42001) {
        s.tokens.delete('wecom.token')
        res = await attempt()
        code = pick(res.json, 'errcode').value
      }
      // Already cancelled or deleted, or over (an ended meeting cannot be cancelled, and nothing of it is left scheduled).
      const ok = code === 0 || code === 400041 || code === 400224 || code === 90460 || code === 90459
      out.push({ endpoint: item.endpoint, body: item.body, ok, detail: `errcode ${String(code)}` })
    } catch (e) {
      out.push({ endpoint: item.endpoint, body: item.body, ok: false, detail: (e as Error).message })
    }
  }
  return out
}

export async function runCase(loaded: LoadedCase, s: Session): Promise<CaseResult> {
  const c = loaded.case
  const started = Date.now()
  const base = {
    id: c.id,
    area: loaded.area,
    file: loaded.file,
    rules: [...c.rules],
    ...(c.title ? { title: c.title } : {}),
  }
  const skip = skipReason(c, s.target)
  if (skip) return { ...base, status: 'skipped', reason: skip, failures: [], steps: [], cleanup: [], durationMs: 0 }
  const { target } = s
  if (target.control) {
    // Each case starts from the seed: no state, clock or tokens leak between cases.
    await target.control.reset()
    s.tokens.clear()
  }
  const steps: StepResult[] = []
  const failures: string[] = []
  const pendingCleanup: PendingCleanup[] = []
  let skipped: string | undefined
  const readNow = async () => (target.control ? await target.control.now() : Math.floor(Date.now() / 1000))
  let now = await readNow()
  const scope: Scope = {
    now,
    future: now + target.futureOffset,
    run: s.run,
    lookup: lookupIn(s),
    steps: {},
  }
  try {
    for (const step of c.steps) {
      scope.now = now
      const result: StepResult = { id: step.id, failures: [] }
      steps.push(result)
      if (step.control) {
        result.via = 'control'
        if (!target.control) throw new MissingValue('a control plane')
        const args = (await resolveValue(step.control.args ?? {}, scope)) as Record<string, unknown>
        const out = await target.control[step.control.action](args)
        // A reset forgets tokens; a clock move may outlive them.
        if (step.control.action === 'reset' || step.control.action === 'setClock') s.tokens.clear()
        if (step.expect) {
          // What a control call returned (a read-back) checked like a response body.
          const expected = (await resolveValue(step.expect, scope)) as Parameters<typeof check>[2]
          const text = JSON.stringify(out) ?? ''
          result.failures = check('wecom', { status: 200, headers: {}, text, json: out }, expected)
          if (result.failures.length) {
            failures.push(...result.failures.map((f) => `${step.id}: ${f}`))
            break
          }
        }
        scope.steps[step.id] = capture(out, step.capture)
        now = await readNow()
        continue
      }
      if (!step.request) {
        result.failures.push('a step needs a request or a control call')
        failures.push(`${step.id}: a step needs a request or a control call`)
        break
      }
      const r = step.request
      const resolved = {
        vendor: r.vendor,
        method: r.method,
        path: String(await resolveValue(r.path, scope)),
        ...(r.query ? { query: (await resolveValue(r.query, scope)) as Record<string, string> } : {}),
        ...(r.headers ? { headers: (await resolveValue(r.headers, scope)) as Record<string, string> } : {}),
        ...(r.body !== undefined ? { body: await resolveValue(r.body, scope) } : {}),
        ...(r.rawBody !== undefined ? { rawBody: String(await resolveValue(r.rawBody, scope)) } : {}),
      }
      if (step.parallel) {
        // N copies at once: what a concurrency rule (the per-user mail lock) is about.
        const answers = await Promise.all(Array.from({ length: step.parallel }, () => send(s, step, resolved)))
        result.via = answers[0]!.via
        result.failures = [
          ...checkCounts(
            r.vendor,
            answers.map((a) => a.res),
            step.expect?.counts ?? [],
          ),
          ...(target.kind !== 'live' ? answers.flatMap((a) => reasonProblems(r.vendor, a.res, c.rules)) : []),
          ...takeResponseProblems(s),
        ]
        if (result.failures.length) {
          failures.push(...result.failures.map((f) => `${step.id}: ${f}`))
          break
        }
        continue
      }
      const { res, via } = await send(s, step, resolved)
      result.via = via
      result.status = res.status
      const code = pick(res.json, r.vendor === 'wecom' ? 'errcode' : 'code').value
      if (typeof code === 'number') result.code = code
      const expected = step.expect ? ((await resolveValue(step.expect, scope)) as Parameters<typeof check>[2]) : {}
      result.failures = [
        ...check(r.vendor, res, expected),
        ...(target.kind !== 'live' ? reasonProblems(r.vendor, res, c.rules) : []),
        ...takeResponseProblems(s),
      ]
      scope.steps[step.id] = capture(res.json, step.capture)
      if (step.cleanup) {
        const body = (await resolveValue(step.cleanup.body, scope).catch(() => undefined)) as
          | Record<string, unknown>
          | undefined
        // Only what was created: a refused create captured nothing, so there is nothing to undo.
        const token = step.cleanup.token
          ? String(await resolveValue(step.cleanup.token, scope).catch(() => ''))
          : undefined
        if (body && Object.values(body).every((v) => v !== undefined && v !== ''))
          pendingCleanup.push({ endpoint: step.cleanup.endpoint, body, ...(token ? { token } : {}) })
      }
      if (result.failures.length) {
        failures.push(...result.failures.map((f) => `${step.id}: ${f}`))
        break
      }
    }
  } catch (e) {
    if (e instanceof MissingValue) skipped = `the target has no ${e.message}`
    else failures.push(`error: ${(e as Error).message}`)
  }
  // Answers no step looked at (a failed step's token fetch) and the clean-up's are checked too.
  failures.push(...takeResponseProblems(s))
  const cleanup = await cleanUp(s, pendingCleanup)
  failures.push(...takeResponseProblems(s).map((p) => `cleanup: ${p}`))
  const durationMs = Date.now() - started
  if (skipped && failures.length === 0)
    return { ...base, status: 'skipped', reason: skipped, failures, steps, cleanup, durationMs }
  return {
    ...base,
    status: failures.length ? 'failed' : 'passed',
    ...(failures[0] ? { reason: failures[0] } : {}),
    failures,
    steps,
    cleanup,
    durationMs,
  }
}

/**
 * On the emulator, a refusal names its rule first in `x-worksuite-mock-reason` (`<id>: …`): it must be one of
 * the case's rules, or the rule one of them is refused as, so that a case cannot pass while another rule
 * with the same code fires. Live targets send no such header and are not asked; nor is a client that hands
 * back no headers at all (the Lark SDK on an HTTP 200). An injected fault names the fault instead.
 */
export function reasonProblems(vendor: 'wecom' | 'feishu', res: WireResponse, rules: readonly string[]): string[] {
  const code = vendorCode(vendor, res.json)
  if (!((code !== undefined && code !== 0) || res.status >= 400)) return []
  if (Object.keys(res.headers).length === 0) return []
  const reason = res.headers['x-worksuite-mock-reason']
  const what = `HTTP ${res.status}${code !== undefined ? ` code ${code}` : ''}`
  if (reason === undefined) return [`x-worksuite-mock-reason: absent from a refusal (${what})`]
  if (reason.startsWith('fault ')) return []
  const known = RULES as Record<string, { refusedAs?: string } | undefined>
  const allowed = rules.flatMap((id) => [id, ...(known[id]?.refusedAs ? [known[id]!.refusedAs!] : [])])
  if (allowed.some((id) => reason.startsWith(`${id}:`))) return []
  return [`x-worksuite-mock-reason: ${what} by ${JSON.stringify(reason.slice(0, 160))}, not by ${allowed.join(' / ')}`]
}

/** Every answer falls in exactly the bucket counts given (status and/or code). */
export function checkCounts(
  vendor: 'wecom' | 'feishu',
  answers: WireResponse[],
  counts: { status?: number; code?: number; count: number }[],
): string[] {
  if (!counts.length) return ['a parallel step needs expect.counts']
  const seen = counts.map(() => 0)
  const stray: string[] = []
  for (const a of answers) {
    const code = pick(a.json, vendor === 'wecom' ? 'errcode' : 'code').value
    const i = counts.findIndex(
      (b) => (b.status === undefined || b.status === a.status) && (b.code === undefined || b.code === code),
    )
    if (i < 0) stray.push(`HTTP ${a.status} code ${String(code)}`)
    else seen[i]!++
  }
  const out = counts.flatMap((b, i) =>
    seen[i] === b.count
      ? []
      : [`expected ${b.count} answer(s) with HTTP ${b.status ?? 'any'} code ${b.code ?? 'any'}, got ${seen[i]}`],
  )
  if (stray.length) out.push(`answers in no bucket: ${stray.join(', ')}`)
  return out
}

/** name → value at a dotted path; a missing path is left out, so `{{steps.x.name}}` says what is missing. */
function capture(json: unknown, spec: Record<string, string> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, path] of Object.entries(spec ?? {})) {
    const { found, value } = pick(json, path)
    if (found) out[name] = value
  }
  return out
}

/** Runs the cases against the target and reports; never throws on a failing case. */
export async function runContracts(options: RunOptions): Promise<RunReport> {
  const started = Date.now()
  const target = await options.target
  const paceMs = options.paceMs ?? (target.kind === 'live' ? Number(process.env.CONTRACTS_PACE_MS ?? 1000) : 0)
  const inner = await makeClient(options.client, target)
  const session: Session = {
    target,
    ...sessionClient(inner, { paceMs, ...(options.validateResponses ? { validateResponses: true } : {}) }),
    run: randomBytes(3).toString('hex'),
    tokens: new Map(),
  }
  const cases = (options.cases ?? loadCases()).filter((c) => matchesFilter(c, options.filter))
  const results: CaseResult[] = []
  const summary = { ...tally(), total: 0, byArea: {} as Record<string, Tally> }
  for (const loaded of cases) {
    const result = await runCase(loaded, session)
    results.push(result)
    summary[result.status]++
    summary.total++
    const area = summary.byArea[result.area] ?? tally()
    summary.byArea[result.area] = area
    area[result.status]++
    options.onCase?.(result)
  }
  return {
    target: target.name,
    client: inner.name,
    results,
    summary,
    cleanupFailures: results.flatMap((r) => r.cleanup.filter((x) => !x.ok)),
    durationMs: Date.now() - started,
  }
}

export type { Session }
