/**
 * Feishu's three kinds of credential
 * (https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal,
 * https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token): tenant/app access
 * tokens (`t-…`) from app id and secret, user access tokens from the OAuth code exchange or pre-seeded, and the refresh
 * tokens and one-time authorization codes around them.
 */
import type { Clock } from '../core/clock.ts'
import type { Config } from '../core/config.ts'
import type { Persist } from '../core/persistence.ts'
import type { Random } from '../core/random.ts'
import type { Seed } from '../core/seed.ts'

export interface TenantToken {
  appId: string
  tenantKey: string
  expiresAt: number
}

export interface UserToken {
  appId: string
  openId: string
  tenantKey: string
  /** Unix seconds; null for seeded tokens, which only expire when told to. */
  expiresAt: number | null
  scope: string
}

interface Grant {
  appId: string
  openId: string
  tenantKey: string
  expiresAt: number
  scope: string
  redirectUri?: string
}

/**
 * A fresh token is handed out once fewer than 30 minutes remain (the tenant_access_token doc); the old one stays valid.
 */
const TENANT_TOKEN_RENEW_BELOW = 30 * 60
/** Bounds, so a long-running server that is asked for codes in a loop does not grow without limit. */
const MAX_USER_TOKENS = 10_000
const MAX_CODES = 10_000

/**
 * The data directory's kinds, one row per credential: an app keeps its tokens (and a user's grant) across
 * the emulator's restarts, so they must still be known after one (decision: the data directory).
 */
const TENANT = 'feishu.tenant-token'
const USER = 'feishu.user-token'
const REFRESH = 'feishu.refresh-token'
const CODE = 'feishu.oauth-code'

/** What seeded user tokens are granted, and an OAuth code issued without a scope: sending and reading mail. */
export const DEFAULT_SCOPE = 'mail:user_mailbox.message:send mail:user_mailbox.message:readonly'

export class FeishuTokens {
  private readonly tenantTokens = new Map<string, TenantToken>()
  private readonly currentTenantToken = new Map<string, string>()
  private readonly userTokens = new Map<string, UserToken>()
  private readonly refreshTokens = new Map<string, Grant>()
  private readonly codes = new Map<string, Grant>()

  constructor(
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly config: Config['feishu'],
    seed: Seed,
    /** The data directory (`state.dataDir`), when there is one. */
    private readonly persist?: Persist,
  ) {
    persist?.onLoad(TENANT, (token, text) => {
      const t = JSON.parse(text) as TenantToken
      this.tenantTokens.set(token, t)
      // Rows come back in the order they were issued: the last one of an app is its current token.
      this.currentTenantToken.set(t.appId, token)
    })
    persist?.onLoad(USER, (token, text) => this.userTokens.set(token, JSON.parse(text) as UserToken))
    persist?.onLoad(REFRESH, (token, text) => this.refreshTokens.set(token, JSON.parse(text) as Grant))
    persist?.onLoad(CODE, (code, text) => this.codes.set(code, JSON.parse(text) as Grant))
    for (const tenant of seed.feishu.tenants) {
      for (const user of tenant.users) {
        for (const t of user.user_access_tokens ?? []) {
          this.userTokens.set(t.token, {
            appId: t.app_id,
            openId: user.open_id,
            tenantKey: tenant.tenant_key,
            expiresAt: null,
            scope: DEFAULT_SCOPE,
          })
        }
      }
    }
  }

