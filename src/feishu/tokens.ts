/**
 * Feishu's three kinds of credential
 * (https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal,
 * https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token): tenant/app access
 * tokens (`t-…`) from app id and secret, user access tokens from the OAuth code exchange or pre-seeded, and the refresh
 * tokens and one-time authorization codes around them.
 */
import type { Clock } from '../core/clock.ts'
import type { Config } from '../core/config.ts'
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
  ) {
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
    this.tenantTokens.set(token, { appId, tenantKey, expiresAt: now + this.config.tenantTokenTtlSeconds })
    this.currentTenantToken.set(appId, token)
    // Keep the replaced token (still valid until it expires) and drop ones long expired.
    for (const [k, v] of this.tenantTokens) if (v.expiresAt < now - 86_400) this.tenantTokens.delete(k)
    return { token, expire: this.config.tenantTokenTtlSeconds }
  }

  tenantToken(token: string): TenantToken | undefined {
    return this.tenantTokens.get(token)
  }

  userToken(token: string): UserToken | undefined {
    return this.userTokens.get(token)
  }

  issueCode(grant: Omit<Grant, 'expiresAt'>, now: number): { code: string; expiresIn: number } {
    if (this.codes.size >= MAX_CODES) this.codes.delete(this.codes.keys().next().value!)
    const code = this.random.alnum(32)
    this.codes.set(code, { ...grant, expiresAt: now + this.config.oauthCodeTtlSeconds })
    return { code, expiresIn: this.config.oauthCodeTtlSeconds }
  }

  /** One use only, as OAuth requires. */
  redeemCode(code: string, now: number): Grant | undefined {
    const grant = this.codes.get(code)
    this.codes.delete(code)
    return grant && grant.expiresAt > now ? grant : undefined
  }

  redeemRefreshToken(token: string, now: number): Grant | undefined {
    const grant = this.refreshTokens.get(token)
    this.refreshTokens.delete(token)
    return grant && grant.expiresAt > now ? grant : undefined
  }

  issueUserToken(grant: Omit<Grant, 'expiresAt'>, now: number) {
    for (const map of [this.userTokens, this.refreshTokens] as Map<string, unknown>[]) {
      while (map.size >= MAX_USER_TOKENS) map.delete(map.keys().next().value!)
    }
    const accessToken = `u-${this.random.alnum(40)}`
    const refreshToken = `ur-${this.random.alnum(40)}`
    this.userTokens.set(accessToken, {
      appId: grant.appId,
      openId: grant.openId,
      tenantKey: grant.tenantKey,
      expiresAt: now + this.config.userTokenTtlSeconds,
      scope: grant.scope,
    })
    this.refreshTokens.set(refreshToken, { ...grant, expiresAt: now + this.config.refreshTokenTtlSeconds })
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
      return true
    }
    const tenant = this.tenantTokens.get(token)
    if (tenant) {
      tenant.expiresAt = now
      return true
    }
    return false
  }
}
