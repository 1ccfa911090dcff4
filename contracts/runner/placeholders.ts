/**
 * Placeholders in contract cases: `{{wecom.token}}`, `{{steps.create.meetingid}}`, `{{now+3600}}`, … A
 * string that is only a placeholder takes the value's own type (times are numbers); inside a longer string
 * it is written as text. Body directives build large or encoded values without spelling them out:
 * `{"$repeat": "a", "times": 41, "join": ""}`, `{"$repeat": {"userid": "u{{i}}"}, "times": 1001}`, `{"$base64url": "…"}`.
 */

/** A placeholder the target cannot fill (a live run without that environment variable): the case is skipped. */
export class MissingValue extends Error {}

export interface Scope {
  /** The target's clock at the step, unix seconds. */
  now: number
  /** Where far-future bookings start, unix seconds. */
  future: number
  run: string
  /** Credentials and seed values by dotted name (`wecom.userids.0`); functions are fetched once when used. */
  lookup(name: string): Promise<unknown>
  steps: Record<string, Record<string, unknown>>
  i?: number
}

const WHOLE = /^\{\{\s*([^{}]+?)\s*\}\}$/
const EVERY = /\{\{\s*([^{}]+?)\s*\}\}/g

async function evaluate(expr: string, scope: Scope): Promise<unknown> {
  const time = /^(now|future)\s*(?:([+-])\s*(\d+))?$/.exec(expr)
  if (time) {
    const base = time[1] === 'now' ? scope.now : scope.future
    const delta = time[3] ? Number(time[3]) * (time[2] === '-' ? -1 : 1) : 0
    return base + delta
  }
  if (expr === 'run') return scope.run
  if (expr === 'i') {
    if (scope.i === undefined) throw new Error('{{i}} is only defined inside a $repeat')
    return scope.i
  }
  if (expr.startsWith('steps.')) {
    const [, step, ...rest] = expr.split('.')
    const captured = scope.steps[step!]
    if (!captured) throw new Error(`{{${expr}}}: no earlier step "${step}" captured anything`)
    const name = rest.join('.')
    if (!(name in captured)) throw new Error(`{{${expr}}}: step "${step}" did not capture "${name}"`)
    return captured[name]
  }
  return scope.lookup(expr)
}

export async function resolveString(text: string, scope: Scope): Promise<unknown> {
  const whole = WHOLE.exec(text)
  if (whole) return evaluate(whole[1]!, scope)
  if (!text.includes('{{')) return text
  let out = ''
  let last = 0
  for (const m of text.matchAll(EVERY)) {
    out += text.slice(last, m.index) + String(await evaluate(m[1]!, scope))
    last = m.index + m[0].length
  }
  return out + text.slice(last)
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url')
}

export async function resolveValue(value: unknown, scope: Scope): Promise<unknown> {
  if (typeof value === 'string') return resolveString(value, scope)
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveValue(v, scope)))
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>
    if ('$repeat' in o) {
      const times = Number(o.times)
      if (!Number.isInteger(times) || times < 0) throw new Error('$repeat needs a whole number "times"')
      // A plain string joined: build it at once (an attachment of 51 million characters is one such).
      if (typeof o.$repeat === 'string' && !o.$repeat.includes('{{') && typeof o.join === 'string')
        return o.join === '' ? o.$repeat.repeat(times) : new Array<string>(times).fill(o.$repeat).join(o.join)
      const items: unknown[] = []
      for (let i = 0; i < times; i++) items.push(await resolveValue(o.$repeat, { ...scope, i }))
      return typeof o.join === 'string' ? items.map(String).join(o.join) : items
    }
    if ('$base64url' in o) return base64url(String(await resolveValue(o.$base64url, scope)))
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(o)) out[k] = await resolveValue(v, scope)
    return out
  }
  return value
}
