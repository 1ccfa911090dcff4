/**
 * Generator families that leave the schemas' shapes: invalid Unicode, deep nesting, numbers at and past
 * every bound, huge strings, fault rules and clock values of every kind, and bodies big enough that
 * keeping them would show in the heap. Each family puts its values into every target of every endpoint
 * (fuzz-endpoints.ts `targetsOf`), one target per case, so a failure names the field.
 */
import fc from 'fast-check'
import { catalogues } from '../../src/core/errors.ts'
import {
  BASE,
  byName,
  DAY,
  type EndpointSpec,
  endpoints,
  type FuzzCase,
  type Injected,
  injected,
  request,
  type Step,
  type Target,
  targetName,
  targetsOf,
  validAt,
} from './fuzz-endpoints.ts'

/** One case per (endpoint, target) pick, the value from `values(spec, target)`. */
function perTarget(
  family: string,
  values: (spec: EndpointSpec, t: Target) => fc.Arbitrary<{ kind: string; value: Injected }> | undefined,
  specs: EndpointSpec[] = endpoints,
): fc.Arbitrary<FuzzCase> {
  const arbs: fc.Arbitrary<FuzzCase>[] = []
  for (const spec of specs)
    for (const t of targetsOf(spec)) {
      const arb = values(spec, t)
      if (!arb) continue
      arbs.push(
        arb.map(({ kind, value }) => ({
          family,
          kind: `${kind}@${targetName(t)}`,
          endpoint: spec.name,
          steps: injected(spec, t, value),
          injection: { target: t, value },
        })),
      )
    }
  return fc.oneof(...arbs)
}

// ---- invalid Unicode ----------------------------------------------------------------------------------

/** Strings JSON can carry that are not well-formed Unicode text, or are text a careless encoder breaks on. */
export const BAD_TEXT: Record<string, string> = {
  'lone-high': '\ud800',
  'lone-low': '\udc00',
  'reversed-pair': '\udfff\ud800',
  'high-then-text': '\ud83dx',
  'three-highs': '\ud800\ud800\ud800',
  nul: '\u0000',
  noncharacter: '\uffff\ufffe',
  bom: '\ufeff',
  'line-separator': '\u2028\u2029',
  'rtl-override': '\u202e',
  combining: 'e\u0301\u0301\u0301',
  'emoji-zwj': '👩‍👩‍👧',
  crlf: '\r\n',
}

/** Byte sequences that are not UTF-8: a surrogate in CESU-8, overlong, past U+10FFFF, truncated, stray. */
export const BAD_BYTES: Record<string, number[]> = {
  'cesu-surrogate': [0xed, 0xa0, 0x80],
  'overlong-slash': [0xc0, 0xaf],
  'ff-byte': [0xff],
  'past-10ffff': [0xf4, 0x90, 0x80, 0x80],
  truncated: [0xe4, 0xb8],
  'stray-continuation': [0x80],
}

/** Query and path values as a client might send them: invalid UTF-8 percent-encoded, or broken escapes. */
const BAD_PERCENT: Record<string, string> = {
  'pct-surrogate': '%ED%A0%80',
  'pct-overlong': '%C0%AF',
  'pct-ff': '%FF',
  'pct-lone': '%',
  'pct-bad-hex': '%zz',
  'pct-nul': '%00',
}

function stringy(t: Target): boolean {
  return t.type === 'string'
}

function around(base: unknown, bad: string, mode: string): string {
  const s = typeof base === 'string' && !base.startsWith('__') ? base : 'x'
  if (mode === 'prefix') return bad + s
  if (mode === 'suffix') return s + bad
  if (mode === 'middle') return s.slice(0, 1) + bad + s.slice(1)
  return bad
}

export function unicodeFamily(specs?: EndpointSpec[]): fc.Arbitrary<FuzzCase> {
  const textNames = Object.keys(BAD_TEXT)
  const byteNames = Object.keys(BAD_BYTES)
  const pctNames = Object.keys(BAD_PERCENT)
  const mode = fc.constantFrom('replace', 'prefix', 'suffix', 'middle')
  return perTarget(
    'unicode',
    (spec, t) => {
      if (!stringy(t) && t.in === 'body') return undefined
      const base = validAt(spec, t)
      if (t.in === 'header') {
        // An adapter delivers header values as Latin-1: obs-text and tabs can arrive, surrogates cannot.
        return fc
          .constantFrom('\u00ff', '\u0080', '\t', '\u00e9\u00e9')
          .map((bad) => ({ kind: 'latin1-header', value: { json: `${String(base)}${bad}` } }))
      }
      if (t.in !== 'body') {
        return fc.oneof(
          fc.constantFrom(...pctNames).map((n) => ({ kind: n, value: { raw: BAD_PERCENT[n]! } })),
          fc
            .tuple(fc.constantFrom(...textNames), mode)
            .map(([n, m]) => ({ kind: `${n}:${m}`, value: { json: around(base, BAD_TEXT[n]!, m) } })),
        )
      }
      return fc.oneof(
        {
          weight: 3,
          arbitrary: fc
            .tuple(fc.constantFrom(...textNames), mode)
            .map(([n, m]) => ({ kind: `${n}:${m}`, value: { json: around(base, BAD_TEXT[n]!, m) } })),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(...byteNames)
            .map((n) => ({ kind: `bytes:${n}`, value: { bytes: new Uint8Array(BAD_BYTES[n]!) } })),
        },
      )
    },
    specs,
  )
}

