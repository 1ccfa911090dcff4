/**
 * The client report (`GET /__mock/report`, `control.report()`): what a client's requests did since the last
 * reset. Which endpoints it called and which codes each answered, which documented rules its requests broke,
 * and which documented codes of the endpoints it called it never received, each with how to produce it.
 *
 * The journal is bounded, so the report counts for itself: `ReportCounters` lives in the state (a reset
 * replaces it) and every answered request adds to it, a few property increments and no bodies. Its keys are
 * bounded by the data: route ids (contracts/endpoints.json, plus the `<vendor>.gateway` pseudo-routes and
 * `none`), the codes the catalogues hold, and the rule ids of contracts/rules. The journal gives examples
 * only: the `seq` of the last request that broke a rule, while the journal still holds it.
 *
 * What "documented" means per route: the refusal codes of its rules file and of its auth kind's (the same
 * binding the OpenAPI documents use), and the vendor-wide codes of contracts/failure-modes.json. The hints
 * come from data too: a code in the vendor's catalogue can be injected by a fault rule on the route's path;
 * a rule the clock produces (failure-modes.json `clock`) gets the clock move past its lifetime setting; a
 * rule gets its id, which names the request that breaks it.
 */
import failureModes from '../../contracts/failure-modes.json' with { type: 'json' }
import type { FailureModes } from '../generated/contracts.ts'
import { RULES, type RuleEntry } from '../generated/rules.ts'
import type { Config } from './config.ts'
import { catalogues, type Vendor } from './errors.ts'
import type { Journal } from './journal.ts'
import { registryAuthKinds, registryEntries } from './registry.ts'

const modes = failureModes as FailureModes

/** The key an answer without a vendor code counts under: a dropped connection, or the HTTP status. */
export function answerKey(status: number, code: number | null): string | number {
  if (code !== null) return code
  return status === 0 ? 'dropped' : `http ${status}`
}

interface RouteTally {
  calls: number
  /** By code (a Map: a number-keyed object increment costs several times a Map's on the hot path). */
  codes: Map<string | number, number>
}

interface RuleTally {
  count: number
  routes: Map<string, number>
  /** The journal seq of the last request that broke it (null when the journal kept none of them). */
  lastSeq: number | null
  lastReason: string
}

const refusals: ReadonlyMap<string, RuleEntry> = new Map(
  (Object.values(RULES) as RuleEntry[]).filter((r) => r.kind === 'refusal').map((r) => [r.id, r]),
)

/** The rule a reason names (`<rule id>: <detail>`), when it is a documented refusal; faults and emulator errors name none. */
export function ruleOfReason(reason: string | null): RuleEntry | undefined {
  if (reason === null) return undefined
  const colon = reason.indexOf(':')
  return refusals.get(colon < 0 ? reason : reason.slice(0, colon))
}

/** Counts every answered request since the last reset: per route, per code, per rule broken. */
export class ReportCounters {
  requests = 0
  private readonly routes = new Map<string, RouteTally>()
  private readonly rules = new Map<string, RuleTally>()

  /**
   * One answered request. `route` is the registry id, or the vendor's gateway pseudo-route for a path it has
   * no route for, or `none` off every vendor's paths; `seq` is its journal entry, null when none was kept.
   */
  count(route: string, status: number, code: number | null, reason: string | null, seq: number | null): void {
    this.requests++
    let tally = this.routes.get(route)
    if (tally === undefined) {
      tally = { calls: 0, codes: new Map() }
      this.routes.set(route, tally)
    }
    tally.calls++
    const key = answerKey(status, code)
    tally.codes.set(key, (tally.codes.get(key) ?? 0) + 1)
    const rule = ruleOfReason(reason)
    if (rule === undefined) return
    let broken = this.rules.get(rule.id)
    if (broken === undefined) {
      broken = { count: 0, routes: new Map(), lastSeq: null, lastReason: '' }
      this.rules.set(rule.id, broken)
    }
    broken.count++
    broken.routes.set(route, (broken.routes.get(route) ?? 0) + 1)
    if (seq !== null) broken.lastSeq = seq
    broken.lastReason = reason!
  }

  routeTallies(): ReadonlyMap<string, RouteTally> {
    return this.routes
  }

  ruleTallies(): ReadonlyMap<string, RuleTally> {
    return this.rules
  }
}

/** A control request, as a hint: what to send to `/__mock` for the code to follow. */
export interface ControlHint {
  method: 'POST' | 'PUT'
  path: string
  body: Record<string, unknown>
}

export interface UnexercisedCode {
  code: number
  /** The catalogue's text for it. */
  message: string
  /** The rules of this route that answer it: a request breaking one produces it. Empty for a vendor-wide code. */
  rules: string[]
  /** A vendor-wide code (contracts/failure-modes.json): when the vendor answers it. */
  when?: string
  hint: {
    /** The clock move past the lifetime that makes the client's token (or code) expire. */
    clock?: ControlHint
    /** Expires one token at once. */
    expireToken?: ControlHint
    /** The fault rule that answers it on the route's next call. */
    fault?: ControlHint
  }
}

