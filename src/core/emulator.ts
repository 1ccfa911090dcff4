/**
 * The emulator: `handle(request) → response` over plain data, and its control plane. Every adapter (stub
 * server, Express middleware, MSW handlers, the in-process contract target) calls this one function, so
 * they cannot disagree. The pipeline: route → auth → interceptors (faults) → method → parse → admit → validate (the
 * registry's request schema) → rule checks and state (the route's handler) → the vendor's envelope → journal. Where vendors differ, the vendor plugin of the
 * path answers (src/core/vendor.ts); the core imports no vendor.
 */
import { StateBudget } from './budget.ts'
import { Clock } from './clock.ts'
import { type Config, type ConfigOverrides, resolveConfig } from './config.ts'
import { Control } from './control.ts'
import { openDataDir } from './data-dir.ts'
import { echo } from './echo.ts'
import { type Vendor, VendorError } from './errors.ts'
import { faultsModule, injectFaults } from './faults.ts'
import { type CoreRequest, type CoreResponse, splitUrl, textResponse } from './http.ts'
import { Journal, type JournalTap } from './journal.ts'
import {
  type EmulatorModule,
  type Env,
  type HandlerResult,
  isCoreResponse,
  type RequestContext,
  type RouteDef,
  type Stores,
} from './module.ts'
import { Persist, type Persistence } from './persistence.ts'
import { Random } from './random.ts'
import { registryEntry, requestSchemaOf } from './registry.ts'
import { ReportCounters } from './report.ts'
import { Router } from './router.ts'
import { validatorFor } from './schema.ts'
import { defaultSeed, type Seed } from './seed.ts'
import { isVendorPlugin, type VendorPlugin } from './vendor.ts'

export interface EmulatorOptions {
  /** The starting world; the built-in development seed when absent. */
  seed?: Seed
  config?: ConfigOverrides
  /** Makes every generated id, token and code the same from run to run. */
  fakerSeed?: number
  /**
   * Where the stores write their state through and read it back at start: `config.state.dataDir` opens
   * the SQLite one (src/core/data-dir.ts); this is for a backend of your own. In memory when neither is given.
   */
  persistence?: Persistence
}

export interface CoreOptions extends EmulatorOptions {
  /** The vendors and the feature modules, in one list (src/plugins.ts); fault injection is the core's own. */
  plugins: EmulatorModule[]
}

/**
 * Runs after auth has identified the caller and before the handler: fault injection lives here. It may
 * answer (a complete response, or `drop`), throw a VendorError, delay, or let the request through.
 */
export type Interceptor = (
  ctx: RequestContext,
  vendor: VendorPlugin,
) => CoreResponse | undefined | Promise<CoreResponse | undefined>

/** One request on its way through the pipeline: what every step after routing needs. */
interface Turn {
  ctx: RequestContext
  vendor: VendorPlugin
  /** The request's method, upper-cased. */
  method: string
  /** The budget's evictions before the request, so the journal can say how many it caused. */
  evictedBefore: number
}

/** Request bodies: invalid UTF-8 is a malformed body (40058 / 9499), not text to patch with U+FFFD. */
const strictDecoder = new TextDecoder('utf-8', { fatal: true })

/**
 * The body as JSON. Invalid UTF-8 is a malformed body, not text to patch with U+FFFD; an empty or broken
 * body too. The vendor says how it answers (WeCom 40058, Feishu 9499), and may refuse the Content-Type first.
 */
function parseJson(ctx: RequestContext, vendor: VendorPlugin): unknown {
  const contentType = ctx.req.headers['content-type']
  const refused = contentType ? vendor.contentTypeError?.(contentType) : undefined
  if (refused) throw refused
  let text: string
  try {
    text = strictDecoder.decode(ctx.req.body)
  } catch {
    throw vendor.bodyError('the body is not valid UTF-8')
  }
  if (!text.trim()) throw vendor.bodyError('the request has no body (the parameters are read from a JSON body)')
  try {
    return JSON.parse(text)
  } catch (e) {
    throw vendor.bodyError(`the body is not valid JSON: ${(e as Error).message}`)
  }
}