/** Invalid Unicode in keys rather than values: a lone surrogate as a member name, at the top or one level down. */
export function unicodeKeyFamily(specs: EndpointSpec[] = endpoints): fc.Arbitrary<FuzzCase> {
  const posting = specs.filter((s) => s.valid)
  return fc
    .tuple(fc.constantFrom(...posting), fc.constantFrom(...Object.keys(BAD_TEXT)), fc.boolean())
    .map(([spec, n, nested]) => {
      const base = spec.valid!()
      const inner = nested
        ? (Object.values(base).find((v) => v && typeof v === 'object' && !Array.isArray(v)) as Record<string, unknown>)
        : undefined
      ;(inner ?? base)[BAD_TEXT[n]!] = 1
      return {
        family: 'unicode',
        kind: `key:${n}${inner ? ':nested' : ''}`,
        endpoint: spec.name,
        steps: [...(spec.prelude?.() ?? []), request(spec, { body: JSON.stringify(base) })],
      }
    })
}

// ---- nesting ------------------------------------------------------------------------------------------

export const DEPTHS = [64, 1000, 5000, 10_000]

export function nest(depth: number, shape: string): string {
  if (shape === 'object') return `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`
  if (shape === 'mixed') {
    const half = Math.ceil(depth / 2)
    return `${'[{"a":'.repeat(half)}"x"${'}]'.repeat(half)}`
  }
  if (shape === 'address') {
    // What a list of objects invites: each element wraps the next one in its own field.
    return `${'[{"mail_address":'.repeat(depth)}"a@b.c"${'}]'.repeat(depth)}`
  }
  return `${'['.repeat(depth)}0${']'.repeat(depth)}`
}

export function nestingFamily(specs?: EndpointSpec[]): fc.Arbitrary<FuzzCase> {
  const arb = fc.record({
    depth: fc.constantFrom(...DEPTHS),
    shape: fc.constantFrom('array', 'object', 'mixed', 'address'),
  })
  return perTarget(
    'nesting',
    (_spec, t) =>
      t.in === 'body'
        ? arb.map(({ depth, shape }) => ({ kind: `${shape}:${depth}`, value: { raw: nest(depth, shape) } }))
        : undefined,
    specs,
  )
}

/** The whole body nested (no valid fields around it). */
export function wholeBodyNestingFamily(specs: EndpointSpec[] = endpoints): fc.Arbitrary<FuzzCase> {
  const posting = specs.filter((s) => s.method === 'POST')
  return fc
    .tuple(fc.constantFrom(...posting), fc.constantFrom(...DEPTHS), fc.constantFrom('array', 'object', 'mixed'))
    .map(([spec, depth, shape]) => ({
      family: 'nesting',
      kind: `whole-body:${shape}:${depth}`,
      endpoint: spec.name,
      steps: [...(spec.prelude?.() ?? []), request(spec, { body: nest(depth, shape) })],
    }))
}

// ---- numbers at and past bounds ------------------------------------------------------------------------

/** JSON number texts: zero and its sign, small and fractional, every integer width's edges, doubles' edges. */
export const NUMBER_TEXTS = [
  '0',
  '-0',
  '-1',
  '1',
  '2',
  '7',
  '0.5',
  '-0.5',
  '1.5',
  '299',
  '300',
  '301',
  '86400',
  '2147483647',
  '2147483648',
  '-2147483649',
  '4294967295',
  '4294967296',
  '9007199254740991',
  '9007199254740993',
  '1e9',
  '-1e9',
  '1e15',
  '1e21',
  '1e308',
  '-1e308',
  '1e309',
  '-1e400',
  '5e-324',
  '1e-7',
  '1E2',
  '1.0',
  '0e0',
  '123456789012345678901234567890',
]

/** Times near the frozen clock: just before, at and after now, and a day on. */
const CLOCK_TEXTS = [BASE - 1, BASE, BASE + 1, BASE + DAY].map(String)