  issueTenantToken(appId: string, tenantKey: string, now: number): { token: string; expire: number } {
    const current = this.currentTenantToken.get(appId)
    const t = current ? this.tenantTokens.get(current) : undefined
    if (current && t && t.expiresAt - now >= TENANT_TOKEN_RENEW_BELOW)
      return { token: current, expire: t.expiresAt - now }
    const token = `t-${this.random.hex(40)}`
    const issued: TenantToken = { appId, tenantKey, expiresAt: now + this.config.tenantTokenTtlSeconds }
    this.tenantTokens.set(token, issued)
    this.persist?.put(TENANT, token, JSON.stringify(issued))
    this.currentTenantToken.set(appId, token)
    // Keep the replaced token (still valid until it expires) and drop ones long expired.
    for (const [k, v] of this.tenantTokens) {
      if (v.expiresAt >= now - 86_400) continue
      this.tenantTokens.delete(k)
      this.persist?.delete(TENANT, k)
    }
    return { token, expire: this.config.tenantTokenTtlSeconds }
  }

  tenantToken(token: string): TenantToken | undefined {
    return this.tenantTokens.get(token)
  }

  userToken(token: string): UserToken | undefined {
    return this.userTokens.get(token)
  }

  issueCode(grant: Omit<Grant, 'expiresAt'>, now: number): { code: string; expiresIn: number } {
    if (this.codes.size >= MAX_CODES) this.forget(this.codes, CODE, this.codes.keys().next().value!)
    const code = this.random.alnum(32)
    const issued: Grant = { ...grant, expiresAt: now + this.config.oauthCodeTtlSeconds }
    this.codes.set(code, issued)
    this.persist?.put(CODE, code, JSON.stringify(issued))
    return { code, expiresIn: this.config.oauthCodeTtlSeconds }
  }

  /** One use only, as OAuth requires. */
  redeemCode(code: string, now: number): Grant | undefined {
    const grant = this.codes.get(code)
    this.forget(this.codes, CODE, code)
    return grant && grant.expiresAt > now ? grant : undefined
  }

  redeemRefreshToken(token: string, now: number): Grant | undefined {
    const grant = this.refreshTokens.get(token)
    this.forget(this.refreshTokens, REFRESH, token)
    return grant && grant.expiresAt > now ? grant : undefined
  }

  issueUserToken(grant: Omit<Grant, 'expiresAt'>, now: number) {
    while (this.userTokens.size >= MAX_USER_TOKENS)
      this.forget(this.userTokens, USER, this.userTokens.keys().next().value!)
    while (this.refreshTokens.size >= MAX_USER_TOKENS)
      this.forget(this.refreshTokens, REFRESH, this.refreshTokens.keys().next().value!)
    const accessToken = `u-${this.random.alnum(40)}`
    const refreshToken = `ur-${this.random.alnum(40)}`
    const user: UserToken = {
      appId: grant.appId,
      openId: grant.openId,
      tenantKey: grant.tenantKey,
      expiresAt: now + this.config.userTokenTtlSeconds,
      scope: grant.scope,
    }
    const refresh: Grant = { ...grant, expiresAt: now + this.config.refreshTokenTtlSeconds }
    this.userTokens.set(accessToken, user)
    this.refreshTokens.set(refreshToken, refresh)
    this.persist?.put(USER, accessToken, JSON.stringify(user))
    this.persist?.put(REFRESH, refreshToken, JSON.stringify(refresh))
    return {
      access_token: accessToken,
      expires_in: this.config.userTokenTtlSeconds,
      refresh_token: refreshToken,
      refresh_token_expires_in: this.config.refreshTokenTtlSeconds,
      scope: grant.scope,
      token_type: 'Bearer',
    }
  }

  /** Control plane: the token answers 99991677 (user) or 99991663 (tenant) from now on. */
  expire(token: string): boolean {
    const now = this.clock.now()
    const user = this.userTokens.get(token)
    if (user) {
      user.expiresAt = now
      this.persist?.put(USER, token, JSON.stringify(user))
      return true
    }
    const tenant = this.tenantTokens.get(token)
    if (tenant) {
      tenant.expiresAt = now
      this.persist?.put(TENANT, token, JSON.stringify(tenant))
      return true
    }
    return false
  }

  private forget(map: Map<string, unknown>, kind: string, key: string): void {
    if (map.delete(key)) this.persist?.delete(kind, key)
  }
}