export class Emulator {
  /** The settings the emulator started with: `reset()` goes back to them. */
  readonly startupConfig: Config
  private current: Config
  readonly clock = new Clock()
  readonly router = new Router()
  readonly interceptors: Interceptor[] = [injectFaults]
  /** Reset, clock, journal, faults, config and the modules' read-backs (`/__mock/*` over HTTP). */
  readonly control: Control
  /** Told of every journal entry and of each reset (the console's live view); kept across resets. */
  readonly journalTap: JournalTap & { onReset: (() => void) | undefined } = { listener: undefined, onReset: undefined }
  private env: Env
  private readonly seed: Seed
  private readonly modules: EmulatorModule[]
  private readonly vendors: VendorPlugin[]
  private readonly fakerSeed: number | undefined
  private readonly persistence: Persistence | undefined
  /** How many records the last build of the state read back from the data directory. */
  private restored = 0

  constructor(options: CoreOptions) {
    this.startupConfig = resolveConfig(options.config ?? {})
    this.current = this.startupConfig
    this.seed = options.seed ?? defaultSeed
    this.modules = [faultsModule, ...options.plugins]
    this.vendors = options.plugins.filter(isVendorPlugin)
    for (const m of this.modules) {
      for (const handler of m.endpoints ?? []) {
        const entry = registryEntry(handler.id)
        const schema = requestSchemaOf(entry)
        const r: RouteDef = { ...entry, ...handler, ...(schema ? { validate: validatorFor(schema) } : {}) }
        const vendor = this.vendors.find((v) => v.vendor === r.vendor)
        if (!vendor?.owns(r.path)) throw new Error(`[worksuite-mock] ${r.id}: no vendor plugin owns ${r.path}`)
        if (r.auth !== 'none' && !vendor.auth[r.auth])
          throw new Error(`[worksuite-mock] ${r.id}: vendor ${r.vendor} has no auth kind "${r.auth}"`)
        this.router.add(r)
      }
    }
    const dir = this.startupConfig.state.dataDir as string | undefined
    this.persistence = options.persistence ?? (dir ? openDataDir(dir) : undefined)
    // Ids made after a restart must not repeat the ones kept: a faker seed replayed from its start would
    // (decision: the data directory). Each start on a directory draws from its own stream; the first as in memory.
    const starts = this.persistence?.starts ?? 0
    this.fakerSeed =
      options.fakerSeed === undefined || starts === 0
        ? options.fakerSeed
        : (options.fakerSeed ^ Math.imul(starts, 0x9e3779b1)) >>> 0
    try {
      this.env = this.buildEnv()
    } catch (e) {
      this.persistence?.close()
      throw e
    }
    this.control = new Control(this)
    // Adapters hand the method around (`emulator.handle`): it must not lose its emulator.
    this.handle = this.handle.bind(this)
  }

  /** The data directory's database and how many records the start read back from it; undefined in memory. */
  get dataDir(): { location: string; restored: number } | undefined {
    return this.persistence && { location: this.persistence.location, restored: this.restored }
  }

  /** Every plugin, vendors and modules, in the order the plugin list gave them. */
  get plugins(): readonly EmulatorModule[] {
    return this.modules
  }

  /** The vendor plugins, in the order the plugin list gave them. */
  get vendorPlugins(): readonly VendorPlugin[] {
    return this.vendors
  }

  /** The vendor plugin whose paths these are, if any. */
  vendorFor(path: string): VendorPlugin | undefined {
    return this.vendors.find((v) => v.owns(path))
  }

  /** The vendors' hostnames, in plugin order: `qyapi.weixin.qq.com`, `open.feishu.cn`, `open.larksuite.com`. */
  get vendorHosts(): readonly string[] {
    return this.vendors.flatMap((v) => v.origins.map((o) => new URL(o).hostname))
  }

  /** Whose API lives at a hostname (any case, a trailing dot allowed; no port), or undefined. */
  vendorOfHost(hostname: string): Vendor | undefined {
    const name = hostname.toLowerCase().replace(/\.$/, '')
    return this.vendors.find((v) => v.origins.some((o) => new URL(o).hostname === name))?.vendor
  }

  /** Whether a path is a vendor's (adapters pass anything else on, or answer it themselves). */
  owns(path: string): boolean {
    return this.vendorFor(path) !== undefined
  }

