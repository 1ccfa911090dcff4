/**
 * WeCom's wire format: HTTP 200 for every business error, `{errcode, errmsg}` in the body, the same pair
 * mirrored in `Error-Code` / `Error-Msg` headers (captured responses, CONFIRMED).
 */

import { catalogueEntry, type VendorError } from '../core/errors.ts'
import { type CoreResponse, headerSafe } from '../core/http.ts'
import type { Random } from '../core/random.ts'

export const WECOM_CONTENT_TYPE = 'application/json; charset=UTF-8'

/** New-style hint id: unix seconds followed by 15 digits, 25 in all (captured responses). */
export function hintId(random: Random, nowSeconds: number): string {
  return random.digits(15, String(nowSeconds))
}

export function errmsgFor(code: number, text: string, hint: string, ip: string): string {
  return `${text}, hint: [${hint}], from ip: ${ip}, more info at https://open.work.weixin.qq.com/devtool/query?e=${code}`
}

export interface WecomEnvelopeContext {
  random: Random
  nowSeconds: number
  ip: string
}

export function wecomErrorResponse(ctx: WecomEnvelopeContext, error: VendorError): CoreResponse {
  const entry = catalogueEntry('wecom', error.code)
  const text = (error.options.prefix ?? '') + entry.message
  const errmsg = errmsgFor(entry.code, text, hintId(ctx.random, ctx.nowSeconds), ctx.ip)
  // The headers in one object, as jsonResponse would give them (its content-type replaced by ours): no copy.
  const headers: Record<string, string> = {
    'content-type': WECOM_CONTENT_TYPE,
    'error-code': String(entry.code),
    'error-msg': headerSafe(errmsg),
    'x-worksuite-mock-reason': headerSafe(error.reason),
  }
  if (error.options.headers) Object.assign(headers, error.options.headers)
  return {
    status: error.options.status ?? entry.status,
    headers,
    body: JSON.stringify({ errcode: entry.code, errmsg }),
  }
}

export function wecomOkResponse(fields: Record<string, unknown>): CoreResponse {
  return {
    status: 200,
    headers: { 'content-type': WECOM_CONTENT_TYPE, 'error-code': '0', 'error-msg': 'ok' },
    body: JSON.stringify({ errcode: 0, errmsg: 'ok', ...fields }),
  }
}
