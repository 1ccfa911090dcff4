/**
 * The control plane in process: what `/__mock/*` serves over HTTP and `emulator.control` offers to tests.
 * It never answers on a vendor path.
 */

import { controlView } from '../feishu/mail/store.ts'
import type { MeetingRecord, MeetingStatus } from '../wecom/meetings/store.ts'
import { type ScheduleOrigin, scheduleView } from '../wecom/schedules/store.ts'
import type { ClockChange, ClockState } from './clock.ts'
import { applyConfig, type Config, ConfigError, STARTUP_ONLY_SETTINGS } from './config.ts'
import type { EmulatorCore } from './emulator.ts'
import { checkFaultRule, type FaultRule, type FaultView } from './faults.ts'
import type { JournalEntry, JournalFilter } from './journal.ts'

export interface Defaults {
  wecom: {
    corpid: string
    apps: { agentid: number; corpsecret: string; name: string }[]
    corps: { corpid: string; tier: string; apps: { agentid: number; corpsecret: string; name: string }[] }[]
  }
  feishu: {
    app_id: string
    app_secret: string
    apps: { app_id: string; app_secret: string; tenant_key: string }[]
    users: { open_id: string; name: string; mailbox: string; user_access_token: string | null; app_id: string | null }[]
  }
}

export interface RequestsPage {
  /** How many entries match the filter. */
  count: number
  /** How many the journal holds in all, and at most. */
  total: number
  capacity: number
  /** WeCom entries also carry their code as `errcode`, the vendor's own name for it (its `codeField`). */
  entries: (JournalEntry & { errcode?: number | null })[]
}

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export class Control {
  constructor(private readonly core: EmulatorCore) {}

  /** The seed's credentials: the first corp and Feishu app are the defaults a quick start uses. */
  defaults(): Defaults {
    const { seed } = this.core.state
    const corps = seed.wecom.corps.map((c) => ({
      corpid: c.corpid,
      tier: c.tier,
      apps: c.apps.map((a) => ({ agentid: a.agentid, corpsecret: a.corpsecret, name: a.name ?? `app ${a.agentid}` })),
    }))
    const tenants = seed.feishu.tenants
    const apps = tenants.flatMap((t) =>
      t.apps.map((a) => ({ app_id: a.app_id, app_secret: a.app_secret, tenant_key: t.tenant_key })),
    )
    const users = tenants.flatMap((t) =>
      t.users.map((u) => ({
        open_id: u.open_id,
        name: u.name,
        mailbox: u.mailbox,
        user_access_token: u.user_access_tokens?.[0]?.token ?? null,
        app_id: u.user_access_tokens?.[0]?.app_id ?? null,
      })),
    )
    return {
      wecom: { corpid: corps[0]?.corpid ?? '', apps: corps[0]?.apps ?? [], corps },
      feishu: { app_id: apps[0]?.app_id ?? '', app_secret: apps[0]?.app_secret ?? '', apps, users },
    }
  }

  /** Back to the seed: state, clock (real time again), journal, fault rules. */
  reset(): void {
    this.core.reset()
  }

  clock(): ClockState {
    return this.core.clock.state()
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
    return this.core.clock.change(change)
  }

  /** The settings in effect (defaults, config file, environment, flags merged). */
  config(): Config {
    return this.core.config
  }

  /**
   * Changes settings while running: `patch` is a partial config (contracts/schemas/config.schema.json) merged
   * over the settings in effect and validated like a config file; it acts from the next request on, until
   * `reset` restores the start-up settings. What is read per request can change (feishu.mail.*: lock hold,
   * rate limit, size and store caps, daily quotas, checks; server.maxBodyBytes); settings read only at
   * start-up or when state is built (STARTUP_ONLY_SETTINGS: server host/port/timeout, journal, faults and
   * wecom caps, token lifetimes, wecom.meetingStatusFromClock) are refused with a 400 naming the field.
   */
  setConfig(patch: unknown): Config {
    let next: Config
    try {
      next = applyConfig(this.core.config, patch, 'setConfig')
    } catch (e) {
      if (e instanceof ConfigError) throw new ControlError(400, `invalid config: ${e.problems.join('; ')}`)
      throw e
    }
    const current = this.core.config as unknown as Record<string, unknown>
    for (const path of STARTUP_ONLY_SETTINGS) {
      const at = (o: unknown) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], o)
      if (JSON.stringify(at(current)) !== JSON.stringify(at(next)))
        throw new ControlError(
          400,
          `config field "${path}" applies only at start-up; set it in the config file or flags`,
        )
    }
    this.core.setConfig(next)
    return next
  }

  /** The journal, filtered; `count` is how many match (before `limit`), `total` and `capacity` the journal's fill. */
  requests(filter: JournalFilter = {}): RequestsPage {
    const journal = this.core.state.journal
    const { limit, ...rest } = filter
    const matches = journal.query(rest)
    const entries = limit !== undefined ? matches.slice(matches.length - Math.min(limit, matches.length)) : matches
    return {
      count: matches.length,
      total: journal.size,
      capacity: journal.maxEntries,
      entries: entries.map((e) => (this.codeFieldOf(e.vendor) === 'errcode' ? { ...e, errcode: e.code } : e)),
    }
  }

  private codeFieldOf(vendor: string): string | undefined {
    return this.core.vendorPlugins.find((v) => v.vendor === vendor)?.codeField
  }

  /** Empties the journal (state, clock and faults stay). */
  clearRequests(): { removed: number } {
    return { removed: this.core.state.journal.clear() }
  }

  /**
   * Adds a fault rule (contracts/schemas/fault.schema.json); it acts from the next request on. A rule that
   * breaks the schema or names a code outside the catalogues is refused with a 400 naming the field.
   */
  addFault(rule: FaultRule): FaultView {
    const checked = checkFaultRule(rule, this.core.vendorPlugins)
    if (checked.problems) throw new ControlError(400, `invalid fault rule: ${checked.problems.join('; ')}`)
    const added = this.core.state.stores.faults.add(checked.rule, checked.vendor)
    if ('refused' in added) throw new ControlError(409, added.refused)
    return added
  }

  /** Every fault rule, oldest first, with how often it acted and how many matches it has left. */
  faults(): FaultView[] {
    return this.core.state.stores.faults.list()
  }

  removeFault(id: string): FaultView {
    const removed = this.core.state.stores.faults.remove(id)
    if (!removed) throw new ControlError(404, `no fault rule "${id}"`)
    return removed
  }

  clearFaults(): { removed: number } {
    return { removed: this.core.state.stores.faults.clear() }
  }

  /**
   * WeCom schedules kept (oa/schedule/add and meeting mails), oldest first, in oa/schedule/get's shape plus
   * who owns them, where they came from and the meeting a mail created with one.
   */
  wecomSchedules(filter: { corpid?: string; agentid?: number; origin?: ScheduleOrigin } = {}) {
    return this.core.state.stores.schedules.list(filter).map((r) => ({
      ...scheduleView(r),
      corpid: r.corpid,
      agentid: r.agentid,
      origin: r.origin,
      meetingid: r.meetingid ?? null,
    }))
  }

  /** WeCom meetings kept in memory (all, or one corp / app), oldest first, with their clock-derived status. */
  meetings(filter: { corpid?: string; agentid?: number } = {}): (MeetingRecord & { status: MeetingStatus })[] {
    const store = this.core.state.stores.meetings
    const now = this.core.clock.now()
    return store.list(filter).map((m) => ({ ...m, status: store.status(m, now) }))
  }

  /** Feishu mail: every message a mailbox holds (sent copies and delivered ones), oldest first. */
  mailbox(address: string): ReturnType<typeof controlView>[] {
    return this.core.state.stores.feishuMail.store.list(address).map(controlView)
  }

  /** The schedules meeting mails created (compose_send returns no id): cancel or change one with its schedule_id. */
  wecomMailSchedules(filter: { corpid?: string; agentid?: number } = {}) {
    return this.wecomSchedules({ ...filter, origin: 'mail' })
  }

  /** What one address received through meeting mails, oldest first (its corp address for an internal user). */
  wecomMailbox(address: string) {
    if (!address.includes('@')) {
      // A userid would silently find nothing: internal users' mail is filed under their corp address.
      const emails = [...this.core.state.stores.wecomDirectory.corps.values()]
        .map((c) => c.users.get(address)?.email)
        .filter(Boolean)
      throw new ControlError(
        400,
        `give a mail address, not "${address}": internal users' mail is filed under their corp address${emails.length ? ` (${emails.join(' or ')})` : ''}`,
      )
    }
    return this.core.state.stores.mailboxes.read(address).map(({ mail, as }) => ({ ...mail, delivered_as: as }))
  }

  /** Expire one token (WeCom access_token, Feishu user or tenant token): 42001 / 99991677 follow. */
  expireToken(token: string): void {
    const { wecomTokens, feishuTokens } = this.core.state.stores
    if (!wecomTokens.expire(token) && !feishuTokens.expire(token)) {
      throw new ControlError(404, `no token "${token}" was issued or seeded`)
    }
  }

  /**
   * Issue a Feishu OAuth authorization code for a user, as the login page would; exchange it at
   * `POST /open-apis/authen/v2/oauth/token`.
   */
  issueOAuthCode(input: {
    app_id?: string
    mailbox?: string
    open_id?: string
    scope?: string
    redirect_uri?: string
  }): {
    code: string
    expires_in: number
    app_id: string
    open_id: string
  } {
    const { feishuDirectory: dir, feishuTokens: tokens } = this.core.state.stores
    const user = input.open_id
      ? dir.userByOpenId(input.open_id)
      : input.mailbox
        ? dir.userByMailbox(input.mailbox)
        : undefined
    if (!user) throw new ControlError(404, 'no Feishu user with that open_id or mailbox (give one of them)')
    const tenant = dir.tenants.get(user.tenantKey)!
    const appId = input.app_id ?? [...tenant.apps.keys()][0]!
    const app = dir.app(appId)
    if (!app || app.tenantKey !== user.tenantKey) throw new ControlError(404, `no app "${appId}" in the user's tenant`)
    const { code, expiresIn } = tokens.issueCode(
      {
        appId,
        openId: user.openId,
        tenantKey: user.tenantKey,
        scope: input.scope ?? 'mail:user_mailbox.message:send mail:user_mailbox.message:readonly',
        ...(input.redirect_uri ? { redirectUri: input.redirect_uri } : {}),
      },
      this.core.clock.now(),
    )
    return { code, expires_in: expiresIn, app_id: appId, open_id: user.openId }
  }
}
