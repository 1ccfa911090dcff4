/**
 * The emulator core: `handle(request) → response` over plain data. Every adapter (stub server, Express
 * middleware, MSW handlers, the in-process contract target) calls this one function, so they cannot
 * disagree. The pipeline: route → auth → interceptors (faults) → method and body → rule checks and state
 * (the route's handler) → the vendor's envelope → journal.
 */
import { authenticateFeishuUser } from '../feishu/auth.ts'
import { feishuErrorResponse, feishuNotFound, feishuOkResponse } from '../feishu/envelope.ts'
import { authenticateWecom } from '../wecom/auth.ts'
import { wecomErrorResponse, wecomOkResponse } from '../wecom/envelope.ts'
import { StateBudget } from './budget.ts'
import { Clock } from './clock.ts'
import { type Config, type ConfigOverrides, resolveConfig } from './config.ts'
import { echo } from './echo.ts'
import { fail, type Vendor, VendorError } from './errors.ts'
import { type CoreRequest, type CoreResponse, headerSafe, splitUrl, textResponse } from './http.ts'
import { Journal, type JournalTap } from './journal.ts'
import {
  type EmulatorModule,
  type Env,
  isCoreResponse,
  type RequestContext,
  type RouteDef,
  type Stores,
} from './module.ts'
import { Random } from './random.ts'
import { Router } from './router.ts'
import { defaultSeed, type Seed } from './seed.ts'

export interface CoreOptions {
  /** The starting world; the built-in development seed when absent. */
  seed?: Seed
  config?: ConfigOverrides
  /** Makes every generated id, token and code the same from run to run. */
  fakerSeed?: number
  modules: EmulatorModule[]
}

/**
 * Runs after auth has identified the caller and before the handler: fault injection lives here. It may
 * answer (a complete response, or `drop`), throw a VendorError, delay, or let the request through.
 */
export type Interceptor = (ctx: RequestContext) => CoreResponse | undefined | Promise<CoreResponse | undefined>

const decoder = new TextDecoder()
/** Request bodies: invalid UTF-8 is a malformed body (40058 / 9499), not text to patch with U+FFFD. */
const strictDecoder = new TextDecoder('utf-8', { fatal: true })

export function vendorOf(path: string): Vendor | undefined {
  if (path.startsWith('/cgi-bin/')) return 'wecom'
  if (path.startsWith('/open-apis/')) return 'feishu'
  return undefined
}

