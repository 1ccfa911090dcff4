/**
 * One small evaluator for the plain checks rule data carries (`check` in contracts/rules/*.json: required,
 * length in bytes, characters or documented width, range, enum, pattern, item count), and the runner that
 * checks an endpoint's rules in the order of its rule file. A rule without a `check` needs state or several
 * fields: the endpoint supplies it as a named hook, which runs at the rule's place in that order, so the
 * order is data either way. The first rule that fails refuses the request (see refuse in ./rules.ts). Each
 * check is compiled, at its endpoint's first request, into a function of its own; the runner is an array
 * of steps built when the endpoint's module loads, so a request allocates nothing until a rule fails.
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

/** A value for the reason, at most 80 characters of its JSON (a long string is cut before it is encoded). */
const show = (v: unknown) => {
  const text = JSON.stringify(typeof v === 'string' && v.length > 80 ? v.slice(0, 81) : v) ?? String(v)
  return text.length > 80 ? `${text.slice(0, 80)}…` : text
}

const range = (c: RuleCheck) => (c.min !== undefined && c.max !== undefined ? ` (${c.min}..${c.max})` : '')

/**
 * The source of the statements that refuse `v` for the first constraint of `check` it breaks, in a fixed
 * order: presence, string lengths and pattern, number range, enum, item count. Bounds are written in as
 * literals; `re` is the check's pattern. Each statement returns `fail(<constraint>, v, <indexes>)`.
 */
function constraintSource(check: RuleCheck, indexes: string): string {
  const fail = (c: Constraint) => `return fail(${JSON.stringify(c)}, v, ${indexes})`
  const out: string[] = []
  if (check.required) out.push(`if (v === undefined || v === null) ${fail('required')}`)
  if (check.nonEmpty)
    out.push(
      `if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) ${fail('nonEmpty')}`,
    )
  // UTF-16 units bound the counts: 1 to 3 bytes each, at most one code point, at most 2 units wide.
  const strings: string[] = []
  const { maxBytes, maxChars, minChars, maxWidth, min, max, minItems, maxItems } = check
  if (maxBytes !== undefined)
    strings.push(`if (v.length * 3 > ${maxBytes} && utf8Bytes(v) > ${maxBytes}) ${fail('maxBytes')}`)
  if (maxChars !== undefined)
    strings.push(`if (v.length > ${maxChars} && codePoints(v) > ${maxChars}) ${fail('maxChars')}`)
  if (minChars !== undefined)
    strings.push(`if (v.length < ${minChars} || codePoints(v) < ${minChars}) ${fail('minChars')}`)
  if (maxWidth !== undefined)
    strings.push(`if (v.length * 2 > ${maxWidth} && docWidth(v) > ${maxWidth}) ${fail('maxWidth')}`)
  if (check.pattern !== undefined) strings.push(`if (!re.test(v)) ${fail('pattern')}`)
  if (strings.length) out.push(`if (typeof v === 'string') {\n${strings.join('\n')}\n}`)
  const numbers: string[] = []
  if (min !== undefined) numbers.push(`if (v < ${min}) ${fail('min')}`)
  if (max !== undefined) numbers.push(`if (v > ${max}) ${fail('max')}`)
  if (numbers.length) out.push(`if (typeof v === 'number') {\n${numbers.join('\n')}\n}`)
  if (check.enum !== undefined) {
    // A value of a JSON type the enum has none of is the request schema's business.
    const byType = new Map<string, (string | number | boolean)[]>()
    for (const e of check.enum) byType.set(typeof e, [...(byType.get(typeof e) ?? []), e])
    const outside = [...byType].map(
      ([t, values]) => `(typeof v === '${t}' && ${values.map((x) => `v !== ${JSON.stringify(x)}`).join(' && ')})`,
    )
    out.push(`if (${outside.join(' || ')}) ${fail('enum')}`)
  }
  const items: string[] = []
  if (minItems !== undefined) items.push(`if (v.length < ${minItems}) ${fail('minItems')}`)
  if (maxItems !== undefined) items.push(`if (v.length > ${maxItems}) ${fail('maxItems')}`)
  if (items.length) out.push(`if (Array.isArray(v)) {\n${items.join('\n')}\n}`)
  return out.join('\n')
}

