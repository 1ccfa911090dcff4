/**
 * The Feishu envelope's answers as they were built before the error body's fixed part was serialised once
 * (an object through jsonResponse): the reference test/feishu-envelope.test.ts compares the envelope with.
 */
import { catalogueEntry, type VendorError } from '../../src/core/errors.ts'
import { type CoreResponse, headerSafe, jsonResponse } from '../../src/core/http.ts'
import { type FeishuEnvelopeContext, feishuHeaders, logId } from '../../src/feishu/envelope.ts'

export function referenceErrorResponse(ctx: FeishuEnvelopeContext, error: VendorError): CoreResponse {
  const entry = catalogueEntry('feishu', error.code)
  const log = logId(ctx.random, ctx.nowMs)
  const body: Record<string, unknown> = {
    code: entry.code,
    msg: error.options.message ?? entry.message,
    error: {
      ...(entry.code >= 99991000
        ? {
            message: `Refer to the documentation to fix the error: https://open.feishu.cn/document/uAjLw4CM/ugTN1YjL4UTN24CO1UjN/trouble-shooting/how-to-fix-${entry.code}-error`,
          }
        : {}),
      ...error.options.errorFields,
      log_id: log,
      troubleshooter: `排查建议查看(Troubleshooting suggestions): https://open.feishu.cn/search?from=openapi&log_id=${log}&code=${entry.code}&method_id=${ctx.methodId}`,
    },
  }
  return jsonResponse(error.options.status ?? entry.status, body, {
    ...feishuHeaders(ctx, log),
    'x-worksuite-mock-reason': headerSafe(error.reason),
    ...error.options.headers,
  })
}

export function referenceOkResponse(ctx: FeishuEnvelopeContext, data: Record<string, unknown>): CoreResponse {
  return jsonResponse(200, { code: 0, msg: 'success', data }, feishuHeaders(ctx, logId(ctx.random, ctx.nowMs)))
}
