/**
 * WeCom's answer to a body of the wrong shape, for every WeCom endpoint: 40058 "invalid Request Parameter"
 * (40058 items 2-3 of https://developer.work.weixin.qq.com/document/path/90313: a missing required field, a
 * wrong type, a value or list over its limit), with a
 * field-specific prefix as real answers carry ("markdown.content exceed max length 4096. Invalid input
 * invalid Request Parameter"). A field whose wrong value has a code of its own (meeting_start 400034) says
 * so in its route's `shape`. The wording of each prefix is INFERRED; clients must match on errcode.
 */
import { VendorError } from '../core/errors.ts'
import { type RouteDef, shapeRuleOf } from '../core/module.ts'
import { type ErrorObject, jsonPath } from '../core/schema.ts'

/** The error for the first schema error, naming the broken rule in the reason. */
export function wecomShapeError(route: RouteDef, errors: readonly ErrorObject[]): VendorError {
  const e = errors[0]
  if (!e) return new VendorError(40058, `${shapeRuleOf(route, '', '').rule}: the body does not match the schema`)
  const base = jsonPath(e.instancePath)
  const field =
    e.keyword === 'required'
      ? `${base === '(root)' ? '' : `${base}.`}${String(e.params.missingProperty)}`
      : base === '(root)'
        ? 'request body'
        : base
  const { rule, code } = shapeRuleOf(route, field.replace(/\[\d+\]/g, '[]'), e.keyword)
  const what =
    e.keyword === 'required'
      ? 'is required'
      : e.keyword === 'type'
        ? `must be ${String(e.params.type)}`
        : (e.message ?? e.keyword)
  if (code !== undefined) return new VendorError(code, `${rule}: ${field} ${what}`)
  const prefix =
    e.keyword === 'required'
      ? `missing ${field}. `
      : e.keyword === 'type'
        ? `invalid type of ${field}: ${what}. Invalid input `
        : e.keyword === 'maxItems'
          ? `${field} exceed max size ${String(e.params.limit)}. Invalid input `
          : e.keyword === 'maxLength'
            ? `${field} exceed max length ${String(e.params.limit)}. Invalid input `
            : `${field} ${what}. Invalid input `
  return new VendorError(40058, `${rule}: ${field} ${what}`, { prefix })
}

/** WeCom's "N 字节" limits count UTF-8 bytes, not characters. */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

/** WeCom's "N 个字符" limits count characters (code points), so one emoji is one, as users see it. */
export function charLength(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}
