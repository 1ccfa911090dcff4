/**
 * The set of rule ids the code can refuse with is the catalogue's set of refusals. Read statically from
 * src/ (test/support/rule-sites.ts): the ids of refusal sites (`fail(code, '<id>: …')`, `refuse('<id>', …)`),
 * the ids the code passes around as literals (schema rule maps, helper arguments, hook keys, reasons built
 * by hand), and ids built from a literal stem (or an endpoint id) and a suffix (`${rule}.known`). Rules with a `check` are
 * evaluated from the data. Each site that names its code literally answers the rule's code.
 */
import { describe, expect, test } from 'vitest'
import { ruleEndpointIds } from '../scripts/gen-rules.ts'
import { RULES, type RuleEntry } from '../src/generated/rules.ts'
import { idPattern, type Literal, type Site, scan } from './support/rule-sites.ts'

const catalogue = Object.values(RULES) as RuleEntry[]
const byId = new Map(catalogue.map((r) => [r.id as string, r]))
const refusing = (r: RuleEntry | undefined) => !!r && r.kind === 'refusal' && !r.refusedAs && r.code !== 0
const refusals = catalogue.filter(refusing).map((r) => r.id as string)
const endpointIds = ruleEndpointIds()

const looksLikeRuleId = (s: string) => /^[a-z0-9_.-]+$/.test(s) && endpointIds.some((e) => s.startsWith(`${e}.`))
const isStem = (s: string) => !byId.has(s) && catalogue.some((r) => r.id.startsWith(`${s}.`))
const where = (x: { file: string; line: number }) => `${x.file}:${x.line}`

/** A reason whose id the caller supplies: `${rule}: …`, `${rules.password}: …`, `${rule.replace(…)}: …`. */
function callerSupplied(text: string): boolean {
  if (!text.startsWith('${')) return false
  let depth = 0
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '{') depth++
    else if (text[i] === '}' && --depth === 0) return /^[a-z0-9_.-]*:/.test(text.slice(i + 1))
  }
  return false
}

/**
 * Refusals that name no rule, on purpose: what the emulator adds to the vendors' APIs (injected faults,
 * its body size limit, routes it does not implement yet) and its own bugs answered in the vendor's envelope.
 */
const NOT_RULES: [RegExp, string][] = [
  [/^fault \$\{/, 'an injected fault (src/core/faults.ts) names the fault rule'],
  [/^emulator error: /, 'a bug in the emulator, answered in the vendor envelope instead of a 500'],
  [/^\$\{id\} is not implemented/, 'a route the emulator lists but does not implement (src/pending.ts)'],
]
/** `fail(code, <expression>)` sites whose reason is built elsewhere, and why that is fine. */
const OPAQUE_OK: Record<string, string> = {
  'src/core/errors.ts reason': 'fail() itself',
  'src/core/emulator.ts why':
    "refuseOversize: the adapters' body size limit (server.maxBodyBytes), not a documented rule",
}

const { literals, sites, opaque } = scan('src')

/** The rule ids a literal names: its whole text, or the id before `: ` of a reason written out. */
function named(l: Literal): string[] {
  const reason = /^([a-z0-9_.-]+): /.exec(l.text)?.[1]
  return [l.text, ...(reason ? [reason] : [])].filter(looksLikeRuleId)
}

function raisedByCode(): { ids: Set<string>; unknown: string[] } {
  const ids = new Set<string>()
  const unknown: string[] = []
  const stems = new Set<string>()
  for (const l of literals) {
    // An endpoint's id passed to checks it shares with another endpoint (`checkScheduleFields(…,
    // 'wecom.schedule.add')`): the stem of the ids those checks build, `${rule}.time.order`.
    if (endpointIds.includes(l.text)) stems.add(l.text)
    for (const id of named(l)) {
      if (byId.has(id)) ids.add(id)
      else if (isStem(id)) stems.add(id)
      else unknown.push(`${where(l)} names ${id}, which contracts/rules lacks`)
    }
  }
  for (const s of sites) {
    if (!s.id?.includes('${')) continue
    if (s.id.startsWith('${')) {
      // `${rule}.known`: the stem comes from a literal elsewhere.
      const suffix = s.id.replace(/^\$\{[^}]*\}/, '')
      for (const stem of stems) if (byId.has(stem + suffix)) ids.add(stem + suffix)
      continue
    }
    const matches = catalogue.filter((r) => idPattern(s.id!).test(r.id))
    if (matches.length === 0) unknown.push(`${where(s)} builds ${s.id}, which matches no rule`)
    for (const r of matches) if (refusing(r)) ids.add(r.id)
  }
  return { ids, unknown }
}