  /** The settings in effect: the start-up ones, or what `setConfig` made of them since the last reset. */
  get config(): Config {
    return this.current
  }

  /**
   * Puts new settings in effect from the next request on (`control.setConfig` validates them). Stores see
   * them through `env.config`, which is this one object's field: nothing built from the old value is rebuilt.
   */
  setConfig(next: Config): void {
    this.current = next
    this.env.config = next
    // A smaller state.maxBytes acts at once, so the control plane never reads more kept than the budget.
    this.env.budget.settle()
  }

  private buildEnv(): Env {
    // One object for the stores' factory and the state: a store that reads `env.config` later sees `setConfig`.
    const config = this.config
    const budget = new StateBudget(
      () => env.config.state.maxBytes,
      () => this.clock.nowMs(),
    )
    const persist = this.persistence && new Persist(this.persistence)
    const base = {
      clock: this.clock,
      random: new Random(this.fakerSeed),
      config,
      seed: this.seed,
      budget,
      persist,
      journal: new Journal(
        config.journal.maxEntries,
        config.journal.maxBodyChars,
        config.journal.maxBytes,
        budget,
        this.journalTap,
      ),
      report: new ReportCounters(),
    }
    const env = base as Env
    env.stores = {} as Stores
    for (const m of this.modules) Object.assign(env.stores, m.createStores?.(base))
    if (persist) {
      this.restored = persist.replay()
      // What was kept may not fit a smaller state.maxBytes: the oldest go, as they would have while running.
      budget.settle()
    }
    return env
  }

  /** The current state; replaced wholesale by `reset()`, so do not hold on to it across resets. */
  get state(): Env {
    return this.env
  }

  /** Back to the seed: state (the data directory's too), clock (real time again), journal, id sequence. */
  reset(): void {
    this.clock.reset()
    this.current = this.startupConfig
    this.persistence?.clear()
    this.env = this.buildEnv()
    this.journalTap.onReset?.()
  }

  /** Lets the data directory go (its last changes committed); nothing to do in memory. */
  close(): void {
    this.persistence?.close()
  }

  /**
   * The answer to a body over the size limit, which the adapter refuses without reading it: the route's
   * vendor error in the vendor's envelope (WeCom 40206 请求body字节数超过限制, INFERRED mapping).
   */
  refuseOversize(req: CoreRequest, limit: number): CoreResponse {
    const nowMs = this.clock.nowMs()
    const env = this.env
    const evictedBefore = env.budget.evictedRecords
    const { path } = splitUrl(req.url)
    const byPath = this.vendorFor(path)
    // At a vendor's own hostname, another vendor's path is that host's unknown path.
    const vendor = req.vendorHost ? this.vendors.find((v) => v.vendor === req.vendorHost) : byPath
    const route = vendor ? this.routeFor(vendor, byPath, path, req.method.toUpperCase())?.route : undefined
    if (!vendor || !route)
      return this.notFound(env, req, path, vendor, `no route for ${echo(path)}`, nowMs, evictedBefore)
    // Named by the setting, as a rule id names a rule: the limit is the emulator's own, not a documented rule.
    const why = `server.maxBodyBytes: the body is over the ${limit}-byte limit and was not read`
    const { code, options } = vendor.oversize(route)
    const error = new VendorError(code, why, options)
    const response = vendor.error({ req, route, env, nowMs }, error)
    this.record(env, req, path, vendor.vendor, route.id, response, error.code, {}, error.reason, nowMs, evictedBefore)
    return response
  }

  async handle(req: CoreRequest): Promise<CoreResponse> {
    return this.respond(req)
  }

