/**
 * The control plane in process: what `/__mock/*` serves over HTTP and `emulator.control` offers to tests.
 * It never answers on a vendor path. The core's own operations (reset, clock, config, journal, faults) are
 * methods here; the read-backs of what the features keep (meetings, schedules, mailboxes), token expiry,
 * OAuth codes and each vendor's part of the defaults are contributed by the modules (`EmulatorModule.control`),
 * so this file knows no vendor. Every operation also has a framework-free route (`routes()`), which the
 * stub server's control router and `serve()` answer alike.
 */

import type { BudgetState } from './budget.ts'
import { CLOCK_MAX_SECONDS, CLOCK_MIN_SECONDS, type Clock, type ClockChange, type ClockState } from './clock.ts'
import { applyConfig, type Config, ConfigError, STARTUP_ONLY_SETTINGS } from './config.ts'
import { ControlError } from './errors.ts'
import { checkFaultRule, type FaultRule, type FaultView } from './faults.ts'
import type { JournalEntry, JournalFilter } from './journal.ts'
import type { ControlOperations, ControlRoute, Defaults, EmulatorModule, Env } from './module.ts'
import { registryEntries } from './registry.ts'
import { buildReport, type ClientReport } from './report.ts'
import { reportJunit, reportMarkdown } from './report-render.ts'
import type { VendorPlugin } from './vendor.ts'

export type { Defaults }
export { ControlError }

export interface RequestsPage {
  /** How many entries match the filter. */
  count: number
  /** How many the journal holds in all, and at most. */
  total: number
  capacity: number
  /** WeCom entries also carry their code as `errcode`, the vendor's own name for it (its `codeField`). */
  entries: (JournalEntry & { errcode?: number | null })[]
}

/** What the control plane drives: the emulator, seen through the few members it needs. */
export interface ControlHost {
  readonly clock: Clock
  readonly config: Config
  /** The current state; replaced by `reset()`. */
  readonly state: Env
  readonly plugins: readonly EmulatorModule[]
  readonly vendorPlugins: readonly VendorPlugin[]
  reset(): void
  setConfig(next: Config): void
}

/** A control request's answer: its status and JSON body (or a `ControlText`, sent as it is). */
export interface ControlAnswer {
  status: number
  body: unknown
}

/** A control answer that is not JSON (the report as JUnit XML or markdown): the router sends it with its type. */
export class ControlText {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
}

const REPORT_FORMATS = ['json', 'junit', 'markdown'] as const

const TEXT_FILTERS = ['vendor', 'route', 'path', 'method', 'app', 'user', 'mailbox', 'contains', 'reason'] as const
const NUMBER_FILTERS = ['code', 'errcode', 'status', 'since', 'until', 'limit'] as const
const FILTERS = new Set<string>([...TEXT_FILTERS, ...NUMBER_FILTERS])
/** What a journal entry's `route` can be: a registry id, or a vendor's gateway pseudo-route (unknown paths). */
const JOURNAL_ROUTES: ReadonlySet<string> = new Set([
  ...registryEntries.map((e) => e.id),
  ...new Set(registryEntries.map((e) => `${e.vendor}.gateway`)),
])

/**
 * The journal filter of `GET /__mock/requests`. A misspelt filter or a route that is no route id is refused:
 * ignored, it would answer every entry or none, and a test asserting a count would pass by accident.
 */
function filterFrom(q: URLSearchParams, routes: ReadonlySet<string>): JournalFilter {
  checkFilter(q.keys(), q.get('route') ?? undefined, routes)
  const f: JournalFilter = {}
  const n = (k: string) => {
    const v = q.get(k)
    if (v === null) return undefined
    const num = Number(v)
    if (!Number.isFinite(num)) throw new ControlError(400, `query parameter "${k}" must be a number`)
    return num
  }
  for (const k of TEXT_FILTERS) {
    const v = q.get(k)
    if (v !== null) f[k] = v
  }
  // `errcode` is WeCom's word for `code`: either works, for either vendor.
  for (const k of NUMBER_FILTERS) {
    const v = n(k)
    if (v !== undefined) f[k] = v
  }
  return f
}

