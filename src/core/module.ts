/**
 * How features plug into the core: a module brings its routes and the stores it keeps. Stores are typed
 * by declaration merging: a module adds its store to `Stores`, e.g.
 *   declare module '../core/module.ts' { interface Stores { meetings: MeetingStore } }
 */
import type { Clock } from './clock.ts'
import type { Config } from './config.ts'
import type { Vendor } from './errors.ts'
import type { CoreRequest, CoreResponse } from './http.ts'
import type { Journal } from './journal.ts'
import type { Random } from './random.ts'
import type { Seed } from './seed.ts'

// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each module
export interface Stores {}

export interface Env {
  clock: Clock
  random: Random
  config: Config
  seed: Seed
  journal: Journal
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
  /** Parsed JSON body, for routes that declare `body: 'json'`. */
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

export interface RouteDef {
  /** Stable id, e.g. `wecom.meeting.create`; the journal and contract cases use it. */
  id: string
  vendor: Vendor
  method: 'GET' | 'POST'
  /** `/cgi-bin/meeting/create`, or with `:name` segments: `/open-apis/mail/v1/user_mailboxes/:user_mailbox_id/...` */
  path: string
  auth: AuthKind
  body?: 'json'
  /** Feishu troubleshooter `method_id` (INFERRED values; stable per route). */
  methodId?: string
  /** The code answered when the body is over the server's limit (WeCom default 40206, Feishu 9499). */
  oversizeCode?: number
  handle(ctx: RequestContext): HandlerResult | Promise<HandlerResult>
}

export interface EmulatorModule {
  name: string
  routes: RouteDef[]
  /** Called at start and on every reset: returns this module's part of the state, built from the seed. */
  createStores?(env: Omit<Env, 'stores'>): Partial<Stores>
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
