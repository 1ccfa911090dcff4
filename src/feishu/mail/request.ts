/**
 * The gateway's view of the mail send body
 * (https://open.feishu.cn/document/server-docs/mail-v1/user_mailbox-message/send 请求体): JSON types only. A wrong type
 * answers 400 9499 in the vendor's words (a captured response, public code ref 59113737917); the documented 数据校验规则
 * (attachment body at most 51,729,750 characters) answers 400 99992402 with `field_violations`, as the platform does
 * for its field validation rules (INFERRED for this endpoint).
 */
import schema from '../../../contracts/schemas/feishu.mail.send.request.schema.json' with { type: 'json' }
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import { jsonPath, validatorFor } from '../../core/schema.ts'
import type { FeishuMailSendRequest } from '../../generated/contracts.ts'

export const ATTACHMENT_BODY_MAX_CHARS = 51_729_750

const validate = validatorFor<FeishuMailSendRequest>(schema)

function valueAt(root: unknown, instancePath: string): unknown {
  let v = root
  for (const seg of instancePath.split('/').slice(1)) {
    v = (v as Record<string, unknown> | undefined)?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return v
}

export function checkTypes(body: unknown): FeishuMailSendRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    fail(9499, 'feishu.mail.send.body.type: the body must be a JSON object', { message: 'Bad Request' })
  }
  if (validate(body)) return body
  const e = validate.errors![0]!
  const field = jsonPath(e.instancePath)
  if (e.keyword === 'maxLength') {
    fail(
      99992402,
      `feishu.mail.send.attachments.body.length: ${field} is longer than ${ATTACHMENT_BODY_MAX_CHARS} characters`,
      {
        errorFields: { field_violations: [{ field, description: `the max len is ${ATTACHMENT_BODY_MAX_CHARS}` }] },
      },
    )
  }
  // The offending value as the gateway prints it: strings bare, anything else as JSON (short, at any depth).
  const value = echo(valueAt(body, e.instancePath))
  fail(9499, `feishu.mail.send.body.type: ${field} ${e.message ?? 'has the wrong type'}`, {
    message: `Invalid parameter type in json: ${field}. Invalid parameter value: ${value}. Please check and modify accordingly.`,
  })
}