/** The filter's names and route, checked alike over HTTP and in process (`control.requests(filter)`). */
function checkFilter(keys: Iterable<string>, route: string | undefined, routes: ReadonlySet<string>): void {
  for (const k of keys)
    if (!FILTERS.has(k)) throw new ControlError(400, `unknown filter "${k}" (filters: ${[...FILTERS].join(', ')})`)
  if (route !== undefined && !routes.has(route))
    throw new ControlError(
      400,
      `no route "${route.slice(0, 64)}": route takes an endpoint id such as wecom.meeting.create or <vendor>.gateway; a path goes in path=`,
    )
}

/** A JSON object body, or {} for anything else (`curl -X POST` without a body). */
export function objectBody(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/')
  const got = path.split('/')
  if (want.length !== got.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!
    const g = got[i]!
    if (w.startsWith(':')) {
      if (!g) return undefined
      try {
        params[w.slice(1)] = decodeURIComponent(g)
      } catch {
        params[w.slice(1)] = g
      }
    } else if (w !== g) return undefined
  }
  return params
}

/** The contributed operations are methods of `Control` too: the constructor installs them. */
export interface Control extends ControlOperations {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above types what the constructor installs
export class Control {
  private readonly table: ControlRoute[]

  constructor(private readonly host: ControlHost) {
    const self = this as unknown as Record<string, unknown>
    for (const m of host.plugins) {
      for (const [name, op] of Object.entries(m.control?.operations ?? {})) {
        if (name in self) throw new Error(`[worksuite-mock] ${m.name}: control operation "${name}" is taken`)
        self[name] = (...args: unknown[]) => (op as (env: Env, ...a: unknown[]) => unknown)(host.state, ...args)
      }
    }
    this.table = [...this.ownRoutes(), ...host.plugins.flatMap((m) => m.control?.routes ?? [])]
  }

  /** The seed's credentials, one member per vendor: the first corp and Feishu app are what a quick start uses. */
  defaults(): Defaults {
    const env = this.host.state
    return Object.assign({}, ...this.host.plugins.map((m) => m.control?.defaults?.(env) ?? {})) as Defaults
  }

  /** Back to the seed: state, clock (real time again), journal, fault rules. */
  reset(): void {
    this.host.reset()
  }

  clock(): ClockState {
    return this.host.clock.state()
  }

  setClock(change: ClockChange): ClockState {
    for (const [k, v] of Object.entries(change)) {
      if (!['now', 'advance', 'frozen'].includes(k)) throw new ControlError(400, `unknown clock field "${k}"`)
      if (k === 'frozen' ? typeof v !== 'boolean' : typeof v !== 'number' || !Number.isFinite(v)) {
        throw new ControlError(
          400,
          `clock field "${k}" must be ${k === 'frozen' ? 'a boolean' : 'a number of seconds'}`,
        )
      }
    }
    const target = this.host.clock.targetOf(change)
    if (!(target >= CLOCK_MIN_SECONDS && target <= CLOCK_MAX_SECONDS)) {
      const field = change.advance !== undefined ? 'advance' : 'now'
      throw new ControlError(
        400,
        `clock field "${field}" would set the clock to ${target} (Unix seconds); it must stay within ${CLOCK_MIN_SECONDS} and ${CLOCK_MAX_SECONDS} (1970-01-01 to 9999-12-31 Beijing time)`,
      )
    }
    return this.host.clock.change(change)
  }

  /** The settings in effect (defaults, config file, environment, flags merged). */
  config(): Config {
    return this.host.config
  }

