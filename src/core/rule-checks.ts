/**
 * One small evaluator for the plain checks rule data carries (`check` in contracts/rules/*.json: required,
 * length in bytes, characters or documented width, range, enum, pattern, item count), and the runner that
 * checks an endpoint's rules in the order of its rule file. A rule without a `check` needs state or several
 * fields: the endpoint supplies it as a named hook, which runs at the rule's place in that order, so the
 * order is data either way. The first rule that fails refuses the request (see refuse in ./rules.ts).
 *
 * Conventions (the schema's `$defs/check`): `null` counts as absent; a check on `a.b` applies where `a` is
 * an object (an absent parent is its own rule's business); `[]` in a path steps into every item; every
 * constraint but required/nonEmpty skips absent values and values of another JSON type, which the request
 * schema has already refused.
 */
import type { RuleCheck } from '../generated/contracts.ts'
import type { VendorErrorOptions } from './errors.ts'
import { type RefusalId, type RuleEntry, type RuleId, refuse } from './rules.ts'

export type Constraint = Exclude<keyof RuleCheck, 'path'>

/** A check that did not hold: where, which constraint, and the words for the reason. */
export interface CheckFailure {
  rule: RuleEntry
  constraint: Constraint
  /** The path with array indexes filled in: `schedule.attendees[2].userid`. */
  at: string
  /** The path as the doc names the field, without `[]`: `schedule.attendees.userid`. */
  field: string
  /** The bound broken: a number, the pattern, or the allowed values. */
  limit?: number | string | readonly (string | number | boolean)[]
  value: unknown
  /** For people, after the rule id in the reason: `title is 45 units wide (ASCII 1, other 2), at most 40`. */
  detail: string
}

/** UTF-8 bytes: WeCom's "N 字节". */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

