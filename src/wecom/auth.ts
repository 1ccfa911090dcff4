/**
 * WeCom access tokens: `GET /cgi-bin/gettoken` (src/wecom/gettoken.ts) issues one per app (each app of a corp has its
 * own), and every business endpoint reads it from the `access_token` query parameter only
 * (https://developer.work.weixin.qq.com/document/path/91039; 41001 in
 * https://developer.work.weixin.qq.com/document/path/90313).
 */
import type { Clock } from '../core/clock.ts'
import { fail } from '../core/errors.ts'
import type { RequestContext } from '../core/module.ts'
import type { Persist } from '../core/persistence.ts'
import type { Random } from '../core/random.ts'
import type { Corp } from '../generated/contracts.ts'
import type { AppPermission, WecomApp, WecomCorp } from './directory.ts'

interface IssuedToken {
  corpid: string
  agentid: number
  /** Unix seconds. */
  expiresAt: number
}

/** Tokens kept per app: the current one and a few before it, so an old token answers 42001, not 40014. */
const KEPT_PER_APP = 4

/**
 * The data directory's kind of a token's row: an app caches its token for up to two hours, so a restart
 * must not turn it into 40014 (decision: the data directory).
 */
const KIND = 'wecom.token'

export class WecomTokens {
  private readonly byToken = new Map<string, IssuedToken>()
  private readonly byApp = new Map<string, string[]>()

  /** `corps`: the seed's, whose apps' pre-issued `access_tokens` are valid until expired through the control plane. */
  constructor(
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    corps: readonly Corp[] = [],
    /** The data directory (`state.dataDir`), when there is one. */
    private readonly persist?: Persist,
  ) {
    // Not in the per-app lists: gettoken's rotation never pushes them out, and the seed brings them back.
    for (const corp of corps)
      for (const app of corp.apps)
        for (const token of app.access_tokens ?? [])
          this.byToken.set(token, { corpid: corp.corpid, agentid: app.agentid, expiresAt: Number.POSITIVE_INFINITY })
    persist?.onLoad(KIND, (token, text) => this.keep(token, JSON.parse(text) as IssuedToken))
  }

  /** A new token becomes its app's current one; the oldest past KEPT_PER_APP goes. */
  private keep(token: string, issued: IssuedToken): void {
    const key = `${issued.corpid}/${issued.agentid}`
    const list = this.byApp.get(key) ?? []
    this.byToken.set(token, issued)
    list.push(token)
    while (list.length > KEPT_PER_APP) {
      const old = list.shift()!
      this.byToken.delete(old)
      this.persist?.delete(KIND, old)
    }
    this.byApp.set(key, list)
  }

  /** Within its lifetime the same token comes back, as the real gettoken does; after it, a new one. */
  issue(corpid: string, agentid: number, now: number): { token: string; expiresIn: number } {
    const key = `${corpid}/${agentid}`
    const list = this.byApp.get(key) ?? []
    const current = list.at(-1)
    const issued = current ? this.byToken.get(current) : undefined
    if (current && issued && issued.expiresAt > now) return { token: current, expiresIn: issued.expiresAt - now }
    const token = this.random.alnum(64)
    const fresh: IssuedToken = { corpid, agentid, expiresAt: now + this.ttlSeconds }
    this.persist?.put(KIND, token, JSON.stringify(fresh))
    this.keep(token, fresh)
    return { token, expiresIn: this.ttlSeconds }
  }

  lookup(token: string): IssuedToken | undefined {
    return this.byToken.get(token)
  }

  /** Control plane: the token answers 42001 from now on. */
  expire(token: string): boolean {
    const t = this.byToken.get(token)
    if (!t) return false
    t.expiresAt = Math.min(t.expiresAt, this.clock.now())
    this.persist?.put(KIND, token, JSON.stringify(t))
    return true
  }

  /** Control plane: every token of an app, or of all apps, expires now. */
  expireAll(filter: { corpid?: string; agentid?: number } = {}): number {
    let n = 0
    const now = this.clock.now()
    for (const [token, t] of this.byToken) {
      if (filter.corpid && t.corpid !== filter.corpid) continue
      if (filter.agentid !== undefined && t.agentid !== filter.agentid) continue
      if (t.expiresAt > now) {
        t.expiresAt = now
        this.persist?.put(KIND, token, JSON.stringify(t))
        n++
      }
    }
    return n
  }
}

const PERMISSION_NAMES: Record<AppPermission, string> = { mail: '邮件', schedule: '日程', meeting: '会议' }

/**
 * The permissions the endpoint's 权限说明 asks for (the registry's `permissions`) that the app lacks → 48002 api
 * forbidden: a self-built app not in the API's 可调用应用 / 可调用接口的应用 list, a third-party app without the
 * permission (https://developer.work.weixin.qq.com/document/path/99104, …/98154, …/97868 权限说明).
 */
function checkPermissions(ctx: RequestContext, app: WecomApp): void {
  const missing = (ctx.route.permissions ?? []).filter((p) => !app.permissions.has(p))
  if (missing.length === 0) return
  const names = missing.map((p) => PERMISSION_NAMES[p]).join(', ')
  fail(
    48002,
    app.kind === 'third-party'
      ? `wecom.gateway.app.permission: third-party app ${app.agentid} lacks the ${names} permission this API needs`
      : `wecom.gateway.app.permission: self-built app ${app.agentid} is not in the 可调用应用 list of ${names}, which this API needs`,
  )
}

/** The auth stage for WeCom business routes: fills `ctx.principal` or answers 41001 / 40014 / 42001, then 48002. */
export function authenticateWecom(ctx: RequestContext): void {
  const { wecomDirectory: directory, wecomTokens: tokens } = ctx.env.stores
  const token = ctx.query.get('access_token')
  if (!token)
    fail(
      41001,
      'wecom.gateway.access_token.missing: no access_token in the query string (WeCom reads the token from the query only)',
    )
  const issued = tokens.lookup(token)
  const app = issued && directory.app(issued.corpid, issued.agentid)
  if (!issued || !app) fail(40014, 'wecom.gateway.access_token.unknown: access_token was never issued by this emulator')
  ctx.tags.app = `${issued.corpid}/${issued.agentid}`
  ctx.principal = { vendor: 'wecom', corpid: issued.corpid, agentid: issued.agentid, token }
  if (issued.expiresAt <= ctx.now)
    fail(
      42001,
      `wecom.gateway.access_token.expired: access_token expired at ${issued.expiresAt} (emulator clock ${ctx.now})`,
    )
  checkPermissions(ctx, app)
}

/** The calling app, for a route whose auth stage has run: who is asking, and their corp and app records. */
export interface WecomCaller {
  corpid: string
  agentid: number
  corp: WecomCorp
  app: WecomApp
}

export function wecomCaller(ctx: RequestContext): WecomCaller {
  const p = ctx.principal
  if (p?.vendor !== 'wecom') throw new Error(`[worksuite-mock] ${ctx.route.id} needs a WeCom principal (auth: 'wecom')`)
  const dir = ctx.env.stores.wecomDirectory
  return { corpid: p.corpid, agentid: p.agentid, corp: dir.corp(p.corpid)!, app: dir.app(p.corpid, p.agentid)! }
}