/** What nginx in front of qyapi answers for an unknown path (a live probe: HTTP 404). */
function wecomNotFound(): CoreResponse {
  return {
    status: 404,
    headers: { 'content-type': 'text/html', server: 'nginx' },
    body: '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  }
}

/** `application/json`, with or without parameters, or any `+json` type. */
function isJsonMediaType(contentType: string): boolean {
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase()
  return media === 'application/json' || media.endsWith('+json')
}

function parseJson(ctx: RequestContext, vendor: Vendor): unknown {
  // Feishu's gateway binds the body by its Content-Type (the doc fixes it to application/json): a body
  // declared as something else is not read as JSON. WeCom reads the body whatever the header says.
  const contentType = ctx.req.headers['content-type']
  if (vendor === 'feishu' && contentType && !isJsonMediaType(contentType)) {
    fail(9499, `feishu.gateway.body.content-type: Content-Type "${echo(contentType)}" is not application/json`, {
      message: 'Bad Request',
    })
  }
  // Not UTF-8, empty, or not JSON: the gateway cannot read the parameters.
  const notJson: (why: string) => never = (why) => {
    if (vendor === 'wecom') fail(40058, `wecom.gateway.body.json: ${why}`)
    fail(9499, `feishu.gateway.body.json: ${why}`, { message: 'Bad Request' })
  }
  let text: string
  try {
    text = strictDecoder.decode(ctx.req.body)
  } catch {
    notJson('the body is not valid UTF-8')
  }
  if (!text.trim()) {
    notJson(
      vendor === 'wecom'
        ? 'the request has no body (WeCom reads the parameters from a JSON body)'
        : 'the request has no body',
    )
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    notJson(`the body is not valid JSON: ${(e as Error).message}`)
  }
}

export class EmulatorCore {
  /** The settings the emulator started with: `reset()` goes back to them. */
  readonly startupConfig: Config
  private current: Config
  readonly clock = new Clock()
  readonly router = new Router()
  readonly interceptors: Interceptor[] = []
  /** Told of every journal entry and of each reset (the console's live view); kept across resets. */
  readonly journalTap: JournalTap & { onReset: (() => void) | undefined } = { listener: undefined, onReset: undefined }
  private env: Env
  private readonly seed: Seed
  private readonly modules: EmulatorModule[]
  private readonly fakerSeed: number | undefined

  constructor(options: CoreOptions) {
    this.startupConfig = resolveConfig(options.config ?? {})
    this.current = this.startupConfig
    this.seed = options.seed ?? defaultSeed
    this.modules = options.modules
    this.fakerSeed = options.fakerSeed
    for (const m of this.modules) for (const r of m.routes) this.router.add(r)
    this.env = this.buildEnv()
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
    const base = {
      clock: this.clock,
      random: new Random(this.fakerSeed),
      config,
      seed: this.seed,
      budget,
      journal: new Journal(
        config.journal.maxEntries,
        config.journal.maxBodyChars,
        config.journal.maxBytes,
        budget,
        this.journalTap,
      ),
    }
    const env = base as Env
    env.stores = {} as Stores
    for (const m of this.modules) Object.assign(env.stores, m.createStores?.(base))
    return env
  }

  /** The current state; replaced wholesale by `reset()`, so do not hold on to it across resets. */
  get state(): Env {
    return this.env
  }

  /** Back to the seed: state, clock (real time again), journal, id sequence. */
  reset(): void {
    this.clock.reset()
    this.current = this.startupConfig
    this.env = this.buildEnv()
    this.journalTap.onReset?.()
  }

  /**
   * The answer to a body over the size limit, which the adapter refuses without reading it: the route's
   * vendor error in the vendor's envelope (WeCom 40206 请求body字节数超过限制, INFERRED mapping).
   */
  refuseOversize(req: CoreRequest, limit: number): CoreResponse {
    return this.respondWithError(req, (route) => {
      const code = route.oversizeCode ?? (route.vendor === 'wecom' ? 40206 : 9499)
      const why = `the body is over the ${limit}-byte limit and was not read`
      return new VendorError(code, why, code === 9499 ? { message: 'Bad Request' } : {})
    })
  }

  private respondWithError(req: CoreRequest, errorFor: (route: RouteDef) => VendorError): CoreResponse {
    const nowMs = this.clock.nowMs()
    const env = this.env
    const evictedBefore = env.budget.evictedRecords
    const { path } = splitUrl(req.url)
    const byPath = vendorOf(path)
    const vendor = req.vendorHost ?? byPath
    const match = vendor && vendor === byPath ? this.router.match(path)[0] : undefined
    if (!vendor || !match) {
      const response = vendor === 'wecom' ? wecomNotFound() : feishuNotFound()
      this.record(env, req, path, vendor ?? 'none', null, response, null, {}, null, nowMs, evictedBefore)
      return response
    }
    const error = errorFor(match.route)
    const response =
      vendor === 'wecom'
        ? wecomErrorResponse(
            { random: env.random, nowSeconds: Math.floor(nowMs / 1000), ip: req.remoteAddress ?? '127.0.0.1' },
            error,
          )
        : feishuErrorResponse({ random: env.random, nowMs, methodId: match.route.methodId ?? '' }, error)
    this.record(env, req, path, vendor, match.route.id, response, error.code, {}, error.reason, nowMs, evictedBefore)
    return response
  }

  async handle(req: CoreRequest): Promise<CoreResponse> {
    const env = this.env
    const nowMs = this.clock.nowMs()
    const evictedBefore = env.budget.evictedRecords
    const { path, query } = splitUrl(req.url)
    const byPath = vendorOf(path)
    // At a vendor's own hostname, another vendor's path is that host's unknown path.
    const vendor = req.vendorHost ?? byPath
    const method = req.method.toUpperCase()
    const matches = vendor && vendor === byPath ? this.router.match(path) : []
    // WeCom routes answer any method (a GET on a POST endpoint gets 40058); Feishu's gateway wants both to match.
    const match = vendor === 'feishu' ? matches.find((m) => m.route.method === method) : matches[0]
    if (!vendor || !match) {
      // The vendors' own 404 pages, with the rule in our reason header (the body stays theirs).
      const why = `no ${method} route for ${echo(path)}`
      const reason =
        vendor === 'wecom'
          ? `wecom.gateway.path.unknown: ${why}`
          : vendor === 'feishu'
            ? `feishu.gateway.path.unknown: ${why}`
            : null
      const page = vendor === 'wecom' ? wecomNotFound() : vendor === 'feishu' ? feishuNotFound() : undefined
      const response = page
        ? { ...page, headers: { ...page.headers, 'x-worksuite-mock-reason': headerSafe(reason!) } }
        : textResponse(404, '404 page not found')
      this.record(env, req, path, vendor ?? 'none', null, response, null, {}, reason, nowMs, evictedBefore)
      return response
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
    let response: CoreResponse
    let code: number | null = null
    let reason: string | null = null
    try {
      let authError: unknown
      try {
        if (route.auth === 'wecom') authenticateWecom(ctx)
        else if (route.auth === 'feishu-user') authenticateFeishuUser(ctx)
      } catch (e) {
        authError = e
      }
      let intercepted: CoreResponse | undefined
      for (const interceptor of this.interceptors) {
        intercepted = await interceptor(ctx)
        if (intercepted) break
      }
      if (intercepted) {
        response = intercepted
        code = codeOf(intercepted)
        reason = intercepted.headers['x-worksuite-mock-reason'] ?? null
      } else {
        if (authError) throw authError
        if (vendor === 'wecom' && route.method === 'POST' && method !== 'POST') {
          fail(
            40058,
            `wecom.gateway.method.post-only: ${method} on a POST endpoint: the parameters are read from the JSON body`,
          )
        }
        if (route.body === 'json') ctx.body = parseJson(ctx, vendor)
        const result = await route.handle(ctx)
        if (isCoreResponse(result)) {
          response = result
          code = codeOf(result)
        } else {
          response =
            vendor === 'wecom'
              ? wecomOkResponse(result)
              : feishuOkResponse({ random: env.random, nowMs, methodId: route.methodId ?? '' }, result)
          code = 0
        }
      }
    } catch (e) {
      let error: VendorError
      if (e instanceof VendorError) {
        error = e
      } else {
        // A bug in the emulator: still answer in the vendor's envelope, and say so loudly.
        console.error(`[worksuite-mock] Failed to handle ${method} ${path}:`, e)
        error =
          vendor === 'wecom'
            ? new VendorError(-1, `emulator error: ${(e as Error)?.message}`)
            : new VendorError(1236019, `emulator error: ${(e as Error)?.message}`)
      }
      code = error.code
      reason = error.reason
      response =
        vendor === 'wecom'
          ? wecomErrorResponse({ random: env.random, nowSeconds: ctx.now, ip: req.remoteAddress ?? '127.0.0.1' }, error)
          : feishuErrorResponse({ random: env.random, nowMs, methodId: route.methodId ?? '' }, error)
    }
    this.record(env, req, path, vendor, route.id, response, code, ctx.tags, reason, nowMs, evictedBefore)
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
    const limit = this.config.journal.maxBodyChars
    // Decode only what the journal keeps: a 50 MB mail must not be turned into a string to be cut.
    const head = req.body.length > limit * 4 ? req.body.subarray(0, limit * 4) : req.body
    const requestCut = req.body.length > head.length
    env.journal.record({
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
      requestBody: requestCut ? `${decoder.decode(head)}…` : decoder.decode(head),
      requestCut,
      requestBytes: req.body.length,
      responseBody: response.body,
      evicted: env.budget.evictedRecords - evictedBefore,
    })
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
