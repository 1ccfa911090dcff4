/**
 * The Feishu vendor's part of the control plane: its default credentials, and OAuth authorization codes
 * issued as the login page would, for `POST /open-apis/authen/v2/oauth/token` to exchange.
 */
import { ControlError } from '../core/errors.ts'
import type { Env } from '../core/module.ts'
import type { Seed } from '../core/seed.ts'
import { DEFAULT_SCOPE } from './tokens.ts'

export interface FeishuDefaults {
  app_id: string
  app_secret: string
  apps: { app_id: string; app_secret: string; tenant_key: string }[]
  users: { open_id: string; name: string; mailbox: string; user_access_token: string | null; app_id: string | null }[]
}

export function feishuDefaults(seed: Seed): FeishuDefaults {
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
  return { app_id: apps[0]?.app_id ?? '', app_secret: apps[0]?.app_secret ?? '', apps, users }
}

export interface OAuthCodeRequest {
  app_id?: string
  mailbox?: string
  open_id?: string
  scope?: string
  redirect_uri?: string
}

export interface IssuedOAuthCode {
  code: string
  expires_in: number
  app_id: string
  open_id: string
}

/** A code for a user (by open_id or mailbox) and one of their tenant's apps (the first by default). */
export function issueOAuthCode(env: Env, input: OAuthCodeRequest): IssuedOAuthCode {
  // Kept with the code and sent back with the token: a value that is not text has no place there.
  for (const k of ['app_id', 'mailbox', 'open_id', 'scope', 'redirect_uri'] as const) {
    if (input[k] !== undefined && typeof input[k] !== 'string') throw new ControlError(400, `"${k}" must be a string`)
  }
  const { feishuDirectory: dir, feishuTokens: tokens } = env.stores
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
      // What the login page was asked for; without a scope, the mail scopes seeded tokens carry.
      scope: input.scope ?? DEFAULT_SCOPE,
      ...(input.redirect_uri ? { redirectUri: input.redirect_uri } : {}),
    },
    env.clock.now(),
  )
  return { code, expires_in: expiresIn, app_id: appId, open_id: user.openId }
}