describe('the rule ids the code raises', () => {
  const { ids, unknown } = raisedByCode()
  const checked = catalogue.filter((r) => r.check).map((r) => r.id as string)

  test('are the catalogue refusals: each raised by the code or evaluated from its check', () => {
    const covered = new Set([...ids].filter((id) => refusals.includes(id)).concat(checked))
    expect(
      refusals.filter((id) => !covered.has(id)),
      'refusing rules nothing raises: implement them, or mark them behaviour / refusedAs',
    ).toEqual([])
  })

  test('all exist in the catalogue', () => {
    expect(unknown).toEqual([])
  })

  test('are never a behaviour or a rule refused under another id', () => {
    const wrong = [...ids].filter((id) => !refusing(byId.get(id)) && byId.get(id)!.code !== 0)
    const sitesNaming = sites.filter((s) => s.id && byId.has(s.id) && !refusing(byId.get(s.id)))
    expect([...wrong, ...sitesNaming.map((s) => `${where(s)} ${s.id}`)]).toEqual([])
  })
})

describe('refusal sites', () => {
  const withCode = (s: Site) => s.code !== undefined && /^-?\d+$/.test(s.code)

  test('answer the code of the rule their reason names', () => {
    const wrong: string[] = []
    for (const s of sites.filter((x) => x.id && withCode(x) && !x.id.startsWith('${'))) {
      const rules = s.id!.includes('${')
        ? catalogue.filter((r) => refusing(r) && idPattern(s.id!).test(r.id))
        : [byId.get(s.id!)].filter((r) => r !== undefined)
      for (const r of rules)
        if (String(r.code) !== s.code) wrong.push(`${where(s)}: ${r.id} answers ${s.code}, the rule says ${r.code}`)
    }
    expect(wrong).toEqual([])
    // The scan sees them: the refusals written by hand (the gateways' auth, the shape mappers). A hook's
    // refusal has no code to get wrong: ruleChecks takes it from the rule.
    const named = sites.filter((s) => s.id && withCode(s))
    expect(named.length).toBeGreaterThan(10)
    for (const file of ['src/wecom/auth.ts', 'src/feishu/auth.ts'])
      expect(
        named.some((s) => s.file === file),
        file,
      ).toBe(true)
  })

  test('name a rule first in the reason, but for the emulator own refusals', () => {
    const anonymous = sites
      .filter((s) => s.kind === 'reason' && !s.id && !callerSupplied(s.text))
      .filter((s) => !NOT_RULES.some(([re]) => re.test(s.text)))
      .map((s) => `${where(s)}: fail(${s.code}, ${JSON.stringify(s.text.slice(0, 60))})`)
    expect(anonymous).toEqual([])
    const hidden = opaque.filter((o) => !OPAQUE_OK[`${o.file} ${o.reason}`]).map((o) => `${where(o)}: ${o.reason}`)
    expect(hidden, 'a reason built out of sight: write it as a literal that starts with the rule id').toEqual([])
  })

  test('the scan sees through comments, regular expressions and nested templates', async () => {
    const { lex } = await import('./support/rule-sites.ts')
    const source = [
      "// fail(1, 'wecom.meeting.create.commented')",
      'const re = /["\']/g',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template, on purpose
      "fail(400042, `wecom.meeting.create.title.length: ${x ? `${'a'}` : 'b'} wide`)",
      "/* 'x' */ const half = a / 2; fail(code, reason)",
    ].join('\n')
    const { literals: found, code } = lex(source)
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal as the scan keeps it
    expect(found.map((l) => l.text)).toEqual(["wecom.meeting.create.title.length: ${x ? `${'a'}` : 'b'} wide"])
    expect(code).toContain('fail(code, reason)')
  })
})
