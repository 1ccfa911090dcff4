/**
 * What must come back: HTTP status, the vendor's code (`errcode` for WeCom, `code` for Feishu), fields by
 * dotted path with matchers, headers, the whole text, or a JSON Schema. Returns every mismatch, so one run
 * says all that is wrong with a response.
 */
import { describeAjvError, fullValidatorFor } from '../../src/core/schema.ts'
import type { WireResponse } from '../client/types.ts'

export interface Expectation {
  status?: number
  code?: number
  fields?: Record<string, unknown>
  headers?: Record<string, unknown>
  text?: string
  schema?: object
}

/** `data.message_id`, `schedule_list.0.summary` */
export function pick(value: unknown, path: string): { found: boolean; value: unknown } {
  let cur: unknown = value
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(seg in (cur as object))) return { found: false, value: undefined }
    cur = (cur as Record<string, unknown>)[seg]
  }
  return { found: true, value: cur }
}

export function vendorCode(vendor: 'wecom' | 'feishu', json: unknown): number | undefined {
  const c = pick(json, vendor === 'wecom' ? 'errcode' : 'code')
  return typeof c.value === 'number' ? c.value : undefined
}

function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (Number.isInteger(v)) return 'integer'
  return typeof v
}

function isOperatorObject(m: unknown): m is Record<string, unknown> {
  return !!m && typeof m === 'object' && !Array.isArray(m) && Object.keys(m).some((k) => k.startsWith('$'))
}

/** Why `actual` (found or not) fails `matcher`, or undefined when it matches. */
export function mismatch(matcher: unknown, found: boolean, actual: unknown): string | undefined {
  const show = (v: unknown) => (found ? JSON.stringify(v)?.slice(0, 200) : 'absent')
  if (!isOperatorObject(matcher)) {
    return found && JSON.stringify(actual) === JSON.stringify(matcher)
      ? undefined
      : `expected ${JSON.stringify(matcher)}, got ${show(actual)}`
  }
  for (const [op, arg] of Object.entries(matcher)) {
    switch (op) {
      case '$exists':
        if (found !== arg)
          return arg ? 'expected it to be present, it is absent' : `expected it absent, got ${show(actual)}`
        break
      case '$type': {
        const t = typeName(actual)
        const ok = found && (t === arg || (arg === 'number' && t === 'integer'))
        if (!ok) return `expected a ${String(arg)}, got ${show(actual)}`
        break
      }
      case '$startsWith':
        if (typeof actual !== 'string' || !actual.startsWith(String(arg)))
          return `expected a string starting with ${JSON.stringify(arg)}, got ${show(actual)}`
        break
      case '$contains':
        if (
          typeof actual === 'string'
            ? !actual.includes(String(arg))
            : !Array.isArray(actual) || !actual.some((x) => JSON.stringify(x) === JSON.stringify(arg))
        )
          return `expected it to contain ${JSON.stringify(arg)}, got ${show(actual)}`
        break
      case '$pattern':
        if (typeof actual !== 'string' || !new RegExp(String(arg)).test(actual))
          return `expected a string matching /${String(arg)}/, got ${show(actual)}`
        break
      case '$gte':
        if (typeof actual !== 'number' || actual < Number(arg))
          return `expected a number ≥ ${String(arg)}, got ${show(actual)}`
        break
      case '$lte':
        if (typeof actual !== 'number' || actual > Number(arg))
          return `expected a number ≤ ${String(arg)}, got ${show(actual)}`
        break
      case '$length':
        if ((typeof actual !== 'string' && !Array.isArray(actual)) || actual.length !== arg)
          return `expected length ${String(arg)}, got ${show(actual)}`
        break
      case '$minLength':
        if ((typeof actual !== 'string' && !Array.isArray(actual)) || actual.length < Number(arg))
          return `expected length ≥ ${String(arg)}, got ${show(actual)}`
        break
      case '$not':
        if (mismatch(arg, found, actual) === undefined)
          return `expected not ${JSON.stringify(arg)}, got ${show(actual)}`
        break
      default:
        return `unknown matcher ${op}`
    }
  }
  return undefined
}

export function check(vendor: 'wecom' | 'feishu', res: WireResponse, expect: Expectation = {}): string[] {
  const problems: string[] = []
  if (expect.status !== undefined && res.status !== expect.status)
    problems.push(`HTTP status: expected ${expect.status}, got ${res.status}`)
  if (expect.code !== undefined) {
    const code = vendorCode(vendor, res.json)
    if (code !== expect.code) {
      const label = vendor === 'wecom' ? 'errcode' : 'code'
      const msg = pick(res.json, vendor === 'wecom' ? 'errmsg' : 'msg').value
      problems.push(
        `${label}: expected ${expect.code}, got ${code ?? 'none'}${msg ? ` (${String(msg).slice(0, 160)})` : ''}`,
      )
    }
  }
  for (const [path, matcher] of Object.entries(expect.fields ?? {})) {
    const { found, value } = pick(res.json, path)
    const why = mismatch(matcher, found, value)
    if (why) problems.push(`${path}: ${why}`)
  }
  for (const [name, matcher] of Object.entries(expect.headers ?? {})) {
    const key = name.toLowerCase()
    const why = mismatch(matcher, key in res.headers, res.headers[key])
    if (why) problems.push(`header ${key}: ${why}`)
  }
  if (expect.text !== undefined && res.text !== expect.text)
    problems.push(`body: expected ${JSON.stringify(expect.text)}, got ${JSON.stringify(res.text.slice(0, 200))}`)
  if (expect.schema) {
    const validate = fullValidatorFor(expect.schema)
    if (!validate(res.json)) problems.push(...(validate.errors ?? []).map((e) => `schema: ${describeAjvError(e)}`))
  }
  return problems
}
