/**
 * Feishu's answer to a body of the wrong shape, for every Feishu endpoint with a request schema: a body
 * that is not a JSON object is 400 9499 Bad Request; a wrong JSON type answers 400 9499 in the gateway's
 * words, naming the field and the value (a captured response, public code ref 59113737917); a documented 数据校验规则 (a length limit)
 * answers 400 99992402 with `field_violations`, as the platform does for its field validation rules
 * (INFERRED for the mail send).
 */
import { echo } from '../core/echo.ts'
import { VendorError } from '../core/errors.ts'
import { type RouteDef, shapeRuleOf } from '../core/module.ts'
import { type ErrorObject, jsonPath } from '../core/schema.ts'

function valueAt(root: unknown, instancePath: string): unknown {
  let v = root
  for (const seg of instancePath.split('/').slice(1)) {
    v = (v as Record<string, unknown> | undefined)?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return v
}

export function feishuShapeError(route: RouteDef, errors: readonly ErrorObject[], body: unknown): VendorError {
  const e = errors[0]
  const field = e ? jsonPath(e.instancePath) : '(root)'
  const rule = shapeRuleOf(route, field.replace(/\[\d+\]/g, '[]'), e?.keyword ?? '').id
  if (!e || (e.instancePath === '' && e.keyword === 'type'))
    return new VendorError(9499, `${rule}: the body must be a JSON object`, { message: 'Bad Request' })
  if (e.keyword === 'maxLength') {
    const limit = String(e.params.limit)
    return new VendorError(99992402, `${rule}: ${field} is longer than ${limit} characters`, {
      errorFields: { field_violations: [{ field, description: `the max len is ${limit}` }] },
    })
  }
  // The offending value as the gateway prints it: strings bare, anything else as JSON (short, at any depth).
  const value = echo(valueAt(body, e.instancePath))
  return new VendorError(9499, `${rule}: ${field} ${e.message ?? 'has the wrong type'}`, {
    message: `Invalid parameter type in json: ${field}. Invalid parameter value: ${value}. Please check and modify accordingly.`,
  })
}
