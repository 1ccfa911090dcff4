/**
 * Fault injection: make the emulator misbehave the way the vendors do, so a client's handling of rate
 * limits (WeCom 45009, Feishu 429 99991400 / 1236010), "system busy" (-1), slow answers and cut
 * connections can be tested. Rules follow contracts/schemas/fault.schema.json; they are part of the
 * emulator's state (a store, so `reset()` clears them) and act as an interceptor: after auth has
 * identified the caller, before the method/body checks and the handler.
 *
 * A rule answers by throwing a VendorError, so the answer is the vendor's own envelope with the
 * catalogue's HTTP status and message (contracts/errors/*.json), a fresh hint / log id, and the reason
 * `fault <id>: …` in `x-worksuite-mock-reason` and the journal.
 */
import faultSchema from '../../contracts/schemas/fault.schema.json' with { type: 'json' }
import type { FaultRule } from '../generated/contracts.ts'
import { echo } from './echo.ts'
import { catalogues, type Vendor, VendorError } from './errors.ts'
import type { CoreResponse } from './http.ts'
import { appMatches } from './journal.ts'
import type { EmulatorModule, RequestContext } from './module.ts'
import { describeAjvError, fullValidatorFor } from './schema.ts'
import type { VendorPlugin } from './vendor.ts'

declare module './module.ts' {
  interface Stores {
    faults: FaultRules
  }
}

export type { FaultRule }

/** A rule as the control plane lists it: what was given, its id, and how often it acted. */
export type FaultView = FaultRule & {
  id: string
  match: NonNullable<FaultRule['match']>
  /** Matches it acted on so far. */
  hits: number
  /** Matches it will still act on; null when unlimited (no `times`). */
  remaining: number | null
}

interface ActiveRule {
  id: string
  rule: FaultRule
  /** The vendor the rule applies to: match.vendor, or implied by respond.errcode (WeCom) / respond.code (Feishu). */
  vendor: Vendor | undefined
  pathPrefix: string | undefined
  hits: number
  remaining: number | null
}

/** A header name is an RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** What node:http and fetch carry in a header value: tab, space, visible ASCII and Latin-1 (obs-text). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/
/** The emulator frames its answers and sends the body as is: a fault saying otherwise breaks the connection. */
const FRAMING_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'content-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'te',
  'trailer',
])
/** Names and values together; Node's fetch refuses an answer whose headers pass 16 KB. */
const MAX_FAULT_HEADER_CHARS = 8192
/** Statuses whose answers carry no body (https://www.rfc-editor.org/rfc/rfc9110#section-15.3.5, 15.3.6 and 15.4.5): the envelope would be lost. */
const BODYLESS_STATUSES = new Set([204, 205, 304])

/** What the schema cannot say about respond.status and respond.headers: what HTTP can carry. */
function wireProblems(respond: NonNullable<FaultRule['respond']>): string[] {
  const problems: string[] = []
  if (respond.status !== undefined && BODYLESS_STATUSES.has(respond.status))
    problems.push(`respond.status: ${respond.status} answers have no body, so the vendor's envelope would be lost`)
  let size = 0
  for (const [name, value] of Object.entries(respond.headers ?? {})) {
    size += name.length + value.length
    if (!HEADER_NAME.test(name)) {
      problems.push(`respond.headers: "${echo(name)}" is not a header name (letters, digits and !#$%&'*+-.^_\`|~)`)
      continue
    }
    if (FRAMING_HEADERS.has(name.toLowerCase()))
      problems.push(`respond.headers["${name}"]: the emulator frames its answers itself; a fault cannot set ${name}`)
    if (!HEADER_VALUE.test(value))
      problems.push(
        `respond.headers["${name}"]: a header value cannot hold CR, LF or other control characters, nor characters past U+00FF (percent-encode them)`,
      )
  }
  if (size > MAX_FAULT_HEADER_CHARS)
    problems.push(`respond.headers: ${size} characters of names and values; at most ${MAX_FAULT_HEADER_CHARS}`)
  return problems
}

/**
 * Schema first (every problem at once, named by field), then what a schema cannot say. The vendors say which
 * code field is theirs (`respond.errcode` WeCom, `respond.code` Feishu), so a rule knows its vendor.
 */
export function checkFaultRule(
  input: unknown,
  vendors: readonly VendorPlugin[],
): { rule: FaultRule; vendor: Vendor | undefined; problems?: undefined } | { problems: string[] } {
  const validate = fullValidatorFor<FaultRule>(faultSchema)
  if (!validate(input)) return { problems: (validate.errors ?? []).map(describeAjvError) }
  const rule = input
  const problems: string[] = []
  const { respond } = rule
  let vendor: Vendor | undefined = rule.match?.vendor
  if (respond) {
    const given = vendors.filter((v) => respond[v.codeField] !== undefined)
    if (given.length !== 1)
      problems.push(
        `respond: give ${vendors.map((v) => `${v.codeField} (${v.displayName})`).join(' or ')}, exactly one of them`,
      )
    for (const v of given) {
      const field = v.codeField
      const code = respond[field]!
      if (code === 0) problems.push(`respond.${field}: 0 is success, not a fault`)
      else if (!catalogues[v.vendor].has(code))
        problems.push(
          `respond.${field}: ${code} is not a ${v.displayName} code in its error catalogue (contracts/errors/${v.vendor}.json; installed: dist/contracts/errors/${v.vendor}.json)`,
        )
      const other = vendors.find((o) => o.vendor === rule.match?.vendor && o !== v)
      if (other)
        problems.push(
          `respond.${field}: a ${v.displayName} ${field} cannot answer ${other.displayName} requests (match.vendor is "${other.vendor}")`,
        )
    }
    vendor ??= given[0]?.vendor
    if (rule.drop) problems.push('drop: a dropped connection has no answer; give respond or drop, not both')
    problems.push(...wireProblems(respond))
  }
  if (!respond && rule.delay_ms === undefined && !rule.drop)
    problems.push('(root): a fault needs respond, delay_ms or drop: true')
  return problems.length ? { problems } : { rule, vendor }
}

