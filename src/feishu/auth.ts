/**
 * The auth stages of Feishu's business endpoints: user-token-only ones (the mail APIs), by
 * `Authorization: Bearer <user_access_token>`, and the app-token ones (authen v1 OIDC)
 * (https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token,
 * https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code). The token endpoints that
 * issue the tokens are tenant-token.ts and oauth-token.ts.
 */
import { echo } from '../core/echo.ts'
import { catalogueEntry, fail } from '../core/errors.ts'
import type { RequestContext } from '../core/module.ts'

/** The grant split last: a client's requests bring its token's grant each time, so it is split once. */
let lastGrant: { grant: string; held: ReadonlySet<string> } = { grant: '', held: new Set(['']) }

/** Whether a grant (space-separated, as OAuth writes scopes) holds any of the scopes an endpoint names. */
export function grantsAny(grant: string, scopes: readonly string[]): boolean {
  if (lastGrant.grant !== grant) lastGrant = { grant, held: new Set(grant.split(/\s+/)) }
  const held = lastGrant.held
  return scopes.some((s) => held.has(s))
}

/**
 * 99991679 as the FAQ shows it (https://open.feishu.cn/document/faq/trouble-shooting/how-to-resolve-error-99991679):
 * the catalogue text, then the scopes any one of which would do, and one permission violation per scope.
 */
function missingScope(grant: string, scopes: readonly string[]): never {
  const list = `[${scopes.join(', ')}]`
  fail(
    99991679,
    `feishu.gateway.authorization.scope: the token was granted "${echo(grant)}", none of ${list} (the doc's 权限要求)`,
    {
      message: `${catalogueEntry('feishu', 99991679).message} required one of these privileges under the user identity: ${list}.应用未获取所需的用户授权：${list}`,
      errorFields: {
        permission_violations: scopes.map((subject) => ({ type: 'action_privilege_required', subject })),
      },
    },
  )
}

/** The token of `Authorization: Bearer <token>`; a missing header, another scheme or no token → 99991661. */
function bearerToken(ctx: RequestContext): string {
  const header = ctx.req.headers.authorization
  if (!header?.startsWith('Bearer ')) {
    fail(
      99991661,
      header
        ? 'feishu.gateway.authorization.missing: Authorization header does not start with "Bearer "'
        : 'feishu.gateway.authorization.missing: no Authorization header',
    )
  }
  const token = header.slice(7).trim()
  if (!token) fail(99991661, 'feishu.gateway.authorization.missing: Authorization: Bearer carries no token')
  return token
}

/**
 * The auth stage of user-token-only endpoints: a missing header or one without `Bearer ` → 99991661;
 * a tenant token → 99991663; an unknown user token → 99991668; an expired one → 401 99991677; one whose
 * grant lacks every scope the endpoint's 权限要求 lists (the registry's `scopes`) → 99991679.
 */
export function authenticateFeishuUser(ctx: RequestContext): void {
  const token = bearerToken(ctx)
  const { feishuTokens: tokens } = ctx.env.stores
  const user = tokens.userToken(token)
  if (!user) {
    const tenant = tokens.tenantToken(token)
    if (tenant || token.startsWith('t-')) {
      if (tenant) ctx.tags.app = tenant.appId
      fail(
        99991663,
        'feishu.gateway.authorization.tenant-on-user-api: this API takes a user_access_token only; a tenant/app access token was sent',
      )
    }
    fail(99991668, 'feishu.gateway.authorization.unknown-user: user_access_token was never issued by this emulator')
  }
  ctx.tags.app = user.appId
  ctx.tags.user = user.openId
  ctx.principal = {
    vendor: 'feishu',
    kind: 'user',
    tenantKey: user.tenantKey,
    appId: user.appId,
    openId: user.openId,
    token,
  }
  if (user.expiresAt !== null && user.expiresAt <= ctx.now) {
    fail(
      99991677,
      `feishu.gateway.authorization.expired: user_access_token expired at ${user.expiresAt} (emulator clock ${ctx.now})`,
    )
  }
  const scopes = ctx.route.scopes
  if (scopes && !grantsAny(user.scope, scopes)) missingScope(user.scope, scopes)
}

/**
 * The auth stage of the endpoints that take the app's own token, `Authorization: Bearer <app_access_token>`
 * (authen v1 OIDC, https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/authen-v1/oidc-access_token/create).
 * A self-built app's tenant_access_token is the same token as its app_access_token (the app_access_token doc
 * answers both), so the Node SDK's helper, which sends a tenant token, passes. A missing header → 99991661; an
 * unknown, expired or user token → 99991663.
 */
export function authenticateFeishuApp(ctx: RequestContext): void {
  const token = bearerToken(ctx)
  const app = ctx.env.stores.feishuTokens.tenantToken(token)
  if (!app) {
    fail(
      99991663,
      ctx.env.stores.feishuTokens.userToken(token)
        ? 'feishu.gateway.authorization.app-token: a user_access_token was sent where an app_access_token is required'
        : 'feishu.gateway.authorization.app-token: the app_access_token was never issued by this emulator',
    )
  }
  ctx.tags.app = app.appId
  ctx.principal = { vendor: 'feishu', kind: 'tenant', tenantKey: app.tenantKey, appId: app.appId, token }
  if (app.expiresAt <= ctx.now)
    fail(
      99991663,
      `feishu.gateway.authorization.app-token: the app_access_token expired at ${app.expiresAt} (emulator clock ${ctx.now})`,
    )
}