export interface ClientReport {
  /** Requests answered since the last reset: what the report covers. */
  requests: number
  /** The journal's part: entries held now (since the last reset, unless emptied), its bound, the oldest seq held. */
  journal: { held: number; capacity: number; oldestSeq: number | null }
  endpoints: { route: string; calls: number; codes: Record<string, number> }[]
  violations: {
    rule: string
    /** The vendor code it answers; null for a rule answered by HTTP status alone (an unknown path's 404). */
    code: number | null
    status: number
    count: number
    routes: Record<string, number>
    /** The journal seq of the last request that broke it; null once the journal no longer holds it. */
    example: number | null
    /** The last one's reason, as `x-worksuite-mock-reason` said it. */
    reason: string
    doc?: string
  }[]
  unexercised: { route: string; codes: UnexercisedCode[] }[]
  /** The registry's routes the client never called (their codes are not listed under `unexercised`). */
  uncalled: string[]
}

export interface ReportSources {
  counters: ReportCounters
  journal: Journal
  config: Config
  /** Each vendor's code field (`errcode`, `code`): what a fault rule's `respond` names. */
  codeFields: Readonly<Record<Vendor, 'errcode' | 'code'>>
}

/** Vendor codes in numeric order, then the HTTP-only answers (`dropped`, `http 404`) by name. */
function sortedCodes(codes: ReadonlyMap<string | number, number>): Record<string, number> {
  const keys = [...codes.keys()].sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b
    if (typeof a === 'number') return -1
    if (typeof b === 'number') return 1
    return a < b ? -1 : a > b ? 1 : 0
  })
  return Object.fromEntries(keys.map((k) => [String(k), codes.get(k)!]))
}

const ruleFileEndpoint = (file: string | undefined) => file?.replace(/\.json$/, '')

function settingAt(config: Config, path: string): number | undefined {
  const v = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], config)
  return typeof v === 'number' ? v : undefined
}

/** The documented codes of one registry route, each with the rules that answer it, in code order. */
function documentedCodes(entry: (typeof registryEntries)[number]): Map<number, { rules: RuleEntry[]; when?: string }> {
  const files = [ruleFileEndpoint(entry.rules), ruleFileEndpoint(registryAuthKinds[entry.auth]?.rules)]
  const out = new Map<number, { rules: RuleEntry[]; when?: string }>()
  for (const r of refusals.values()) {
    if (r.code === 0 || !files.includes(r.endpoint)) continue
    const at = out.get(r.code) ?? { rules: [] }
    at.rules.push(r)
    out.set(r.code, at)
  }
  for (const m of modes.vendorWide) {
    if (m.vendor !== entry.vendor || (m.auth && !m.auth.includes(entry.auth))) continue
    const at = out.get(m.code) ?? { rules: [] }
    at.when = m.when
    out.set(m.code, at)
  }
  return new Map([...out].sort(([a], [b]) => a - b))
}

export function buildReport(src: ReportSources): ClientReport {
  const { counters, journal, config } = src
  const tallies = counters.routeTallies()
  const known = registryEntries.map((e) => e.id)
  // Then the gateways' pseudo-routes (unknown paths), and last what no vendor owns.
  const others = [...tallies.keys()].filter((k) => !known.includes(k) && k !== 'none').sort()
  if (tallies.has('none')) others.push('none')
  const endpoints = [...known, ...others]
    .filter((route) => tallies.has(route))
    .map((route) => {
      const t = tallies.get(route)!
      return { route, calls: t.calls, codes: sortedCodes(t.codes) }
    })

  const oldest = journal.oldestSeq
  const violations = [...counters.ruleTallies()]
    .map(([rule, t]) => {
      const entry = refusals.get(rule)!
      return {
        rule,
        code: entry.code === 0 ? null : entry.code,
        status: entry.status,
        count: t.count,
        routes: Object.fromEntries(t.routes),
        example: t.lastSeq !== null && oldest !== null && t.lastSeq >= oldest ? t.lastSeq : null,
        reason: t.lastReason,
        ...(entry.doc ? { doc: entry.doc } : {}),
      }
    })
    .sort((a, b) => b.count - a.count || (a.rule < b.rule ? -1 : 1))

  const clockOf = new Map(modes.clock.map((c) => [c.rule, c]))
  const unexercised = registryEntries
    .filter((e) => tallies.has(e.id))
    .map((e) => {
      const received = tallies.get(e.id)!.codes
      const codeField = src.codeFields[e.vendor]
      const codes: UnexercisedCode[] = []
      for (const [code, { rules, when }] of documentedCodes(e)) {
        if (received.has(code)) continue
        const hint: UnexercisedCode['hint'] = {}
        for (const r of rules) {
          const clock = clockOf.get(r.id)
          const lifetime = clock && settingAt(config, clock.lifetime)
          if (lifetime !== undefined && !hint.clock)
            hint.clock = { method: 'PUT', path: '/__mock/clock', body: { advance: lifetime + 1 } }
          if (clock?.expireToken && !hint.expireToken)
            hint.expireToken = { method: 'POST', path: '/__mock/tokens/expire', body: { token: '<the token>' } }
        }
        if (catalogues[e.vendor].has(code))
          hint.fault = {
            method: 'POST',
            path: '/__mock/faults',
            body: { match: { path: e.path }, respond: { [codeField]: code }, times: 1 },
          }
        codes.push({
          code,
          message: catalogues[e.vendor].get(code)?.message ?? rules[0]?.message ?? '',
          // The ids a reason names: a rule refused under another's id (a gateway rule restated) is that one.
          rules: [...new Set(rules.map((r) => r.refusedAs ?? r.id))],
          ...(when ? { when } : {}),
          hint,
        })
      }
      return { route: e.id, codes }
    })

  return {
    requests: counters.requests,
    journal: { held: journal.size, capacity: journal.maxEntries, oldestSeq: oldest },
    endpoints,
    violations,
    unexercised,
    uncalled: known.filter((id) => !tallies.has(id)),
  }
}
