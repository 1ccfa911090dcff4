/**
 * Feishu auth endpoints (tenant/app token from app credentials, the OAuth v2 code exchange) and the auth stage of
 * user-token-only business endpoints
 * (https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal,
 * https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token,
 * https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code).
 */
import { echo } from '../core/echo.ts'
import { fail, VendorError } from '../core/errors.ts'
import { type CoreResponse, jsonResponse } from '../core/http.ts'
import { defineEndpoint, type EndpointHandler, type RequestContext, raw } from '../core/module.ts'
import {
  type FeishuEnvelopeContext,
  feishuHeaders,
  feishuOAuthErrorResponse,
  feishuTokenErrorResponse,
  logId,
  type OAuthError,
} from './envelope.ts'

const decoder = new TextDecoder()

/** Token endpoints accept JSON, and the OAuth one also form bodies; anything unreadable counts as empty. */
function readParams(ctx: RequestContext): Record<string, unknown> {
  const text = decoder.decode(ctx.req.body)
  if (!text.trim()) return {}
  if ((ctx.req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text))
  }
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

/** Token endpoints have no troubleshooter method_id. */
function envelopeOf(ctx: RequestContext): FeishuEnvelopeContext {
  return { random: ctx.env.random, nowMs: ctx.nowMs, methodId: '' }
}

function logHeaders(ctx: RequestContext): Record<string, string> {
  return feishuHeaders(envelopeOf(ctx), logId(ctx.env.random, ctx.nowMs))
}

/** auth/v3 answers HTTP 200 even when it refuses (live probes with fake credentials), in its own shape. */
function tokenEndpointError(ctx: RequestContext, code: 10003 | 10014, reason: string): CoreResponse {
  return raw(feishuTokenErrorResponse(envelopeOf(ctx), new VendorError(code, reason)))
}

function credentialsToken(kind: 'tenant' | 'app'): EndpointHandler {
  return defineEndpoint(`feishu.auth.${kind}_access_token`, {
    handle(ctx) {
      const params = readParams(ctx)
      const appId = str(params.app_id)
      const appSecret = str(params.app_secret)
      if (!appId || !appSecret) return tokenEndpointError(ctx, 10003, 'app_id and app_secret are required')
      const app = ctx.env.stores.feishuDirectory.app(appId)
      if (!app) return tokenEndpointError(ctx, 10003, `no app "${echo(appId)}" in the seed`)
      ctx.tags.app = appId
      if (app.appSecret !== appSecret) {
        return tokenEndpointError(ctx, 10014, `app_secret does not match app "${echo(appId)}"`)
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

/** A refusal of the OAuth token endpoint; `description` only where it says more than the catalogue. */
function oauthError(
  ctx: RequestContext,
  code: number,
  error: OAuthError,
  reason: string,
  description?: string,
): CoreResponse {
  const refusal = new VendorError(code, reason, description ? { message: description } : {})
  return raw(feishuOAuthErrorResponse(envelopeOf(ctx), error, refusal))
}

/** `POST /open-apis/authen/v2/oauth/token`: authorization_code (codes come from the control plane) and refresh_token grants. */
function oauthToken(): EndpointHandler {
  return defineEndpoint('feishu.authen.oauth_token', {
    handle(ctx) {
      const p = readParams(ctx)
      const grantType = str(p.grant_type)
      const clientId = str(p.client_id)
      const clientSecret = str(p.client_secret)
      if (!grantType || !clientId || !clientSecret) {
        return oauthError(ctx, 20001, 'invalid_request', 'grant_type, client_id and client_secret are required')
      }
      const app = ctx.env.stores.feishuDirectory.app(clientId)
      if (!app || app.appSecret !== clientSecret) {
        return oauthError(ctx, 20002, 'invalid_client', `client_id and client_secret match no app of the seed`)
      }
      ctx.tags.app = app.appId
      const tokens = ctx.env.stores.feishuTokens
      let grant: ReturnType<typeof tokens.redeemCode>
      if (grantType === 'authorization_code') {
        const code = str(p.code)
        if (!code) return oauthError(ctx, 20001, 'invalid_request', 'code is required')
        grant = tokens.redeemCode(code, ctx.now)
        if (!grant || grant.appId !== app.appId) {
          return oauthError(ctx, 20003, 'invalid_grant', 'the code was never issued, was used, or expired')
        }
        if (grant.redirectUri && str(p.redirect_uri) && grant.redirectUri !== p.redirect_uri) {
          return oauthError(
            ctx,
            20003,
            'invalid_grant',
            "redirect_uri differs from the code's",
            'The redirect_uri does not match the one the code was issued for.',
          )
        }
      } else if (grantType === 'refresh_token') {
        const refresh = str(p.refresh_token)
        if (!refresh) return oauthError(ctx, 20001, 'invalid_request', 'refresh_token is required')
        grant = tokens.redeemRefreshToken(refresh, ctx.now)
        if (!grant || grant.appId !== app.appId) {
          return oauthError(ctx, 20026, 'invalid_grant', 'the refresh token was never issued, was used, or expired')
        }
      } else {
        return oauthError(
          ctx,
          20001,
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
}

export const feishuAuthEndpoints: EndpointHandler[] = [
  credentialsToken('tenant'),
  credentialsToken('app'),
  oauthToken(),
]

/**
 * The auth stage of user-token-only endpoints: a missing header or one without `Bearer ` → 99991661;
 * a tenant token → 99991663; an unknown user token → 99991668; an expired one → 401 99991677.
 */
export function authenticateFeishuUser(ctx: RequestContext): void {
  const header = ctx.req.headers.authorization
  if (!header?.startsWith('Bearer ')) {
    fail(99991661, header ? 'Authorization header does not start with "Bearer "' : 'no Authorization header')
  }
  const token = header.slice(7).trim()
  if (!token) fail(99991661, 'Authorization: Bearer carries no token')
  const { feishuTokens: tokens } = ctx.env.stores
  const user = tokens.userToken(token)
  if (!user) {
    const tenant = tokens.tenantToken(token)
    if (tenant || token.startsWith('t-')) {
      if (tenant) ctx.tags.app = tenant.appId
      fail(99991663, 'this API takes a user_access_token only; a tenant/app access token was sent')
    }
    fail(99991668, 'user_access_token was never issued by this emulator')
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
    fail(99991677, `user_access_token expired at ${user.expiresAt} (emulator clock ${ctx.now})`)
  }
}
