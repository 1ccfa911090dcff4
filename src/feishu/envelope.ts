/**
 * Feishu's wire format: a real HTTP status, `{code, msg, error: {log_id, troubleshooter}}` on errors and
 * `{code: 0, msg: 'success', data}` on success, with `X-Tt-Logid` and `X-Request-Id` headers
 * (https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code; captured responses).
 */

import { type CatalogueEntry, catalogueEntry, type VendorError } from '../core/errors.ts'
import { type CoreResponse, headerSafe, jsonResponse, textResponse } from '../core/http.ts'
import type { Random } from '../core/random.ts'

export interface FeishuEnvelopeContext {
  random: Random
  nowMs: number
  /** The endpoint's id in Feishu's troubleshooter links (INFERRED values, stable per route). */
  methodId: string
}

/** yyyyMMddHHmmss in Beijing time, then 20 upper-case hex characters: 34 in all, like real log ids. */
export function logId(random: Random, nowMs: number): string {
  return random.hexUpper(20, beijingStamp(Math.floor(nowMs / 1000)))
}

/** The last second stamped: every answer within one second has the same stamp, made once. */
let stamped = { second: Number.NaN, stamp: '' }

function beijingStamp(second: number): string {
  if (stamped.second === second) return stamped.stamp
  const d = new Date(second * 1000 + 8 * 3600_000)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`
  stamped = { second, stamp }
  return stamp
}

export function feishuHeaders(ctx: FeishuEnvelopeContext, log: string): Record<string, string> {
  return { 'x-tt-logid': log, 'x-request-id': ctx.random.uuid() }
}

const JSON_TYPE = 'application/json; charset=utf-8'

/** Auth failures carry a doc link in error.message (CAP 54722296471); business errors do not. */
const carriesDocLink = (code: number) => code >= 99991000

const docLink = (code: number) =>
  `Refer to the documentation to fix the error: https://open.feishu.cn/document/uAjLw4CM/ugTN1YjL4UTN24CO1UjN/trouble-shooting/how-to-fix-${code}-error`

const TROUBLESHOOTER = '排查建议查看(Troubleshooting suggestions): https://open.feishu.cn/search?from=openapi&log_id='

/**
 * The error body as an object, the way it is serialised when the refusal brings `errorFields` of its own
 * (they sit between the doc link and the log id, and could name either).
 */
function errorObject(code: number, msg: string, error: VendorError, log: string, methodId: string) {
  return {
    code,
    msg,
    error: {
      ...(carriesDocLink(code) ? { message: docLink(code) } : {}),
      ...error.options.errorFields,
      log_id: log,
      troubleshooter: `${TROUBLESHOOTER}${log}&code=${code}&method_id=${methodId}`,
    },
  }
}

/** A string as it stands inside a JSON string literal. */
const jsonInner = (s: string) => JSON.stringify(s).slice(1, -1)

/**
 * What an error body without `errorFields` holds before its log id, serialised once per catalogue entry
 * (`whole`, with the catalogue's text; `rest`, what follows a text of the refusal's own) and the method ids
 * once per route: only the log id is new in each answer. The same text as JSON.stringify of
 * the object (test/feishu-envelope.test.ts).
 */
const heads = new Map<CatalogueEntry, { whole: string; rest: string }>()
const methodIds = new Map<string, string>()
const TROUBLESHOOTER_JSON = jsonInner(TROUBLESHOOTER)

function headOf(entry: CatalogueEntry, msg: string | undefined): string {
  let head = heads.get(entry)
  if (head === undefined) {
    const link = carriesDocLink(entry.code) ? `"message":${JSON.stringify(docLink(entry.code))},` : ''
    const rest = `,"error":{${link}"log_id":"`
    head = { rest, whole: `{"code":${entry.code},"msg":${JSON.stringify(entry.message)}${rest}` }
    heads.set(entry, head)
  }
  return msg === undefined ? head.whole : `{"code":${entry.code},"msg":${JSON.stringify(msg)}${head.rest}`
}

function methodIdJson(methodId: string): string {
  let inner = methodIds.get(methodId)
  if (inner === undefined) {
    inner = jsonInner(methodId)
    methodIds.set(methodId, inner)
  }
  return inner
}

/** The error body: `{code, msg, error: {message?, …errorFields, log_id, troubleshooter}}`. */
export function feishuErrorBody(entry: CatalogueEntry, error: VendorError, log: string, methodId: string): string {
  const msg = error.options.message
  if (error.options.errorFields !== undefined)
    return JSON.stringify(errorObject(entry.code, msg ?? entry.message, error, log, methodId))
  // The log id is upper-case hex after digits, the code digits: nothing in either to escape.
  return `${headOf(entry, msg)}${log}","troubleshooter":"${TROUBLESHOOTER_JSON}${log}&code=${entry.code}&method_id=${methodIdJson(methodId)}"}}`
}

export function feishuErrorResponse(ctx: FeishuEnvelopeContext, error: VendorError): CoreResponse {
  const entry = catalogueEntry('feishu', error.code)
  const log = logId(ctx.random, ctx.nowMs)
  return {
    status: error.options.status ?? entry.status,
    headers: {
      'content-type': JSON_TYPE,
      'x-tt-logid': log,
      'x-request-id': ctx.random.uuid(),
      'x-worksuite-mock-reason': headerSafe(error.reason),
      ...error.options.headers,
    },
    body: feishuErrorBody(entry, error, log, ctx.methodId),
  }
}

export function feishuOkResponse(ctx: FeishuEnvelopeContext, data: Record<string, unknown>): CoreResponse {
  const log = logId(ctx.random, ctx.nowMs)
  // JSON.stringify({code: 0, msg: 'success', data}) with its fixed part written out (no data: no member).
  const json = JSON.stringify(data) as string | undefined
  return {
    status: 200,
    headers: { 'content-type': JSON_TYPE, 'x-tt-logid': log, 'x-request-id': ctx.random.uuid() },
    body: json === undefined ? '{"code":0,"msg":"success"}' : `{"code":0,"msg":"success","data":${json}}`,
  }
}

/** What Feishu's gateway answers for an unknown path or a wrong method (live probes). */
export function feishuNotFound(): CoreResponse {
  return textResponse(404, '404 page not found')
}

/**
 * The window Feishu's gateway sends with a 429 99991400: the limit per window and the seconds
 * until it resets. The mail send's own limiter and an injected 99991400 both answer with these.
 */
export function rateLimitHeaders(limit: number, resetSeconds: number): Record<string, string> {
  return { 'x-ogw-ratelimit-limit': String(limit), 'x-ogw-ratelimit-reset': String(resetSeconds) }
}

/**
 * auth/v3 token endpoints refuse with HTTP 200 and `{code, data: {}, msg}` (live probes with fake credentials): the
 * catalogue's status and text, like every other Feishu error.
 */
export function feishuTokenErrorResponse(ctx: FeishuEnvelopeContext, error: VendorError): CoreResponse {
  const entry = catalogueEntry('feishu', error.code)
  return jsonResponse(
    error.options.status ?? entry.status,
    { code: entry.code, data: {}, msg: error.options.message ?? entry.message },
    { ...feishuHeaders(ctx, logId(ctx.random, ctx.nowMs)), 'x-worksuite-mock-reason': headerSafe(error.reason) },
  )
}

/** The OAuth 2 error names the v2 token endpoint answers with (https://www.rfc-editor.org/rfc/rfc6749#section-5.2). */
export type OAuthError = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type'

/**
 * The v2 OAuth token endpoint refuses with `{code, error, error_description}` (live probes): the
 * catalogue's status and text as the description, unless the refusal says more than the catalogue does.
 */
export function feishuOAuthErrorResponse(
  ctx: FeishuEnvelopeContext,
  oauthError: OAuthError,
  error: VendorError,
): CoreResponse {
  const entry = catalogueEntry('feishu', error.code)
  return jsonResponse(
    error.options.status ?? entry.status,
    { code: entry.code, error: oauthError, error_description: error.options.message ?? entry.message },
    { ...feishuHeaders(ctx, logId(ctx.random, ctx.nowMs)), 'x-worksuite-mock-reason': headerSafe(error.reason) },
  )
}