export function boundsFamily(specs?: EndpointSpec[]): fc.Arbitrary<FuzzCase> {
  const numbers = fc.constantFrom(...NUMBER_TEXTS)
  return perTarget(
    'bounds',
    (_spec, t) => {
      if (t.in !== 'body') return undefined
      if (t.type === 'integer' || t.type === 'number') {
        const timeLike = /time|start|until|date/.test(String(t.path[t.path.length - 1]))
        return (timeLike ? fc.oneof(numbers, fc.constantFrom(...CLOCK_TEXTS)) : numbers).map((n) => ({
          kind: `number:${n}`,
          value: { raw: n },
        }))
      }
      // A number where a string, boolean or list goes: rare enough to be worth one in five.
      return fc
        .tuple(numbers, fc.integer({ min: 0, max: 4 }))
        .filter(([, p]) => p === 0)
        .map(([n]) => ({ kind: `number-for-${t.type}:${n}`, value: { raw: n } }))
    },
    specs,
  )
}

// ---- huge strings -------------------------------------------------------------------------------------

export const HUGE_LENGTHS = [4097, 8193, 20_000, 100_000, 1_000_000]
/** One byte, three bytes (CJK), four bytes (astral), and characters every escaper has to expand. */
export const HUGE_CHARS = ['a', '中', '😀', '%', '"', '\\', '<', ' ']

/**
 * `length` times `ch` as JSON text (a string literal, `prefix` first): built by `repeat`, which V8 keeps as
 * a rope until the body is encoded, so a megabyte costs one copy, not five.
 */
export function hugeJson(ch: string, length: number, prefix = ''): string {
  return `${JSON.stringify(prefix).slice(0, -1)}${JSON.stringify(ch).slice(1, -1).repeat(length)}"`
}

export function hugeFamily(specs?: EndpointSpec[]): fc.Arbitrary<FuzzCase> {
  return perTarget(
    'huge',
    (spec, t) => {
      if (!stringy(t)) return undefined
      const base = validAt(spec, t)
      // Over HTTP a request head is at most 16 KB (node:http), so headers and URLs stay below that.
      const lengths = t.in === 'body' ? HUGE_LENGTHS : HUGE_LENGTHS.filter((n) => n <= 20_000)
      const chars = t.in === 'header' ? ['a', '%', ' '] : HUGE_CHARS
      // Mostly just past the limits that matter (4 KB, 8 KB), now and then far past them.
      const length = fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...lengths.filter((n) => n <= 20_000)) },
        { weight: 1, arbitrary: fc.constantFrom(...lengths) },
      )
      return fc
        .tuple(length, fc.constantFrom(...chars), fc.boolean())
        .filter(([n, ch]) => t.in === 'body' || Buffer.byteLength(ch) * n <= 16_000 || ch === 'a')
        .map(([n, ch, suffix]) => {
          const prefix = suffix && typeof base === 'string' && !base.startsWith('__') ? base : ''
          const kind = `${JSON.stringify(ch)}×${n}${prefix ? ':after-valid' : ''}`
          if (t.in === 'body') return { kind, value: { raw: hugeJson(ch, n, prefix) } }
          const length = Math.min(n, Math.floor(16_000 / (Buffer.byteLength(ch) * 3)))
          return { kind, value: { json: prefix + ch.repeat(length) } }
        })
    },
    specs,
  )
}

// ---- memory: valid requests with big bodies that a store might keep ----------------------------------------

/** Fields a successful request stores (so a store without a byte budget keeps them). */
export const KEPT_FIELDS: [string, (string | number)[]][] = [
  ['feishu.mail.send', ['body_html']],
  ['feishu.mail.send', ['body_plain_text']],
  ['exmail.compose_send', ['content']],
  ['exmail.compose_send', ['subject']],
]

export function keptBodiesFamily(mb = 1): fc.Arbitrary<FuzzCase> {
  return fc.tuple(fc.constantFrom(...KEPT_FIELDS), fc.nat({ max: 1_000_000 })).map(([[name, path], salt]) => {
    const spec = byName(name)
    // A different text each time: nothing can be shared between two kept copies.
    const text = hugeJson('a', mb * 1_000_000, `${salt}:`)
    return {
      family: 'memory',
      kind: `kept:${name}:${path.join('.')}`,
      endpoint: name,
      steps: injected(spec, { in: 'body', path, type: 'string' }, { raw: text }),
    }
  })
}

// ---- fault rules ---------------------------------------------------------------------------------------

const HEADER_NAMES = [
  'x-fuzz',
  'X-Upper-Case',
  'bad name',
  'a:b',
  '',
  'content-type',
  'content-length',
  'set-cookie',
  'é',
]
const HEADER_VALUES = ['ok', 'a\r\nb: c', '\u00ff', '中文', '\u0000', 'x'.repeat(9000), '', ' padded ']

