/**
 * Feishu as a vendor plugin of the core: it owns `/open-apis/`, answers with real HTTP statuses and
 * `{code, msg, data}` / `{code, msg, error}` plus a log id (src/feishu/envelope.ts), authenticates the mail
 * endpoints by a user_access_token (and authen v1 OIDC by the app's token), reads a JSON body only under a JSON Content-Type, answers a wrong method
 * like an unknown path (404), and keeps the tenants, apps, users, mailboxes and the tokens that open them.
 */

import { objectBody } from '../core/control.ts'
import { echo } from '../core/echo.ts'
import { VendorError } from '../core/errors.ts'
import { headerSafe } from '../core/http.ts'
import type { RequestContext } from '../core/module.ts'
import type { EnvelopeContext, VendorPlugin } from '../core/vendor.ts'
import { authenticateFeishuApp, authenticateFeishuUser } from './auth.ts'
import {
  type FeishuDefaults,
  feishuDefaults,
  type IssuedOAuthCode,
  issueOAuthCode,
  type OAuthCodeRequest,
} from './control.ts'
import { FeishuDirectory } from './directory.ts'
import { feishuErrorResponse, feishuNotFound, feishuOkResponse, rateLimitHeaders } from './envelope.ts'
import { oauthToken } from './oauth-token.ts'
import { oidcAccessToken, oidcRefreshAccessToken } from './oidc-token.ts'
import { feishuShapeError } from './shape.ts'
import { appAccessToken, tenantAccessToken } from './tenant-token.ts'
import { FeishuTokens } from './tokens.ts'

declare module '../core/module.ts' {
  interface Stores {
    feishuDirectory: FeishuDirectory
    feishuTokens: FeishuTokens
  }
  interface Principals {
    feishu: {
      vendor: 'feishu'
      kind: 'user' | 'tenant'
      tenantKey: string
      appId: string
      openId?: string
      token: string
    }
  }
  interface Defaults {
    feishu: FeishuDefaults
  }
  interface ControlOperations {
    /**
     * Issue a Feishu OAuth authorization code for a user, as the login page would; exchange it at
     * `POST /open-apis/authen/v2/oauth/token`.
     */
    issueOAuthCode(input: OAuthCodeRequest): IssuedOAuthCode
  }
}

/** `application/json`, with or without parameters, or any `+json` type. */
function isJsonMediaType(contentType: string): boolean {
  if (contentType === 'application/json') return true
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase()
  return media === 'application/json' || media.endsWith('+json')
}

function envelope(ctx: EnvelopeContext) {
  return { random: ctx.env.random, nowMs: ctx.nowMs, methodId: ctx.route?.method_id ?? '' }
}

/** Feishu's 9499 for a body the gateway cannot bind: the catalogue text would say more than it does. */
const BAD_REQUEST = { message: 'Bad Request' }

export const feishuVendor: VendorPlugin = {
  name: 'feishu',
  vendor: 'feishu',
  displayName: 'Feishu',
  codeField: 'code',
  owns: (path) => path.startsWith('/open-apis/'),
  // Lark is Feishu's international edition: the same API at another host.
  origins: ['https://open.feishu.cn', 'https://open.larksuite.com'],
  auth: { 'feishu-user': authenticateFeishuUser, 'feishu-app': authenticateFeishuApp },
  ok: (ctx, result) => feishuOkResponse(envelope(ctx), result),
  error: (ctx, error) => feishuErrorResponse(envelope(ctx), error),
  notFound: (_req, why) => {
    const reason = `feishu.gateway.path.unknown: ${why}`
    const page = feishuNotFound()
    return {
      response: { ...page, headers: { ...page.headers, 'x-worksuite-mock-reason': headerSafe(reason) } },
      reason,
    }
  },
  wrongMethod: 'not-found',
  bodyError: (why) => new VendorError(9499, `feishu.gateway.body.json: ${why}`, BAD_REQUEST),
  shapeError: feishuShapeError,
  // The gateway binds the body by its Content-Type (the doc fixes it to application/json): a body declared
  // as something else is not read as JSON.
  contentTypeError: (contentType) =>
    isJsonMediaType(contentType)
      ? undefined
      : new VendorError(
          9499,
          `feishu.gateway.body.content-type: Content-Type "${echo(contentType)}" is not application/json`,
          BAD_REQUEST,
        ),
  internalError: (detail) => new VendorError(1236019, `emulator error: ${detail}`),
  oversize: (route) => {
    const code = route.oversize_code ?? 9499
    return code === 9499 ? { code, options: BAD_REQUEST } : { code }
  },
  /** Feishu mail paths name the mailbox; `me` is the caller's own. */
  mailboxOf(ctx: RequestContext) {
    if (ctx.tags.mailbox) return ctx.tags.mailbox
    const id = ctx.params.user_mailbox_id
    if (id === undefined) return undefined
    if (id !== 'me') return id
    const openId = ctx.tags.user
    return openId ? ctx.env.stores.feishuDirectory.userByOpenId(openId)?.mailbox : undefined
  },
  // An injected 99991400 carries the gateway's window; a minute (INFERRED from 100 req/min).
  faultHeaders: (ctx, code) => (code === 99991400 ? rateLimitHeaders(100, 60 - (ctx.now % 60)) : {}),
  endpoints: [tenantAccessToken, appAccessToken, oauthToken, oidcAccessToken, oidcRefreshAccessToken],
  createStores: (env) => ({
    feishuDirectory: new FeishuDirectory(env.seed.feishu.tenants),
    feishuTokens: new FeishuTokens(env.random, env.clock, env.config.feishu, env.seed, env.persist),
  }),
  control: {
    defaults: (env) => ({ feishu: feishuDefaults(env.seed) }),
    expireToken: (env, token) => env.stores.feishuTokens.expire(token),
    operations: { issueOAuthCode },
    routes: [
      {
        method: 'POST',
        path: '/feishu/oauth/codes',
        status: 201,
        handle: ({ body }, env) => issueOAuthCode(env, objectBody(body) as OAuthCodeRequest),
      },
    ],
  },
}
