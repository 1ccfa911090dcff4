/**
 * A vendor as a plugin of the core. The pipeline (route → auth → faults → method → parse → validate →
 * handle → envelope → journal) is the same for every vendor; at each point where vendors differ the core
 * asks the vendor plugin: which paths it owns, how each of its auth kinds authenticates, its envelopes for
 * success, errors and unknown paths, how an unreadable body or one of the wrong shape is answered. The
 * core imports no vendor: src/wecom/vendor.ts and src/feishu/vendor.ts implement this and are handed to
 * the core in the plugin list (src/plugins.ts).
 */
import type { Vendor, VendorError, VendorErrorOptions } from './errors.ts'
import type { CoreRequest, CoreResponse } from './http.ts'
import type { EmulatorModule, Env, RequestContext, RouteDef } from './module.ts'
import type { ErrorObject } from './schema.ts'

/** What an envelope is built from: the request, its route when one matched, the state, the arrival time. */
export interface EnvelopeContext {
  readonly req: CoreRequest
  readonly route?: RouteDef | undefined
  readonly env: Env
  readonly nowMs: number
}

/** A vendor is also a module: it may keep stores (its directory and tokens) and serve endpoints (tokens). */
export interface VendorPlugin extends EmulatorModule {
  readonly vendor: Vendor
  /** For people: "WeCom", "Feishu". */
  readonly displayName: string
  /** Where the envelope carries the code, and what fault rules call it: `errcode` or `code`. */
  readonly codeField: 'errcode' | 'code'
  owns(path: string): boolean
  /**
   * The vendor's real origins: what the MSW handlers intercept, and the hostnames the proxy and the HTTPS port
   * serve (src/server/proxy), so an in-test client and an out-of-process one reach the emulator at the same names.
   */
  readonly origins: readonly string[]
  /** The auth stage of each auth kind this vendor's endpoints name (the registry's `auth`). */
  readonly auth: Readonly<Record<string, (ctx: RequestContext) => void>>
  ok(ctx: EnvelopeContext, result: Record<string, unknown>): CoreResponse
  error(ctx: EnvelopeContext, error: VendorError): CoreResponse
  /**
   * An unknown path (or, with `wrongMethod: 'not-found'`, a known one with another method): the vendor's own
   * 404 page, with the rule it breaks and `why` in the reason (header and journal; the body stays theirs).
   */
  notFound(req: CoreRequest, why: string): { response: CoreResponse; reason: string }
  /**
   * A path that only matches a route of another method: answered as not found (Feishu's gateway), or routed
   * anyway (WeCom reads any method) and refused by `checkMethod` once auth and faults have run.
   */
  readonly wrongMethod: 'not-found' | 'route'
  checkMethod?(method: string, route: RouteDef): VendorError | undefined
  /** A body that cannot be read as JSON: not UTF-8, empty, or broken (the vendor's gateway rule names it). */
  bodyError(why: string): VendorError
  /**
   * The body does not match the endpoint's request schema: one mapper for every endpoint of the vendor,
   * which names the broken rule from the route's `shape` (`shapeRuleOf`).
   */
  shapeError(route: RouteDef, errors: readonly ErrorObject[], body: unknown): VendorError
  /** A Content-Type the vendor will not read a JSON body under (Feishu binds the body by it). */
  contentTypeError?(contentType: string): VendorError | undefined
  /** A bug in the emulator, answered in the vendor's envelope all the same (the reason says `emulator error: `). */
  internalError(detail: string): VendorError
  /**
   * How a body over the server's limit is refused without being read: the registry's `oversize_code` first,
   * else the vendor's; the core writes the reason (it is the emulator's own limit, not a documented rule).
   */
  oversize(route: RouteDef): { code: number; options?: VendorErrorOptions }
  /** Fault matching by user, where the token names none (WeCom: the admin_userid the body names). */
  userOf?(ctx: RequestContext): string | undefined
  /** Fault matching by mailbox (Feishu: the path's mailbox, `me` read through the caller's token). */
  mailboxOf?(ctx: RequestContext): string | undefined
  /** Headers an injected error code comes with (Feishu 99991400: the rate-limit window). */
  faultHeaders?(ctx: RequestContext, code: number): Record<string, string>
}

export function isVendorPlugin(m: EmulatorModule): m is VendorPlugin {
  return typeof (m as Partial<VendorPlugin>).vendor === 'string'
}