/** Mostly what the schema accepts, now and then what it refuses (the refusal is then the answer to check). */
const edge = <T>(accepted: T[], refused: T[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...accepted) },
    { weight: 1, arbitrary: fc.constantFrom(...refused) },
  )

function faultRule(): fc.Arbitrary<Record<string, unknown>> {
  const wecomCodes = [...catalogues.wecom.keys()].filter((c) => c !== 0)
  const feishuCodes = [...catalogues.feishu.keys()].filter((c) => c !== 0)
  const code = fc.oneof(
    edge(wecomCodes, [0, 1, 1.5]).map((errcode) => ({ errcode })),
    edge(feishuCodes, [0, 2 ** 53]).map((code) => ({ code })),
    fc.constant({ errcode: wecomCodes[0], code: feishuCodes[0] }),
  )
  const respond = fc
    .tuple(
      code,
      fc.option(edge([200, 400, 429, 500, 503, 100, 199, 204, 304, 599], [0, 99, 600, 1000, -1, 200.5]), {
        nil: undefined,
      }),
      fc.option(fc.dictionary(fc.constantFrom(...HEADER_NAMES), fc.constantFrom(...HEADER_VALUES), { maxKeys: 3 }), {
        nil: undefined,
      }),
    )
    .map(([c, status, headers]) => ({
      ...c,
      ...(status !== undefined ? { status } : {}),
      ...(headers !== undefined ? { headers } : {}),
    }))
  return fc.record(
    {
      match: fc.record(
        {
          vendor: fc.constantFrom('wecom', 'feishu'),
          path: edge([...endpoints.map((e) => e.path), '/cgi-bin/*', '/open-apis/*'], ['*', '']),
          app: fc.constantFrom('1000014', 'cli_devapp00000001', 'nope'),
          user: fc.constantFrom('zhangsan', 'ou_devuser000000000000000000000001'),
          mailbox: fc.constantFrom('user@xxx.xx', 'USER@XXX.XX'),
        },
        { requiredKeys: [] },
      ),
      respond,
      drop: edge([false], [true]),
      delay_ms: edge([0, 1], [5, -1, 300_001]),
      probability: edge([1, 0.5], [0, -1, 2]),
      times: edge([1, 2, 5], [0, -1, 0.5]),
    },
    { requiredKeys: [] },
  )
}

/** A valid request of any endpoint, after its prelude. */
function anyValidRequest(specs: EndpointSpec[] = endpoints): fc.Arbitrary<{ spec: EndpointSpec; steps: Step[] }> {
  return fc.constantFrom(...specs).map((spec) => ({ spec, steps: [...(spec.prelude?.() ?? []), request(spec)] }))
}

export function faultFamily(specs?: EndpointSpec[]): fc.Arbitrary<FuzzCase> {
  return fc.tuple(faultRule(), anyValidRequest(specs), fc.boolean()).map(([rule, { spec, steps }, twice]) => {
    const target = steps[steps.length - 1]!
    return {
      family: 'faults',
      kind: `fault:${Object.keys(rule.respond ?? {}).join('+') || (rule.drop ? 'drop' : 'delay')}`,
      endpoint: spec.name,
      steps: [
        ...steps.slice(0, -1),
        { op: 'control', call: 'addFault', arg: rule },
        target,
        ...(twice ? [target] : []),
        { op: 'control', call: 'clearFaults' },
      ],
    }
  })
}

// ---- clock values --------------------------------------------------------------------------------------

/** Instants and moves the control plane might be given: the epoch, before it, uint32's end, Date's end, past it. */
const CLOCK_NOW = [
  BASE,
  0,
  -1,
  -1e9,
  1e9,
  2 ** 31,
  2 ** 32,
  1e12,
  8.64e12,
  8.64e12 + 1,
  1e15,
  2 ** 53,
  1e300,
  1e308,
  -1e308,
  0.5,
  BASE + 0.5,
]
const CLOCK_ADVANCE = [1, -1, 0.001, 86_400, 1e9, -1e10, 1e300, 1e308, -1e308, -BASE - 1]

export function clockFamily(specs?: EndpointSpec[]): fc.Arbitrary<FuzzCase> {
  const change = fc.record(
    {
      now: fc.constantFrom(...CLOCK_NOW),
      advance: fc.constantFrom(...CLOCK_ADVANCE),
      frozen: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  return fc.tuple(change, anyValidRequest(specs)).map(([c, { spec, steps }]) => ({
    family: 'clock',
    kind: `clock:${Object.entries(c)
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}`,
    endpoint: spec.name,
    steps: [{ op: 'control', call: 'setClock', arg: c }, ...steps],
  }))
}