  /**
   * `handle` without its promise: the answer itself when no step of the pipeline answered with a promise
   * (the usual case), else a promise of it. For an adapter that can write the answer at once (node:http):
   * every await is a turn of the queue and an async frame kept per request.
   */
  respond(req: CoreRequest): CoreResponse | Promise<CoreResponse> {
    const env = this.env
    const nowMs = this.clock.nowMs()
    const evictedBefore = env.budget.evictedRecords
    const { path, query } = splitUrl(req.url)
    const byPath = this.vendorFor(path)
    // At a vendor's own hostname, another vendor's path is that host's unknown path.
    const vendor = req.vendorHost ? this.vendors.find((v) => v.vendor === req.vendorHost) : byPath
    const method = req.method.toUpperCase()
    const match = vendor ? this.routeFor(vendor, byPath, path, method) : undefined
    if (!vendor || !match) {
      return this.notFound(env, req, path, vendor, `no ${method} route for ${echo(path)}`, nowMs, evictedBefore)
    }
    const { route, params } = match
    const ctx: RequestContext = {
      req,
      route,
      path,
      query,
      params,
      env,
      now: Math.floor(nowMs / 1000),
      nowMs,
      body: undefined,
      principal: undefined,
      tags: {},
    }
    const turn: Turn = { ctx, vendor, method, evictedBefore }
    let authError: unknown
    try {
      if (route.auth !== 'none') vendor.auth[route.auth]!(ctx)
    } catch (e) {
      authError = e
    }
    return this.intercept(turn, authError, 0)
  }

  /**
   * The interceptors from `from` on: the first that answers is the answer; else an auth refusal, else the
   * request goes on. Each step's own errors are refusals; what happens after the answer is built (journal,
   * commit) is outside every try, as a failure there is no refusal to answer.
   */
  private intercept(turn: Turn, authError: unknown, from: number): CoreResponse | Promise<CoreResponse> {
    let answer: ReturnType<Interceptor>
    let i = from
    try {
      // A promise is truthy too: most requests meet no fault, and only a promise is waited for.
      for (; i < this.interceptors.length && !answer; i++) answer = this.interceptors[i]!(turn.ctx, turn.vendor)
    } catch (e) {
      return this.refuse(turn, e)
    }
    if (answer instanceof Promise) {
      return answer.then(
        (a) => (a ? this.complete(turn, a) : this.intercept(turn, authError, i)),
        (e) => this.refuse(turn, e),
      )
    }
    if (answer) return this.complete(turn, answer)
    if (authError) return this.refuse(turn, authError)
    return this.proceed(turn)
  }

  /** The method, the body, and the route's admission (which may wait, as the Feishu send's lock does). */
  private proceed(turn: Turn): CoreResponse | Promise<CoreResponse> {
    const { ctx, vendor, method } = turn
    const route = ctx.route
    let admitted: unknown
    try {
      const refused = route.method !== method ? vendor.checkMethod?.(method, route) : undefined
      if (refused) throw refused
      if (route.body === 'json') ctx.body = parseJson(ctx, vendor)
      admitted = route.admit?.(ctx)
    } catch (e) {
      return this.refuse(turn, e)
    }
    if (admitted instanceof Promise) {
      return admitted.then(
        () => this.run(turn),
        (e) => this.refuse(turn, e),
      )
    }
    return this.run(turn)
  }

  /** Validation, then the route's handler. */
  private run(turn: Turn): CoreResponse | Promise<CoreResponse> {
    const { ctx, vendor } = turn
    const route = ctx.route
    let handled: ReturnType<RouteDef['handle']>
    try {
      if (route.validate && !route.validate(ctx.body))
        throw vendor.shapeError(route, route.validate.errors ?? [], ctx.body)
      handled = route.handle(ctx)
    } catch (e) {
      return this.refuse(turn, e)
    }
    if (handled instanceof Promise) {
      return handled.then(
        (result) => this.answer(turn, result),
        (e) => this.refuse(turn, e),
      )
    }
    return this.answer(turn, handled)
  }

  /** What the handler gave: a complete answer, or the payload the vendor's envelope wraps. */
  private answer(turn: Turn, result: HandlerResult): CoreResponse | Promise<CoreResponse> {
    let complete: boolean
    let response: CoreResponse
    try {
      complete = isCoreResponse(result)
      response = complete ? (result as CoreResponse) : turn.vendor.ok(turn.ctx, result as Record<string, unknown>)
    } catch (e) {
      return this.refuse(turn, e)
    }
    return complete ? this.complete(turn, response) : this.settle(turn, response, 0, null)
  }

