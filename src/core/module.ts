/**
 * How features plug into the core: a module brings the handlers of its endpoints (by registry id) and the
 * stores it keeps. Stores are typed by declaration merging: a module adds its store to `Stores`, e.g.
 *   declare module '../core/module.ts' { interface Stores { meetings: MeetingStore } }
 */
import type { StateBudget } from './budget.ts'
import type { Clock } from './clock.ts'
import type { Config } from './config.ts'
import type { CoreRequest, CoreResponse } from './http.ts'
import type { Journal } from './journal.ts'
import type { Persist } from './persistence.ts'
import type { Random } from './random.ts'
import type { EndpointEntry } from './registry.ts'
import type { ReportCounters } from './report.ts'
import { type RuleEntry, type RuleId, rule } from './rules.ts'
import type { ValidateFunction } from './schema.ts'
import type { Seed } from './seed.ts'

// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each module
export interface Stores {}

export interface Env {
  clock: Clock
  random: Random
  config: Config
  seed: Seed
  /** The one byte budget of everything kept: stores open an account on it (`state.maxBytes`). */
  budget: StateBudget
  journal: Journal
  /** What the client report counts since the last reset (src/core/report.ts). */
  report: ReportCounters
  /** Write-through of the stores' records to the data directory (`state.dataDir`); undefined in memory. */
  persist: Persist | undefined
  stores: Stores
}

/** The registry's auth kinds: `none`, or one a vendor plugin authenticates (`VendorPlugin.auth`). */
export type AuthKind = string

export interface RequestContext {
  readonly req: CoreRequest
  readonly route: RouteDef
  readonly path: string
  readonly query: URLSearchParams
  readonly params: Record<string, string>
  readonly env: Env
  /** The clock read once at arrival, in unix seconds and ms: one request sees one instant. */
  readonly now: number
  readonly nowMs: number
  /** Parsed JSON body, for endpoints the registry gives `body: 'json'`. */
  body: unknown
  /** Who is calling, once auth has run (filled by the vendor's auth stage). */
  principal: Principal | undefined
  /** What the journal and fault rules match on. */
  tags: { app?: string; user?: string; mailbox?: string }
}

/**
 * Who an auth stage found calling, one member per vendor, filled in by declaration merging as `Stores` is:
 *   declare module '../core/module.ts' { interface Principals { wecom: { vendor: 'wecom'; ... } } }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each vendor
export interface Principals {}

export type Principal = Principals[keyof Principals]

/** A handler returns the success payload (the vendor envelope wraps it) or a complete response. */
export type HandlerResult = Record<string, unknown> | CoreResponse

/**
 * What a module writes for an endpoint: the handler of a registry id, and what it adds to the pipeline.
 * Everything else about the route (method, path, auth kind, body, schema) is the registry's.
 */
export interface EndpointHandler {
  /** The registry id (contracts/endpoints.json), e.g. `wecom.meeting.create`. */
  id: string
  /**
   * Which documented rule a body of the wrong shape breaks, for the vendor's one shape-error mapper: a rule
   * id per field (`schedule.start_time`, array items as `[]`) or field and schema keyword
   * (`attachment_list[].file_name:required`); `fallback` names the rule of any other shape error. The code
   * answered is the rule's (contracts/rules): meeting_start's own 400034 where the vendor's usual is 40058.
   */
  shape?: ShapeRules
  /** A check the gateway makes before it reads the body's fields (Feishu's rate limit): before validation. */
  admit?(ctx: RequestContext): void | Promise<void>
  /** The rule checks and the state; the body has passed the request schema the registry names. */
  handle(ctx: RequestContext): HandlerResult | Promise<HandlerResult>
}

export interface ShapeRules {
  fallback: RuleId
  fields?: Record<string, RuleId>
}

/** A route as the core runs it: the registry entry joined with its handler, and the entry's compiled schema. */
export type RouteDef = EndpointEntry &
  EndpointHandler & {
    /** Validates the parsed body against the registry's request schema (compiled once, on first use). */
    validate?: ValidateFunction
  }

/** The rule a schema error on `field` (array indexes as `[]`) with `keyword` breaks, from the route's shape rules. */
export function shapeRuleOf(route: RouteDef, field: string, keyword: string): RuleEntry {
  const id = route.shape?.fields?.[`${field}:${keyword}`] ?? route.shape?.fields?.[field] ?? route.shape?.fallback
  if (id === undefined) throw new Error(`[worksuite-mock] ${route.id} validates a schema but names no shape rules`)
  return rule(id)
}

/** One endpoint, by its registry id; the module lists it in `endpoints`. */
export function defineEndpoint(id: string, handler: Omit<EndpointHandler, 'id'>): EndpointHandler {
  return { id, ...handler }
}

export interface EmulatorModule {
  name: string
  /** The endpoints this module serves, each named by its registry id. */
  endpoints?: EndpointHandler[]
  /** Called at start and on every reset: returns this module's part of the state, built from the seed. */
  createStores?(env: Omit<Env, 'stores'>): Partial<Stores>
  /** What this module adds to the control plane: read-backs, token expiry, its part of the defaults. */
  control?: ControlContribution
}

/**
 * The control plane's operations beyond the core's own (reset, clock, config, journal, faults), one per
 * read-back a module contributes. Typed by declaration merging, as `Stores` is, and installed as methods of
 * `emulator.control`:
 *   declare module '../core/module.ts' { interface ControlOperations { meetings(filter?: …): MeetingView[] } }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each module
export interface ControlOperations {}

/** The development credentials `control.defaults()` lists, one member per vendor (declaration merging). */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each vendor
export interface Defaults {}

/** An operation's implementation: the state first, then the arguments callers pass. */
export type ControlOperationImpls = {
  [K in keyof ControlOperations]?: ControlOperations[K] extends (...args: infer A) => infer R
    ? (env: Env, ...args: A) => R
    : never
}

/** What a control route is given: path parameters, the query and the parsed JSON body (undefined if none). */
export interface ControlInput {
  params: Record<string, string>
  query: URLSearchParams
  body: unknown
}

/**
 * A route under `/__mock`, framework-free: the stub server's control router and `control.serve()` answer
 * it alike. A refusal throws a ControlError with its status.
 */
export interface ControlRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Under /__mock, with `:name` segments: `/wecom/mailboxes/:address`. */
  path: string
  /** The status of a success (default 200). */
  status?: number
  handle(input: ControlInput, env: Env): unknown
}

export interface ControlContribution {
  operations?: ControlOperationImpls
  routes?: ControlRoute[]
  /** This vendor's member of `control.defaults()`. */
  defaults?(env: Env): Partial<Defaults>
  /** Makes a token this module issued expire now; true if it knew the token. */
  expireToken?(env: Env, token: string): boolean
}

export const RESPONSE = Symbol('core-response')

export function isCoreResponse(v: HandlerResult): v is CoreResponse {
  return (v as { [RESPONSE]?: true })[RESPONSE] === true
}

/** Marks a complete response, for handlers that answer outside the vendor's usual envelope (token endpoints). */
export function raw(response: CoreResponse): CoreResponse {
  Object.defineProperty(response, RESPONSE, { value: true, enumerable: false })
  return response
}