  /**
   * Changes settings while running: `patch` is a partial config (contracts/schemas/config.schema.json) merged
   * over the settings in effect and validated like a config file; it acts from the next request on, until
   * `reset` restores the start-up settings. What is read per request can change (feishu.mail.*: lock hold,
   * rate limit, size and store caps, daily quotas, checks; server.maxBodyBytes, lingerBytes, lingerMs,
   * allowedHosts; wecom.maxCalendars; state.maxBytes, which evicts at once when lowered); settings read only at start-up or when
   * state is built (STARTUP_ONLY_SETTINGS: server host/port/timeout/controlToken, journal, faults and wecom
   * caps, token lifetimes, wecom.meetingStatusFromClock) are refused with a 400 naming the field.
   */
  setConfig(patch: unknown): Config {
    let next: Config
    try {
      next = applyConfig(this.host.config, patch, 'setConfig')
    } catch (e) {
      if (e instanceof ConfigError) throw new ControlError(400, `invalid config: ${e.problems.join('; ')}`)
      throw e
    }
    const current = this.host.config as unknown as Record<string, unknown>
    for (const path of STARTUP_ONLY_SETTINGS) {
      const at = (o: unknown) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], o)
      if (JSON.stringify(at(current)) !== JSON.stringify(at(next)))
        throw new ControlError(
          400,
          `config field "${path}" applies only at start-up; set it in the config file or flags`,
        )
    }
    this.host.setConfig(next)
    return next
  }

  /** The journal, filtered; `count` is how many match (before `limit`), `total` and `capacity` the journal's fill. */
  requests(filter: JournalFilter = {}): RequestsPage {
    checkFilter(Object.keys(filter), filter.route, JOURNAL_ROUTES)
    const journal = this.host.state.journal
    const { limit, ...rest } = filter
    const matches = journal.query(rest)
    const entries = limit !== undefined ? matches.slice(matches.length - Math.min(limit, matches.length)) : matches
    const errcodeVendors = new Set(
      this.host.vendorPlugins.filter((v) => v.codeField === 'errcode').map((v) => v.vendor),
    )
    return {
      count: matches.length,
      total: journal.size,
      capacity: journal.maxEntries,
      entries: entries.map((e) =>
        errcodeVendors.has(e.vendor as VendorPlugin['vendor']) ? { ...e, errcode: e.code } : e,
      ),
    }
  }

  /**
   * What the emulator keeps against its byte budget (`state.maxBytes`): bytes used in all and per store,
   * the journal's share, and how many records the budget evicted (oldest first) since the last reset.
   */
  state(): BudgetState {
    return this.host.state.budget.state()
  }

  /** Empties the journal (state, clock and faults stay). */
  clearRequests(): { removed: number } {
    return { removed: this.host.state.journal.clear() }
  }

  /**
   * Adds a fault rule (contracts/schemas/fault.schema.json); it acts from the next request on. A rule that
   * breaks the schema or names a code outside the catalogues is refused with a 400 naming the field.
   */
  addFault(rule: FaultRule): FaultView {
    const checked = checkFaultRule(rule, this.host.vendorPlugins)
    if (checked.problems) throw new ControlError(400, `invalid fault rule: ${checked.problems.join('; ')}`)
    const added = this.host.state.stores.faults.add(checked.rule, checked.vendor)
    if ('refused' in added) throw new ControlError(409, added.refused)
    return added
  }

  /** Every fault rule, oldest first, with how often it acted and how many matches it has left. */
  faults(): FaultView[] {
    return this.host.state.stores.faults.list()
  }

  removeFault(id: string): FaultView {
    const removed = this.host.state.stores.faults.remove(id)
    if (!removed) throw new ControlError(404, `no fault rule "${id}"`)
    return removed
  }

  clearFaults(): { removed: number } {
    return { removed: this.host.state.stores.faults.clear() }
  }

  /** Expire one token (WeCom access_token, Feishu user or tenant token): 42001 / 99991677 follow. */
  expireToken(token: string): void {
    const env = this.host.state
    if (!this.host.plugins.some((m) => m.control?.expireToken?.(env, token)))
      throw new ControlError(404, `no token "${token}" was issued or seeded`)
  }

  /**
   * The client report since the last reset: per route the calls and the codes answered, the documented rules
   * the requests broke (with a journal example while it is held), and the documented codes of the routes
   * called that were never answered, each with the fault rule, clock move or request that produces it.
   */
  report(): ClientReport {
    const env = this.host.state
    return buildReport({
      counters: env.report,
      journal: env.journal,
      config: this.host.config,
      codeFields: Object.fromEntries(this.host.vendorPlugins.map((v) => [v.vendor, v.codeField])) as Record<
        VendorPlugin['vendor'],
        VendorPlugin['codeField']
      >,
    })
  }

  /** Every control route, the core's and the modules', as the control router mounts them. */
  routes(): readonly ControlRoute[] {
    return this.table
  }

  /**
   * Answers one control request as `/__mock<url>` would, without HTTP: the same routes, statuses and JSON.
   * Undefined when no route matches; a refusal throws its ControlError.
   */
  serve(method: string, url: string, body?: unknown): ControlAnswer | undefined {
    const q = url.indexOf('?')
    const path = q < 0 ? url : url.slice(0, q)
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1))
    for (const route of this.table) {
      if (route.method !== method.toUpperCase()) continue
      const params = matchPath(route.path, path)
      if (!params) continue
      return { status: route.status ?? 200, body: route.handle({ params, query, body }, this.host.state) }
    }
    return undefined
  }

  private ownRoutes(): ControlRoute[] {
    return [
      { method: 'GET', path: '/defaults', handle: () => this.defaults() },
      {
        method: 'POST',
        path: '/reset',
        handle: () => {
          this.reset()
          return { ok: true, clock: this.clock() }
        },
      },
      { method: 'GET', path: '/clock', handle: () => this.clock() },
      { method: 'PUT', path: '/clock', handle: ({ body }) => this.setClock(objectBody(body)) },
      { method: 'GET', path: '/config', handle: () => this.config() },
      // The body as sent, so a non-object is refused by the schema rather than read as {}.
      { method: 'PUT', path: '/config', handle: ({ body }) => this.setConfig(body ?? {}) },
      { method: 'GET', path: '/state', handle: () => this.state() },
      { method: 'GET', path: '/requests', handle: ({ query }) => this.requests(filterFrom(query, JOURNAL_ROUTES)) },
      {
        method: 'GET',
        path: '/report',
        handle: ({ query }) => {
          const format = query.get('format') ?? 'json'
          if (!(REPORT_FORMATS as readonly string[]).includes(format))
            throw new ControlError(400, `query parameter "format" must be one of ${REPORT_FORMATS.join(', ')}`)
          const report = this.report()
          if (format === 'junit') return new ControlText('application/xml; charset=utf-8', reportJunit(report))
          if (format === 'markdown') return new ControlText('text/markdown; charset=utf-8', reportMarkdown(report))
          return report
        },
      },
      { method: 'DELETE', path: '/requests', handle: () => this.clearRequests() },
      // The body as sent (not objectBody), so an array or a string is refused by the schema, not read as {}.
      { method: 'POST', path: '/faults', status: 201, handle: ({ body }) => this.addFault((body ?? {}) as FaultRule) },
      {
        method: 'GET',
        path: '/faults',
        handle: () => {
          const faults = this.faults()
          return { count: faults.length, faults }
        },
      },
      { method: 'DELETE', path: '/faults', handle: () => this.clearFaults() },
      { method: 'DELETE', path: '/faults/:id', handle: ({ params }) => ({ removed: this.removeFault(params.id!) }) },
      {
        method: 'POST',
        path: '/tokens/expire',
        handle: ({ body }) => {
          const token = objectBody(body).token
          if (typeof token !== 'string') throw new ControlError(400, 'give {"token": "<the token>"}')
          this.expireToken(token)
          return { ok: true, token }
        },
      },
    ]
  }
}