/** The bound and the words of a broken constraint, built only once a check has failed. */
function described(check: RuleCheck, constraint: Constraint, value: unknown, at: string): Omit<Found, 'at' | 'value'> {
  const v = value === null ? undefined : value
  switch (constraint) {
    case 'required':
      return { constraint, detail: `${at} is required` }
    case 'nonEmpty':
      return { constraint, detail: v === undefined ? `${at} is required` : `${at} is empty` }
    case 'maxBytes':
      return {
        constraint,
        limit: check.maxBytes!,
        detail: `${at} is ${utf8Bytes(v as string)} bytes, at most ${check.maxBytes}`,
      }
    case 'maxChars':
      return {
        constraint,
        limit: check.maxChars!,
        detail: `${at} is ${codePoints(v as string)} characters, at most ${check.maxChars}`,
      }
    case 'minChars':
      return {
        constraint,
        limit: check.minChars!,
        detail: `${at} is ${codePoints(v as string)} characters, at least ${check.minChars}`,
      }
    case 'maxWidth':
      return {
        constraint,
        limit: check.maxWidth!,
        detail: `${at} is ${docWidth(v as string)} units wide (ASCII 1, other 2), at most ${check.maxWidth}`,
      }
    case 'pattern':
      return { constraint, limit: check.pattern!, detail: `${at} ${show(v)} does not match ${check.pattern}` }
    case 'min':
      return { constraint, limit: check.min!, detail: `${at} ${v} is below ${check.min}${range(check)}` }
    case 'max':
      return { constraint, limit: check.max!, detail: `${at} ${v} is above ${check.max}${range(check)}` }
    case 'enum':
      return {
        constraint,
        limit: check.enum!,
        detail: `${at} ${show(v)} is not one of ${check.enum!.map(show).join(', ')}`,
      }
    case 'minItems':
      return {
        constraint,
        limit: check.minItems!,
        detail: `${at} has ${(v as unknown[]).length} items, at least ${check.minItems}`,
      }
    case 'maxItems':
      return {
        constraint,
        limit: check.maxItems!,
        detail: `${at} has ${(v as unknown[]).length} items, at most ${check.maxItems}`,
      }
  }
}

type Found = Omit<CheckFailure, 'rule' | 'field'>

interface Segment {
  name: string
  /** `name[]`: every item of the array. */
  each: boolean
}

const isObjectSource = (x: string) => `(typeof ${x} === 'object' && ${x} !== null && !Array.isArray(${x}))`

/**
 * How a check reads a property: own properties only (no `__proto__` or `constructor` tricks). A name that
 * Object.prototype lacks can only be an own property of a parsed JSON object, so it is read directly.
 */
function propertySource(node: string, name: string): string {
  const key = JSON.stringify(name)
  return name in Object.prototype ? `(Object.hasOwn(${node}, ${key}) ? ${node}[${key}] : undefined)` : `${node}[${key}]`
}

/**
 * A rule's check, compiled once into a function of its own (as ajv compiles a schema): the path unrolled
 * into property reads and loops, the bounds written in, so a request's check runs monomorphic code and
 * allocates nothing unless it fails. Paths are the schema's `[A-Za-z0-9_]` names, written as JSON strings.
 */
