/**
 * How the emulator repeats a caller's value in what it answers: the reason (`x-worksuite-mock-reason`, the
 * journal), WeCom errmsg prefixes, Feishu messages that name the value. One helper, so every echo is short
 * (a 20 KB meetingid must not become a 20 KB header the client refuses) and well-formed (a lone surrogate
 * must not throw where the text is encoded). Structures are printed as JSON with a bound on depth and
 * length, never by walking all of a request.
 */

/** UTF-16 units of a value that an echo keeps; past them it ends in `…`. */
export const ECHO_MAX_CHARS = 64
/** Nesting an echoed structure is printed to; deeper levels print as `…`. */
const ECHO_MAX_DEPTH = 8
const ELLIPSIS = '…'

/** `text` cut to `max` units without splitting a surrogate pair, lone surrogates replaced (U+FFFD). */
export function cut(text: string, max: number = ECHO_MAX_CHARS): string {
  if (text.length <= max) return text.toWellFormed()
  let end = max
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${text.slice(0, end).toWellFormed()}${ELLIPSIS}`
}

/** JSON text of `value` up to about `budget` characters: stops as soon as it has that much. */
function boundedJson(value: unknown, budget: number): string {
  let out = ''
  // Each returns false once the budget is spent, so the walk stops there.
  const put = (s: string): boolean => {
    out += s
    return out.length < budget
  }
  const walk = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string') return put(JSON.stringify(v.slice(0, budget)))
    if (v === null || typeof v !== 'object') return put(JSON.stringify(v) ?? 'null')
    if (depth >= ECHO_MAX_DEPTH) return put(ELLIPSIS)
    if (Array.isArray(v)) {
      if (!put('[')) return false
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && !put(',')) return false
        if (!walk(v[i], depth + 1)) return false
      }
      return put(']')
    }
    if (!put('{')) return false
    let first = true
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue
      if (!first && !put(',')) return false
      first = false
      if (!put(`${JSON.stringify(k.slice(0, budget))}:`)) return false
      if (!walk((v as Record<string, unknown>)[k], depth + 1)) return false
    }
    return put('}')
  }
  walk(value, 0)
  return out
}

/** A caller's value as an error message repeats it: a string as is, anything else as JSON; short either way. */
export function echo(value: unknown): string {
  return cut(typeof value === 'string' ? value : boundedJson(value, ECHO_MAX_CHARS + 1))
}
