/**
 * WeCom's answer to a body of the wrong shape, for every WeCom endpoint: 40058 "invalid Request Parameter"
 * (40058 items 2-3 of https://developer.work.weixin.qq.com/document/path/90313: a missing required field, a
 * wrong type, a value or list over its limit), with a
 * field-specific prefix as real answers carry ("markdown.content exceed max length 4096. Invalid input
 * invalid Request Parameter"). A field whose wrong value has a code of its own (meeting_start 400034) names
 * that rule in its route's `shape`. The wording of each prefix is INFERRED; clients must match on errcode.
 */
import { VendorError, type VendorErrorOptions } from '../core/errors.ts'
import { type RouteDef, shapeRuleOf } from '../core/module.ts'
import type { CheckFailure } from '../core/rule-checks.ts'
import { type ErrorObject, jsonPath } from '../core/schema.ts'

/** The error for the first schema error, naming the broken rule in the reason. */
export function wecomShapeError(route: RouteDef, errors: readonly ErrorObject[]): VendorError {
  const e = errors[0]
  if (!e) return new VendorError(40058, `${shapeRuleOf(route, '', '').id}: the body does not match the schema`)
  const base = jsonPath(e.instancePath)
  const field =
    e.keyword === 'required'
      ? `${base === '(root)' ? '' : `${base}.`}${String(e.params.missingProperty)}`
      : base === '(root)'
        ? 'request body'
        : base
  const broken = shapeRuleOf(route, field.replace(/\[\d+\]/g, '[]'), e.keyword)
  const rule = broken.id
  const what =
    e.keyword === 'required'
      ? 'is required'
      : e.keyword === 'type'
        ? `must be ${String(e.params.type)}`
        : (e.message ?? e.keyword)
  // A field whose wrong value has a code of its own (meeting_start 400034) answers that code, bare.
  if (broken.code !== 40058) return new VendorError(broken.code, `${rule}: ${field} ${what}`)
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

/**
 * The errmsg prefix of a 40058 refused by a plain check (src/core/rule-checks.ts), in the words the shape
 * errors and the hooks use (wording INFERRED, as theirs): `schedule.summary exceed max length 128.
 * Invalid input `. Other codes carry no prefix.
 */
export function wecomCheckOptions(f: CheckFailure): VendorErrorOptions | undefined {
  if (f.rule.code !== 40058) return undefined
  const check = f.rule.check
  const why = (() => {
    switch (f.constraint) {
      case 'required':
      case 'nonEmpty':
        return undefined
      case 'maxBytes':
      case 'maxChars':
      case 'maxWidth':
        return `exceed max length ${String(f.limit)}`
      case 'minChars':
        return `is shorter than ${String(f.limit)}`
      case 'maxItems':
        return `exceed max size ${String(f.limit)}`
      case 'minItems':
        return `needs at least ${String(f.limit)} items`
      case 'min':
      case 'max':
        return check?.min !== undefined && check.max !== undefined
          ? `out of range ${check.min}-${check.max}`
          : `${f.constraint === 'min' ? 'is below' : 'is above'} ${String(f.limit)}`
      case 'enum':
        return `must be ${orList((f.limit as readonly unknown[]).map(String))}`
      case 'pattern':
        return 'is invalid'
    }
  })()
  return { prefix: why === undefined ? `missing ${f.field}. ` : `${f.field} ${why}. Invalid input ` }
}

/** `0 or 1`, `0, 1 or 2`. */
function orList(items: string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`
}
