/**
 * `POST /open-apis/authen/v2/oauth/token` (获取 user_access_token,
 * https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token): the
 * authorization_code grant (codes come from the control plane) and the refresh_token grant.
 *
 * @example
 * POST /open-apis/authen/v2/oauth/token
 * {"grant_type":"authorization_code","client_id":"cli_devapp00000001","client_secret":"…","code":"…"}
 */
import { echo } from '../core/echo.ts'
import { VendorError } from '../core/errors.ts'
import { type CoreResponse, jsonResponse } from '../core/http.ts'
import { defineEndpoint, type RequestContext, raw } from '../core/module.ts'
import { type RefusalId, rule } from '../core/rules.ts'
import { feishuOAuthErrorResponse, type OAuthError } from './envelope.ts'
import { envelopeOf, logHeaders, readParams, str } from './token-params.ts'

/** A refusal of the OAuth token endpoint; `description` only where it says more than the catalogue. */
function oauthError(
  ctx: RequestContext,
  id: RefusalId,
  error: OAuthError,
  detail: string,
  description?: string,
): CoreResponse {
  const refusal = new VendorError(rule(id).code, `${id}: ${detail}`, description ? { message: description } : {})
  return raw(feishuOAuthErrorResponse(envelopeOf(ctx), error, refusal))
}

export const oauthToken = defineEndpoint('feishu.authen.oauth_token', {
  handle(ctx) {
    const p = readParams(ctx)
    const grantType = str(p.grant_type)
    const clientId = str(p.client_id)
    const clientSecret = str(p.client_secret)
    if (!grantType || !clientId || !clientSecret) {
      return oauthError(
        ctx,
        'feishu.authen.oauth_token.params.required',
        'invalid_request',
        'grant_type, client_id and client_secret are required',
      )
    }
    const app = ctx.env.stores.feishuDirectory.app(clientId)
    if (!app || app.appSecret !== clientSecret) {
      return oauthError(
        ctx,
        'feishu.authen.oauth_token.client_secret.valid',
        'invalid_client',
        `client_id and client_secret match no app of the seed`,
      )
    }
    ctx.tags.app = app.appId
    const tokens = ctx.env.stores.feishuTokens
    let grant: ReturnType<typeof tokens.redeemCode>
    if (grantType === 'authorization_code') {
      const code = str(p.code)
      if (!code)
        return oauthError(ctx, 'feishu.authen.oauth_token.params.required', 'invalid_request', 'code is required')
      grant = tokens.redeemCode(code, ctx.now)
      if (!grant || grant.appId !== app.appId) {
        return oauthError(
          ctx,
          'feishu.authen.oauth_token.code.valid',
          'invalid_grant',
          'the code was never issued, was used, or expired',
        )
      }
      if (grant.redirectUri && str(p.redirect_uri) && grant.redirectUri !== p.redirect_uri) {
        return oauthError(
          ctx,
          'feishu.authen.oauth_token.code.valid',
          'invalid_grant',
          "redirect_uri differs from the code's",
          'The redirect_uri does not match the one the code was issued for.',
        )
      }
    } else if (grantType === 'refresh_token') {
      const refresh = str(p.refresh_token)
      if (!refresh)
        return oauthError(
          ctx,
          'feishu.authen.oauth_token.params.required',
          'invalid_request',
          'refresh_token is required',
        )
      grant = tokens.redeemRefreshToken(refresh, ctx.now)
      if (!grant || grant.appId !== app.appId) {
        return oauthError(
          ctx,
          'feishu.authen.oauth_token.refresh_token.valid',
          'invalid_grant',
          'the refresh token was never issued, was used, or expired',
        )
      }
    } else {
      return oauthError(
        ctx,
        'feishu.authen.oauth_token.grant_type.supported',
        'unsupported_grant_type',
        `grant_type "${echo(grantType)}" is not supported`,
        `grant_type "${echo(grantType)}" is not supported.`,
      )
    }
    ctx.tags.user = grant.openId
    const issued = tokens.issueUserToken(grant, ctx.now)
    return raw(jsonResponse(200, { code: 0, ...issued }, logHeaders(ctx)))
  },
})