function compile(rule: RuleEntry): (root: unknown) => CheckFailure | undefined {
  const check = rule.check!
  const field = check.path.replaceAll('[]', '')
  const segments: Segment[] = check.path
    .split('.')
    .map((s) => (s.endsWith('[]') ? { name: s.slice(0, -2), each: true } : { name: s, each: false }))

  const failure = (constraint: Constraint, value: unknown, indexes: readonly number[]): CheckFailure => {
    let at = ''
    let k = 0
    for (const s of segments) {
      at = at ? `${at}.${s.name}` : s.name
      if (s.each) at += `[${indexes[k++]}]`
    }
    return { rule, field, at, value, ...described(check, constraint, value, at) }
  }

  // n0 is the root; each segment reads n<d+1> from n<d>, and `a[]` loops over the items as n<d+1>.
  const loops: string[] = []
  const lines: string[] = [`if (!${isObjectSource('n0')}) return undefined`]
  let closing = ''
  for (const [d, s] of segments.entries()) {
    const node = `n${d}`
    const next = `n${d + 1}`
    const last = d === segments.length - 1
    const read = propertySource(node, s.name)
    if (!s.each) {
      lines.push(`const ${next} = ${read}`)
    } else {
      const list = `l${d}`
      const i = `i${d}`
      loops.push(i)
      lines.push(`const ${list} = ${read}`)
      // An absent array (or one of another type) has no items to check.
      lines.push(`if (Array.isArray(${list})) for (let ${i} = 0; ${i} < ${list}.length; ${i}++) {`)
      lines.push(`const ${next} = ${list}[${i}]`)
      closing = `}\n${closing}`
    }
    if (last) {
      lines.push(`{\nconst v = ${next}\n${constraintSource(check, `[${loops.join(', ')}]`)}\n}`)
    } else if (s.each) {
      // An item that is not an object has no field to check.
      lines.push(`if (${isObjectSource(next)}) {`)
      closing = `}\n${closing}`
    } else {
      lines.push(`if (${isObjectSource(next)}) {`)
      closing = `}\n${closing}`
    }
  }
  const source = `${lines.join('\n')}\n${closing}return undefined`
  const re = check.pattern !== undefined ? new RegExp(check.pattern) : undefined
  // Code generated from the rule data (names the schema's pattern allows), never from a request.
  const make = new Function(
    'utf8Bytes',
    'codePoints',
    'docWidth',
    're',
    'fail',
    `return function check(n0) {\n${source}\n}`,
  )
  return make(utf8Bytes, codePoints, docWidth, re, failure)
}

const compiled = new WeakMap<RuleEntry, (root: unknown) => CheckFailure | undefined>()

/** The compiled check of a rule that has one (built the first time it is asked for). */
function compiledCheck(rule: RuleEntry): (root: unknown) => CheckFailure | undefined {
  let f = compiled.get(rule)
  if (!f) {
    f = compile(rule)
    compiled.set(rule, f)
  }
  return f
}

/** Where `check` fails on `root` (the body, or the query parameters), first place first; undefined when it holds. */
export function checkFailure(rule: RuleEntry, root: unknown): CheckFailure | undefined {
  if (!rule.check) return undefined
  return compiledCheck(rule)(root)
}

/** What a hook answers: nothing when its rule holds, else the detail for the reason (and vendor extras). */
export type HookResult = string | { detail: string; options?: VendorErrorOptions } | undefined

/** A rule checked by hand, at its place in the rule file's order. */
export type Hook<B, C> = (body: B, ctx: C) => HookResult

/** A hook that may wait (the Feishu mail send parses a raw EML with an asynchronous parser). */
export type AsyncHook<B, C> = (body: B, ctx: C) => HookResult | Promise<HookResult>

export interface RuleCheckSpec<B, C, H = Hook<B, C>> {
  /** The rules without a `check`, by id: state, several fields, or the clock. */
  hooks?: Partial<Record<RuleId, H>>
  /**
   * Refusing rules of the list checked before the runner (the request schema's, the gateway's) or by
   * code the runner calls into: named here so that every refusing rule is accounted for.
   */
  elsewhere?: readonly RuleId[]
  /** The vendor's extras for a failed plain check (a WeCom 40058 errmsg prefix). */
  options?: (failure: CheckFailure) => VendorErrorOptions | undefined
}

/** Each endpoint's `elsewhere` entries, as its runners declared them (read by test/rule-elsewhere.test.ts). */
const elsewhereByEndpoint = new Map<string, ReadonlySet<string>>()

/**
 * The rule ids the runners of `endpoint` list as `elsewhere` (the request schema's or the gateway's), once a
 * runner of its rules is built; undefined while none is.
 */
export function declaredElsewhere(endpoint: string): ReadonlySet<string> | undefined {
  return elsewhereByEndpoint.get(endpoint)
}

