/**
 * WeCom as a vendor plugin of the core: it owns `/cgi-bin/`, answers HTTP 200 with `{errcode, errmsg}`
 * (src/wecom/envelope.ts), authenticates business endpoints by the `access_token` query parameter, reads a
 * JSON body whatever the method or Content-Type says (a GET on a POST endpoint is 40058, not a 404), and
 * keeps the directory (corps, apps, users) and the tokens every WeCom endpoint stands on.
 */
import { VendorError } from '../core/errors.ts'
import { type CoreRequest, type CoreResponse, headerSafe } from '../core/http.ts'
import type { RequestContext } from '../core/module.ts'
import type { EnvelopeContext, VendorPlugin } from '../core/vendor.ts'
import { authenticateWecom, WecomTokens } from './auth.ts'
import { type WecomDefaults, wecomDefaults } from './control.ts'
import { WecomDirectory } from './directory.ts'
import { wecomErrorResponse, wecomOkResponse } from './envelope.ts'
import { gettoken } from './gettoken.ts'
import { wecomShapeError } from './params.ts'

declare module '../core/module.ts' {
  interface Stores {
    wecomDirectory: WecomDirectory
    wecomTokens: WecomTokens
  }
  interface Principals {
    wecom: { vendor: 'wecom'; corpid: string; agentid: number; token: string }
  }
  interface Defaults {
    wecom: WecomDefaults
  }
}

/** What nginx in front of qyapi answers for an unknown path (a live probe: HTTP 404). */
function notFound(_req: CoreRequest, why: string): { response: CoreResponse; reason: string } {
  const reason = `wecom.gateway.path.unknown: ${why}`
  const response: CoreResponse = {
    status: 404,
    headers: { 'content-type': 'text/html', server: 'nginx', 'x-worksuite-mock-reason': headerSafe(reason) },
    body: '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  }
  return { response, reason }
}

function envelope(ctx: EnvelopeContext) {
  return { random: ctx.env.random, nowSeconds: Math.floor(ctx.nowMs / 1000), ip: ctx.req.remoteAddress ?? '127.0.0.1' }
}

const decoder = new TextDecoder()

export const wecomVendor: VendorPlugin = {
  name: 'wecom',
  vendor: 'wecom',
  displayName: 'WeCom',
  codeField: 'errcode',
  owns: (path) => path.startsWith('/cgi-bin/'),
  origins: ['https://qyapi.weixin.qq.com'],
  auth: { wecom: authenticateWecom },
  ok: (_ctx, result) => wecomOkResponse(result),
  error: (ctx, error) => wecomErrorResponse(envelope(ctx), error),
  notFound,
  wrongMethod: 'route',
  checkMethod: (method, route) =>
    route.method === 'POST'
      ? new VendorError(
          40058,
          `wecom.gateway.method.post-only: ${method} on a POST endpoint: the parameters are read from the JSON body`,
        )
      : undefined,
  bodyError: (why) => new VendorError(40058, `wecom.gateway.body.json: ${why}`),
  shapeError: (route, errors) => wecomShapeError(route, errors),
  internalError: (detail) => new VendorError(-1, `emulator error: ${detail}`),
  oversize: (route) => ({ code: route.oversize_code ?? 40206 }),
  /** WeCom names no user in its token: the acting user is the admin_userid of meeting/create and meeting/update. */
  userOf(ctx: RequestContext) {
    try {
      const body: unknown = JSON.parse(decoder.decode(ctx.req.body))
      const u = (body as { admin_userid?: unknown } | null)?.admin_userid
      return typeof u === 'string' ? u : undefined
    } catch {
      return undefined
    }
  },
  endpoints: [gettoken],
  createStores: (env) => ({
    wecomDirectory: new WecomDirectory(env.seed.wecom.corps),
    wecomTokens: new WecomTokens(
      env.random,
      env.clock,
      env.config.wecom.tokenTtlSeconds,
      env.seed.wecom.corps,
      env.persist,
    ),
  }),
  control: {
    defaults: (env) => ({ wecom: wecomDefaults(env.seed) }),
    expireToken: (env, token) => env.stores.wecomTokens.expire(token),
  },
}