export class FaultRules {
  private rules: ActiveRule[] = []
  private seq = 0

  constructor(private readonly maxRules: number) {}

  get size(): number {
    return this.rules.length
  }

  /** Adds a checked rule (see `checkFaultRule`), for its vendor. Over the cap, the oldest used-up rule makes room. */
  add(rule: FaultRule, vendor: Vendor | undefined): FaultView | { refused: string } {
    if (this.rules.length >= this.maxRules) {
      const spent = this.rules.findIndex((r) => r.remaining === 0)
      if (spent < 0) return { refused: `at most ${this.maxRules} fault rules (faults.maxRules); remove some first` }
      this.rules.splice(spent, 1)
    }
    const path = rule.match?.path
    const active: ActiveRule = {
      id: `f${++this.seq}`,
      rule: { ...rule, match: { ...rule.match } },
      vendor,
      pathPrefix: path?.endsWith('*') ? path.slice(0, -1) : undefined,
      hits: 0,
      remaining: rule.times ?? null,
    }
    this.rules.push(active)
    return view(active)
  }

  list(): FaultView[] {
    return this.rules.map(view)
  }

  remove(id: string): FaultView | undefined {
    const i = this.rules.findIndex((r) => r.id === id)
    if (i < 0) return undefined
    return view(this.rules.splice(i, 1)[0]!)
  }

  clear(): number {
    const n = this.rules.length
    this.rules = []
    return n
  }

  /**
   * The first rule that matches and acts on this request (its probability drawn from the seeded random
   * source), counted as a hit; later rules are not consulted.
   */
  pick(ctx: RequestContext, vendor: VendorPlugin): ActiveRule | undefined {
    let user: string | undefined | null = null
    let mailbox: string | undefined | null = null
    for (const r of this.rules) {
      if (r.remaining === 0) continue
      const m = r.rule.match!
      if (r.vendor !== undefined && r.vendor !== ctx.route.vendor) continue
      if (m.path !== undefined) {
        if (
          r.pathPrefix !== undefined
            ? !ctx.path.startsWith(r.pathPrefix)
            : ctx.path !== m.path && ctx.route.path !== m.path
        )
          continue
      }
      if (m.app !== undefined && !appMatches(ctx.tags.app, m.app)) continue
      if (m.user !== undefined) {
        if (user === null) user = ctx.tags.user ?? vendor.userOf?.(ctx)
        if (user !== m.user) continue
      }
      if (m.mailbox !== undefined) {
        if (mailbox === null) mailbox = ctx.tags.mailbox ?? vendor.mailboxOf?.(ctx)
        if (mailbox?.toLowerCase() !== m.mailbox.toLowerCase()) continue
      }
      if (r.rule.probability !== undefined && !(ctx.env.random.next() < r.rule.probability)) continue
      r.hits++
      if (r.remaining !== null) r.remaining--
      // The journal then shows who the fault hit, even where the handler never ran to say so.
      if (typeof user === 'string') ctx.tags.user ??= user
      if (typeof mailbox === 'string') ctx.tags.mailbox ??= mailbox
      return r
    }
    return undefined
  }
}

function view(r: ActiveRule): FaultView {
  return { id: r.id, ...r.rule, match: { ...r.rule.match }, hits: r.hits, remaining: r.remaining }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

async function act(ctx: RequestContext, r: ActiveRule, vendor: VendorPlugin): Promise<CoreResponse | undefined> {
  const { rule } = r
  if (rule.delay_ms) await sleep(rule.delay_ms)
  if (rule.drop) {
    return {
      status: 0,
      headers: { 'x-worksuite-mock-reason': `fault ${r.id}: connection dropped` },
      body: '',
      drop: true,
    }
  }
  const respond = rule.respond
  if (!respond) return undefined
  const code = respond[vendor.codeField]!
  const headers = { ...vendor.faultHeaders?.(ctx, code), ...respond.headers }
  throw new VendorError(code, `fault ${r.id}: injected ${vendor.codeField} ${code}`, {
    headers,
    ...(respond.status !== undefined ? { status: respond.status } : {}),
  })
}

/** The interceptor: nothing but a length check while no rule is set, so the hot path does not pay for faults. */
export function injectFaults(ctx: RequestContext, vendor: VendorPlugin): Promise<CoreResponse | undefined> | undefined {
  const faults = ctx.env.stores.faults
  if (!faults || faults.size === 0) return undefined
  const fired = faults.pick(ctx, vendor)
  return fired ? act(ctx, fired, vendor) : undefined
}

/** Keeps the rules in the state, so a reset clears them with everything else. */
export const faultsModule: EmulatorModule = {
  name: 'faults',
  createStores: (env) => ({ faults: new FaultRules(env.config.faults.maxRules) }),
}
