/**
 * The v1 OIDC user-token endpoints, historical but what the official Node SDK's `client.userAccessToken` helper
 * still calls: `POST /open-apis/authen/v1/oidc/access_token` (获取 user_access_token,
 * https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/authen-v1/oidc-access_token/create) and
 * `POST /open-apis/authen/v1/oidc/refresh_access_token` (刷新 user_access_token,
 * https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/authen-v1/oidc-refresh_access_token/create). The
 * app is the one whose token is in `Authorization` (the auth stage, feishu-app); the codes and refresh tokens
 * are the v2 exchange's (oauth-token.ts), and so are the user tokens issued, wrapped in `data`. Refusals use
 * the v2 codes in Feishu's usual envelope (decision: OAuth v1 errors).
 *
 * @example
 * POST /open-apis/authen/v1/oidc/access_token
 * Authorization: Bearer t-…   (the app's app_access_token, or its tenant_access_token)
 * {"grant_type":"authorization_code","code":"…"}
 * → {"code":0,"msg":"success","data":{"access_token":"u-…","refresh_token":"ur-…","token_type":"Bearer",…}}
 */
import { echo } from '../core/echo.ts'
import { fail } from '../core/errors.ts'
import { defineEndpoint, type RequestContext } from '../core/module.ts'
import type {
  FeishuAuthenOidcAccessTokenRequest,
  FeishuAuthenOidcRefreshAccessTokenRequest,
} from '../generated/contracts.ts'

const A = 'feishu.authen.oidc_access_token'
const B = 'feishu.authen.oidc_refresh_access_token'

/** The calling app, as the app-token auth stage found it. */
function appOf(ctx: RequestContext): string {
  const p = ctx.principal
  if (p?.vendor !== 'feishu')
    throw new Error(`[worksuite-mock] ${ctx.route.id} needs a Feishu principal (auth: feishu-app)`)
  return p.appId
}

/** v1's body: the v2 exchange's tokens, with `refresh_expires_in` for v2's `refresh_token_expires_in`. */
function issue(
  ctx: RequestContext,
  grant: Parameters<RequestContext['env']['stores']['feishuTokens']['issueUserToken']>[0],
) {
  ctx.tags.user = grant.openId
  const t = ctx.env.stores.feishuTokens.issueUserToken(grant, ctx.now)
  return {
    access_token: t.access_token,
    refresh_token: t.refresh_token,
    token_type: t.token_type,
    expires_in: t.expires_in,
    refresh_expires_in: t.refresh_token_expires_in,
    scope: t.scope,
  }
}

export const oidcAccessToken = defineEndpoint(A, {
  shape: { fallback: `${A}.body.types` },
  handle(ctx) {
    const appId = appOf(ctx)
    const body = ctx.body as FeishuAuthenOidcAccessTokenRequest
    if (!body.grant_type || !body.code) fail(20001, `${A}.params.required: grant_type and code are required`)
    if (body.grant_type !== 'authorization_code')
      fail(20001, `${A}.grant_type.supported: grant_type "${echo(body.grant_type)}" is not authorization_code`)
    const grant = ctx.env.stores.feishuTokens.redeemCode(body.code, ctx.now)
    if (!grant || grant.appId !== appId)
      fail(20003, `${A}.code.valid: the code was never issued to app ${appId}, was used, or expired`)
    return issue(ctx, grant)
  },
})

export const oidcRefreshAccessToken = defineEndpoint(B, {
  shape: { fallback: `${B}.body.types` },
  handle(ctx) {
    const appId = appOf(ctx)
    const body = ctx.body as FeishuAuthenOidcRefreshAccessTokenRequest
    if (!body.grant_type || !body.refresh_token)
      fail(20001, `${B}.params.required: grant_type and refresh_token are required`)
    if (body.grant_type !== 'refresh_token')
      fail(20001, `${B}.grant_type.supported: grant_type "${echo(body.grant_type)}" is not refresh_token`)
    const grant = ctx.env.stores.feishuTokens.redeemRefreshToken(body.refresh_token, ctx.now)
    if (!grant || grant.appId !== appId)
      fail(20026, `${B}.refresh_token.valid: the refresh token was never issued to app ${appId}, was used, or expired`)
    return issue(ctx, grant)
  },
})
