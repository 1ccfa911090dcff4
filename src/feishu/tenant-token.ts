/**
 * `POST /open-apis/auth/v3/tenant_access_token/internal` and `…/app_access_token/internal` (自建应用获取
 * tenant_access_token / app_access_token,
 * https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal):
 * one endpoint shape for both, a token from app credentials.
 *
 * @example
 * POST /open-apis/auth/v3/tenant_access_token/internal
 * {"app_id":"cli_devapp00000001","app_secret":"dev-feishu-secret-00000001"}
 */
import { echo } from '../core/echo.ts'
import { VendorError } from '../core/errors.ts'
import { type CoreResponse, jsonResponse } from '../core/http.ts'
import { defineEndpoint, type EndpointHandler, type RequestContext, raw } from '../core/module.ts'
import { type RefusalId, rule } from '../core/rules.ts'
import { feishuTokenErrorResponse } from './envelope.ts'
import { envelopeOf, logHeaders, readParams, str } from './token-params.ts'

/** auth/v3 answers HTTP 200 even when it refuses (live probes with fake credentials), in its own shape. */
function tokenEndpointError(ctx: RequestContext, id: RefusalId, detail: string): CoreResponse {
  return raw(feishuTokenErrorResponse(envelopeOf(ctx), new VendorError(rule(id).code, `${id}: ${detail}`)))
}

function credentialsToken(kind: 'tenant' | 'app'): EndpointHandler {
  return defineEndpoint(`feishu.auth.${kind}_access_token`, {
    handle(ctx) {
      const params = readParams(ctx)
      const appId = str(params.app_id)
      const appSecret = str(params.app_secret)
      if (!appId || !appSecret)
        return tokenEndpointError(
          ctx,
          'feishu.auth.tenant_access_token.app_id.valid',
          'app_id and app_secret are required',
        )
      const app = ctx.env.stores.feishuDirectory.app(appId)
      if (!app)
        return tokenEndpointError(
          ctx,
          'feishu.auth.tenant_access_token.app_id.valid',
          `no app "${echo(appId)}" in the seed`,
        )
      ctx.tags.app = appId
      if (app.appSecret !== appSecret) {
        return tokenEndpointError(
          ctx,
          'feishu.auth.tenant_access_token.app_secret.valid',
          `app_secret does not match app "${echo(appId)}"`,
        )
      }
      const { token, expire } = ctx.env.stores.feishuTokens.issueTenantToken(app.appId, app.tenantKey, ctx.now)
      // Self-built apps get the same value as app and tenant token; the body has no `data` wrapper (the
      // app_access_token doc).
      const body =
        kind === 'tenant'
          ? { code: 0, msg: 'ok', tenant_access_token: token, expire }
          : { app_access_token: token, code: 0, expire, msg: 'ok', tenant_access_token: token }
      return raw(jsonResponse(200, body, logHeaders(ctx)))
    },
  })
}

export const tenantAccessToken = credentialsToken('tenant')
export const appAccessToken = credentialsToken('app')