function refused(id: RefusalId, result: HookResult): void {
  if (result === undefined) return
  if (typeof result === 'string') refuse(id, result)
  refuse(id, result.detail, result.options)
}

/**
 * The steps of the checker for `rules`, after checking the spec: a rule left with neither a check, a hook
 * nor an `elsewhere` entry, or a hook for a rule the data already checks, fails at start-up.
 */
function stepsOf<B, C>(
  rules: readonly RuleEntry[],
  spec: RuleCheckSpec<B, C, AsyncHook<B, C>>,
): ((body: B, ctx: C) => void | Promise<void>)[] {
  const hooks = (spec.hooks ?? {}) as Record<string, AsyncHook<B, C> | undefined>
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
  for (const endpoint of new Set(rules.map((r) => r.endpoint)))
    elsewhereByEndpoint.set(endpoint, new Set([...(declaredElsewhere(endpoint) ?? []), ...elsewhere]))

  return rules.flatMap((r): ((body: B, ctx: C) => void | Promise<void>)[] => {
    const id = r.id as RefusalId
    const hook = hooks[r.id]
    if (hook) {
      return [
        (body, ctx) => {
          const result = hook(body, ctx)
          if (result === undefined) return
          if (result instanceof Promise) return result.then((settled) => refused(id, settled))
          refused(id, result)
        },
      ]
    }
    if (!r.check) return []
    // Compiled at the first request, not at start-up: cold start pays for no endpoint it does not serve.
    let failed: ((root: unknown) => CheckFailure | undefined) | undefined
    const options = spec.options
    return [
      (body) => {
        failed ??= compiledCheck(r)
        const failure = failed(body)
        if (failure) refuse(id, failure.detail, options?.(failure))
      },
    ]
  })
}

/**
 * The checker for `rules` (one endpoint's, in file order): every plain check from the data, every hook at
 * its rule's place, the first failure refused. Checks the spec when built (see stepsOf).
 */
export function ruleChecks<B, C = undefined>(
  rules: readonly RuleEntry[],
  spec: RuleCheckSpec<B, C> = {},
): (body: B, ctx: C) => void {
  const steps = stepsOf(rules, spec) as ((body: B, ctx: C) => void)[]
  const n = steps.length
  return (body, ctx) => {
    for (let i = 0; i < n; i++) steps[i]!(body, ctx)
  }
}

/** ruleChecks for an endpoint some of whose hooks wait: each is awaited at its place, the order stays the file's. */
export function asyncRuleChecks<B, C = undefined>(
  rules: readonly RuleEntry[],
  spec: RuleCheckSpec<B, C, AsyncHook<B, C>> = {},
): (body: B, ctx: C) => Promise<void> {
  // The same steps as waitingRuleChecks, always as a promise (a refusal thrown at once becomes a rejection).
  const check = waitingRuleChecks(rules, spec)
  return async (body, ctx) => {
    await check(body, ctx)
  }
}

/**
 * asyncRuleChecks that makes no promise while no hook waits: undefined once every step answered at once (a
 * refusal thrown then, as ruleChecks throws it), else the promise of the rest, from the first hook that
 * waits, each awaited at its place. For a handler that answers in the turn it was called when it can (every
 * await is a turn of the queue, and a promise and a frame kept per request).
 */
export function waitingRuleChecks<B, C = undefined>(
  rules: readonly RuleEntry[],
  spec: RuleCheckSpec<B, C, AsyncHook<B, C>> = {},
): (body: B, ctx: C) => Promise<void> | undefined {
  const steps = stepsOf(rules, spec)
  const n = steps.length
  const rest = async (body: B, ctx: C, from: number, waiting: Promise<void>) => {
    await waiting
    for (let i = from; i < n; i++) {
      const next = steps[i]!(body, ctx)
      if (next) await next
    }
  }
  return (body, ctx) => {
    for (let i = 0; i < n; i++) {
      const waiting = steps[i]!(body, ctx)
      if (waiting) return rest(body, ctx, i + 1, waiting)
    }
    return undefined
  }
}