  /**
   * A complete answer (an interceptor's, or the token endpoints' own envelopes): its code read from its body,
   * its rule from our header only.
   */
  private complete(turn: Turn, response: CoreResponse): CoreResponse | Promise<CoreResponse> {
    let code: number | null
    let reason: string | null
    try {
      code = codeOf(response)
      reason = response.headers['x-worksuite-mock-reason'] ?? null
    } catch (e) {
      return this.refuse(turn, e)
    }
    return this.settle(turn, response, code, reason)
  }

  /** A refusal in the vendor's envelope; anything but a VendorError is a bug in the emulator, said loudly. */
  private refuse(turn: Turn, e: unknown): CoreResponse | Promise<CoreResponse> {
    let error: VendorError
    if (e instanceof VendorError) {
      error = e
    } else {
      console.error(`[worksuite-mock] Failed to handle ${turn.method} ${turn.ctx.path}:`, e)
      error = turn.vendor.internalError(`${(e as Error)?.message}`)
    }
    return this.settle(turn, turn.vendor.error(turn.ctx, error), error.code, error.reason)
  }

  /** Journals and counts the answer; with a data directory, answers once the changes are committed. */
  private settle(
    turn: Turn,
    response: CoreResponse,
    code: number | null,
    reason: string | null,
  ): CoreResponse | Promise<CoreResponse> {
    const { ctx, vendor } = turn
    const { env, req, path, route, tags, nowMs } = ctx
    this.record(env, req, path, vendor.vendor, route.id, response, code, tags, reason, nowMs, turn.evictedBefore)
    // With a data directory, not before the changes are committed (one commit for the turn's requests).
    const committed = ctx.env.persist?.committed()
    return committed ? committed.then(() => response) : response
  }

  /**
   * The route a request takes, whether its body is read or refused for its size: the path's most specific
   * route, of the request's method where the vendor answers a wrong method as not found (Feishu), or of
   * any method where it routes it all the same (WeCom). Undefined: the vendor's 404.
   */
  private routeFor(vendor: VendorPlugin, byPath: VendorPlugin | undefined, path: string, method: string) {
    // At a vendor's own hostname, another vendor's path is that host's unknown path.
    const matches = vendor === byPath ? this.router.match(path) : []
    return vendor.wrongMethod === 'route' ? matches[0] : matches.find((m) => m.route.method === method)
  }

  /** The vendor's own 404 (the journal and our reason header name its rule), or a plain one off every vendor's paths. */
  private notFound(
    env: Env,
    req: CoreRequest,
    path: string,
    vendor: VendorPlugin | undefined,
    why: string,
    nowMs: number,
    evictedBefore: number,
  ): CoreResponse {
    const page = vendor?.notFound(req, why)
    const response = page?.response ?? textResponse(404, '404 page not found')
    this.record(
      env,
      req,
      path,
      vendor?.vendor ?? 'none',
      null,
      response,
      null,
      {},
      page?.reason ?? null,
      nowMs,
      evictedBefore,
    )
    return response
  }

  private record(
    env: Env,
    req: CoreRequest,
    path: string,
    vendor: Vendor | 'none',
    route: string | null,
    response: CoreResponse,
    code: number | null,
    tags: RequestContext['tags'],
    reason: string | null,
    at: number,
    evictedBefore: number,
  ): void {
    const seq = env.journal.record({
      at,
      vendor,
      route,
      method: req.method.toUpperCase(),
      path,
      status: response.status,
      code,
      app: tags.app ?? null,
      user: tags.user ?? null,
      mailbox: tags.mailbox ?? null,
      reason,
      // The bytes as received: the journal keeps them as they are, or decodes and cuts what it must.
      requestRaw: req.body,
      requestBytes: req.body.length,
      responseBody: response.body,
      evicted: env.budget.evictedRecords - evictedBefore,
    })
    // A path no route has counts under its vendor's gateway (the rules files' pseudo-endpoint), or `none`.
    env.report.count(route ?? (vendor === 'none' ? 'none' : `${vendor}.gateway`), response.status, code, reason, seq)
  }
}

/** The errcode / code of a complete response, for the journal. */
function codeOf(response: CoreResponse): number | null {
  if (!response.headers['content-type']?.includes('json')) return null
  try {
    const body = JSON.parse(response.body) as { errcode?: unknown; code?: unknown }
    const c = body.errcode ?? body.code
    return typeof c === 'number' ? c : null
  } catch {
    return null
  }
}