/** Characters as users count them: Unicode code points, so an emoji (a surrogate pair) is one. */
export function codePoints(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** The meeting docs' width ("40个字节或者20个utf8字符"): 1 per ASCII code point, 2 per any other. */
export function docWidth(s: string): number {
  let width = 0
  for (const ch of s) width += ch.codePointAt(0)! < 0x80 ? 1 : 2
  return width
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

interface Target {
  value: unknown
  at: string
}

/** The values a path reaches, each where its parent exists; own properties only (no `__proto__` tricks). */
function targets(root: unknown, path: string): Target[] {
  let nodes: Target[] = [{ value: root, at: '' }]
  const segments = path.split('.')
  for (const segment of segments) {
    const each = segment.endsWith('[]')
    const name = each ? segment.slice(0, -2) : segment
    const next: Target[] = []
    for (const node of nodes) {
      if (!isObject(node.value)) continue
      const at = node.at ? `${node.at}.${name}` : name
      const value = Object.hasOwn(node.value, name) ? node.value[name] : undefined
      if (!each) next.push({ value, at })
      // `a[]`: every item; an absent array (or one of another type) has none to check.
      else if (Array.isArray(value))
        for (const [j, item] of value.entries()) next.push({ value: item, at: `${at}[${j}]` })
    }
    nodes = next
  }
  return nodes
}

const show = (v: unknown) => {
  const text = JSON.stringify(v) ?? String(v)
  return text.length > 80 ? `${text.slice(0, 80)}…` : text
}

type Found = Omit<CheckFailure, 'rule' | 'field'>

/** The first constraint of `check` that `value` (found at `at`) breaks, or undefined. */
function breaks(check: RuleCheck, value: unknown, at: string): Found | undefined {
  const v = value === null ? undefined : value
  const broken = (constraint: Constraint, limit: Found['limit'], detail: string): Found => ({
    constraint,
    at,
    value,
    detail,
    ...(limit !== undefined ? { limit } : {}),
  })
  if (check.required && v === undefined) return broken('required', undefined, `${at} is required`)
  if (check.nonEmpty && (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)))
    return broken('nonEmpty', undefined, v === undefined ? `${at} is required` : `${at} is empty`)
  if (typeof v === 'string') {
    if (check.maxBytes !== undefined && utf8Bytes(v) > check.maxBytes)
      return broken('maxBytes', check.maxBytes, `${at} is ${utf8Bytes(v)} bytes, at most ${check.maxBytes}`)
    if (check.maxChars !== undefined && codePoints(v) > check.maxChars)
      return broken('maxChars', check.maxChars, `${at} is ${codePoints(v)} characters, at most ${check.maxChars}`)
    if (check.minChars !== undefined && codePoints(v) < check.minChars)
      return broken('minChars', check.minChars, `${at} is ${codePoints(v)} characters, at least ${check.minChars}`)
    if (check.maxWidth !== undefined && docWidth(v) > check.maxWidth)
      return broken(
        'maxWidth',
        check.maxWidth,
        `${at} is ${docWidth(v)} units wide (ASCII 1, other 2), at most ${check.maxWidth}`,
      )
    if (check.pattern !== undefined && !patternOf(check.pattern).test(v))
      return broken('pattern', check.pattern, `${at} ${show(v)} does not match ${check.pattern}`)
  }
  if (typeof v === 'number') {
    if (check.min !== undefined && v < check.min)
      return broken('min', check.min, `${at} ${v} is below ${check.min}${range(check)}`)
    if (check.max !== undefined && v > check.max)
      return broken('max', check.max, `${at} ${v} is above ${check.max}${range(check)}`)
  }
  if (check.enum !== undefined && v !== undefined && check.enum.some((e) => typeof e === typeof v)) {
    if (!check.enum.includes(v as string | number | boolean))
      return broken('enum', check.enum, `${at} ${show(v)} is not one of ${check.enum.map(show).join(', ')}`)
  }
  if (Array.isArray(v)) {
    if (check.minItems !== undefined && v.length < check.minItems)
      return broken('minItems', check.minItems, `${at} has ${v.length} items, at least ${check.minItems}`)
    if (check.maxItems !== undefined && v.length > check.maxItems)
      return broken('maxItems', check.maxItems, `${at} has ${v.length} items, at most ${check.maxItems}`)
  }
  return undefined
}

const range = (c: RuleCheck) => (c.min !== undefined && c.max !== undefined ? ` (${c.min}..${c.max})` : '')

const patterns = new Map<string, RegExp>()
function patternOf(source: string): RegExp {
  let re = patterns.get(source)
  if (!re) {
    re = new RegExp(source)
    patterns.set(source, re)
  }
  return re
}

/** Where `check` fails on `root` (the body, or the query parameters), first place first; undefined when it holds. */
export function checkFailure(rule: RuleEntry, root: unknown): CheckFailure | undefined {
  const check = rule.check
  if (!check) return undefined
  const field = check.path.replaceAll('[]', '')
  for (const t of targets(root, check.path)) {
    const found = breaks(check, t.value, t.at)
    if (found) return { rule, field, ...found }
  }
  return undefined
}

/** What a hook answers: nothing when its rule holds, else the detail for the reason (and vendor extras). */
export type HookResult = string | { detail: string; options?: VendorErrorOptions } | undefined

/** A rule checked by hand, at its place in the rule file's order. */
export type Hook<B, C> = (body: B, ctx: C) => HookResult

export interface RuleCheckSpec<B, C> {
  /** The rules without a `check`, by id: state, several fields, or the clock. */
  hooks?: Partial<Record<RuleId, Hook<B, C>>>
  /**
   * Refusing rules of the list checked before the runner (the request schema's, the gateway's) or by
   * code the runner calls into: named here so that every refusing rule is accounted for.
   */
  elsewhere?: readonly RuleId[]
  /** The vendor's extras for a failed plain check (a WeCom 40058 errmsg prefix). */
  options?: (failure: CheckFailure) => VendorErrorOptions | undefined
}

/**
 * The checker for `rules` (one endpoint's, in file order): every plain check from the data, every hook at
 * its rule's place, the first failure refused. Checks the spec when built, so a rule left with neither a
 * check, a hook nor an `elsewhere` entry, or a hook for a rule the data already checks, fails at start-up.
 */
export function ruleChecks<B, C = undefined>(
  rules: readonly RuleEntry[],
  spec: RuleCheckSpec<B, C> = {},
): (body: B, ctx: C) => void {
  const hooks = (spec.hooks ?? {}) as Record<string, Hook<B, C> | undefined>
  const elsewhere = new Set<string>(spec.elsewhere ?? [])
  const byId = new Map(rules.map((r) => [r.id as string, r]))
  const problems: string[] = []
  for (const [id, how] of [
    ...Object.keys(hooks).map((id) => [id, 'hook'] as const),
    ...[...elsewhere].map((id) => [id, 'elsewhere entry'] as const),
  ]) {
    const r = byId.get(id)
    if (!r) problems.push(`${id} (${how}) is not one of these rules`)
    else if (r.kind !== 'refusal' || r.refusedAs) problems.push(`${id} (${how}) is not refused under its own id`)
    else if (r.check) problems.push(`${id} is checked from its data: drop its ${how}`)
  }
  for (const id of Object.keys(hooks)) if (elsewhere.has(id)) problems.push(`${id} has a hook and is elsewhere`)
  for (const r of rules) {
    const refusing = r.kind === 'refusal' && !r.refusedAs && r.code !== 0
    if (refusing && !r.check && !hooks[r.id] && !elsewhere.has(r.id))
      problems.push(`${r.id} has neither a check, a hook nor an elsewhere entry`)
  }
  if (problems.length) throw new Error(`[worksuite-mock] rule checks: ${problems.join('; ')}`)

  const steps = rules.flatMap((r): ((body: B, ctx: C) => void)[] => {
    const id = r.id as RefusalId
    const hook = hooks[r.id]
    if (hook) {
      return [
        (body, ctx) => {
          const result = hook(body, ctx)
          if (result === undefined) return
          if (typeof result === 'string') refuse(id, result)
          refuse(id, result.detail, result.options)
        },
      ]
    }
    if (!r.check) return []
    return [
      (body) => {
        const failure = checkFailure(r, body)
        if (failure) refuse(id, failure.detail, spec.options?.(failure))
      },
    ]
  })
  return (body, ctx) => {
    for (const step of steps) step(body, ctx)
  }
}
