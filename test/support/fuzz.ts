/**
 * Property-based requests for every endpoint (fast-check), in families: `shape` (valid bodies, then
 * mutations of them: fields dropped, retyped, oversized, junk added; broken JSON, wrong methods and
 * tokens), and the families that leave the schemas' shapes (fuzz-families.ts, fuzz-sequences.ts).
 * `checkAnswer` is the property every answer must have: in the vendor's envelope with a catalogued code,
 * never 5xx without a fault, and a head node:http can send (status, header names and values, under 8 KB).
 */
import fc from 'fast-check'
import { catalogues } from '../../src/core/errors.ts'
import type { CoreResponse } from '../../src/core/http.ts'
import {
  BASE,
  byName,
  type EndpointSpec,
  endpoints,
  FEISHU_TOKEN,
  type FuzzCase,
  type HttpStep,
  request,
} from './fuzz-endpoints.ts'
import {
  boundsFamily,
  clockFamily,
  faultFamily,
  hugeFamily,
  keptBodiesFamily,
  nestingFamily,
  unicodeFamily,
  unicodeKeyFamily,
  wholeBodyNestingFamily,
} from './fuzz-families.ts'
import { mailSequenceFamily, recurrenceFamily, scheduleSequenceFamily } from './fuzz-sequences.ts'

export { BASE, type EndpointSpec, endpoints, type FuzzCase, type Step } from './fuzz-endpoints.ts'

const userid = fc.constantFrom('zhangsan', 'lisi', 'wangwu', 'hidden', 'nosuchuser', '', 'a'.repeat(70))
const anyJson = fc.jsonValue({ maxDepth: 3 })

function meetingBody(now: number) {
  return fc.record(
    {
      admin_userid: userid,
      title: fc.string({ maxLength: 50 }),
      meeting_start: fc.oneof(fc.integer({ min: now + 60, max: now + 86_400 * 30 }), fc.integer()),
      meeting_duration: fc.oneof(fc.integer({ min: 300, max: 86_400 }), fc.integer()),
      description: fc.string({ maxLength: 600 }),
      location: fc.string({ maxLength: 140 }),
      agentid: fc.constantFrom(1000014, 1000015, 1),
      invitees: fc.record({ userid: fc.array(userid, { maxLength: 5 }) }),
      cal_id: fc.constantFrom('wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA', 'wcSecondAppCalendar000000000AAA', 'x'),
      settings: fc.record(
        {
          remind_scope: fc.integer({ min: -1, max: 5 }),
          password: fc.oneof(fc.stringMatching(/^\d{4,6}$/), fc.string({ maxLength: 8 })),
          enable_waiting_room: fc.boolean(),
          allow_enter_before_host: fc.boolean(),
          enable_enter_mute: fc.integer({ min: -1, max: 3 }),
          enable_screen_watermark: fc.boolean(),
          hosts: fc.record({ userid: fc.array(userid, { maxLength: 3 }) }),
          ring_users: fc.record({ userid: fc.array(userid, { maxLength: 3 }) }),
        },
        { requiredKeys: [] },
      ),
      reminders: fc.record(
        {
          is_repeat: fc.integer({ min: -1, max: 2 }),
          repeat_type: fc.integer({ min: -1, max: 8 }),
          repeat_until: fc.integer({ min: 0, max: 2 ** 32 }),
          repeat_interval: fc.integer({ min: -1, max: 3 }),
          remind_before: fc.array(fc.constantFrom(0, 300, 900, 3600, 7), { maxLength: 3 }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['admin_userid', 'title', 'meeting_start', 'meeting_duration'] },
  )
}

function meetingUpdateBody(now: number) {
  return fc.record(
    {
      meetingid: fc.oneof(fc.constant('__MEETINGID__'), fc.string({ maxLength: 40 })),
      title: fc.string({ maxLength: 60 }),
      meeting_start: fc.oneof(fc.integer({ min: now + 60, max: now + 86_400 * 30 }), fc.integer()),
      meeting_duration: fc.oneof(fc.integer({ min: 300, max: 86_400 }), fc.integer()),
      description: fc.string({ maxLength: 50 }),
      invitees: fc.record({ userid: fc.array(userid, { maxLength: 5 }) }),
      settings: fc.dictionary(
        fc.constantFrom('remind_scope', 'password', 'mute_all', 'watermark_type', 'host_key'),
        anyJson,
      ),
    },
    { requiredKeys: ['meetingid'] },
  )
}

function scheduleBody(now: number) {
  return fc.record(
    {
      schedule: fc.record(
        {
          admins: fc.array(userid, { maxLength: 4 }),
          start_time: fc.oneof(fc.integer({ min: now, max: now + 86_400 * 30 }), fc.integer()),
          end_time: fc.oneof(fc.integer({ min: now, max: now + 86_400 * 31 }), fc.integer()),
          attendees: fc.array(fc.record({ userid }), { maxLength: 4 }),
          summary: fc.string({ maxLength: 200 }),
          description: fc.string({ maxLength: 100 }),
          location: fc.string({ maxLength: 100 }),
          is_whole_day: fc.integer({ min: -1, max: 2 }),
          cal_id: fc.constantFrom('wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA', 'x'),
          reminders: fc.dictionary(
            fc.constantFrom(
              'is_remind',
              'remind_before_event_secs',
              'is_repeat',
              'repeat_type',
              'repeat_until',
              'timezone',
            ),
            fc.integer({ min: -2, max: 2 ** 32 }),
          ),
        },
        { requiredKeys: ['start_time', 'end_time'] },
      ),
      agentid: fc.constantFrom(1000014, 1000015, 7),
    },
    { requiredKeys: ['schedule'] },
  )
}

const address = fc.constantFrom('jane@xxx.xx', 'user@xxx.xx', 'someone@example.com', 'not-an-address', '')
function mailBody() {
  return fc.record(
    {
      subject: fc.string({ maxLength: 100 }),
      to: fc.array(fc.record({ mail_address: address, name: fc.string({ maxLength: 10 }) }, { requiredKeys: [] }), {
        maxLength: 3,
      }),
      cc: fc.array(fc.record({ mail_address: address }), { maxLength: 2 }),
      bcc: fc.array(fc.record({ mail_address: address }), { maxLength: 2 }),
      body_html: fc.string({ maxLength: 100 }),
      body_plain_text: fc.string({ maxLength: 100 }),
      head_from: fc.record({ name: fc.string({ maxLength: 10 }) }),
      attachments: fc.array(
        fc.record(
          { body: fc.base64String({ maxLength: 40 }), filename: fc.string({ maxLength: 20 }), is_inline: fc.boolean() },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
      dedupe_key: fc.string({ maxLength: 40 }),
      raw: fc.base64String({ maxLength: 80 }),
    },
    { requiredKeys: [] },
  )
}

function composeSendBody(now: number) {
  return fc.record(
    {
      to: fc.record(
        { emails: fc.array(address, { maxLength: 3 }), userids: fc.array(userid, { maxLength: 3 }) },
        { requiredKeys: [] },
      ),
      subject: fc.string({ maxLength: 60 }),
      content: fc.string({ maxLength: 60 }),
      content_type: fc.constantFrom('html', 'text', 'x'),
      schedule: fc.record(
        {
          method: fc.constantFrom('request', 'cancel', 'x'),
          schedule_id: fc.string({ maxLength: 20 }),
          start_time: fc.integer({ min: now, max: now + 86_400 }),
          end_time: fc.integer({ min: now, max: now + 90_000 }),
        },
        { requiredKeys: ['start_time', 'end_time'] },
      ),
      meeting: fc.record(
        {
          meeting_admins: fc.record({ userids: fc.array(userid, { maxLength: 2 }) }),
          option: fc.record(
            { password: fc.string({ maxLength: 8 }), remind_scope: fc.integer({ min: 0, max: 4 }) },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  )
}

/** Hand-made body generators for the five endpoints the property started with; the others vary their valid body. */
const shapeBodies: Record<string, (now: number) => fc.Arbitrary<Record<string, unknown>>> = {
  'meeting.create': meetingBody,
  'meeting.update': meetingUpdateBody,
  'schedule.add': scheduleBody,
  'exmail.compose_send': composeSendBody,
  'feishu.mail.send': () => mailBody(),
}

function bodyOf(spec: EndpointSpec): fc.Arbitrary<Record<string, unknown>> {
  return shapeBodies[spec.name]?.(BASE) ?? fc.constant(spec.valid?.() ?? {})
}

/** A mutation of a valid object: one field dropped, retyped, or junk added, at the top or one level down. */
function mutated(body: fc.Arbitrary<Record<string, unknown>>) {
  return fc
    .tuple(body, fc.nat(), fc.constantFrom('drop', 'retype', 'add', 'nest'), anyJson, fc.string({ maxLength: 12 }))
    .map(([b, pick, op, value, key]) => {
      const copy = structuredClone(b) as Record<string, unknown>
      const keys = Object.keys(copy)
      const target = keys.length ? keys[pick % keys.length]! : 'x'
      let inner = copy
      const nested = copy[target]
      if (op === 'nest' && nested && typeof nested === 'object' && !Array.isArray(nested))
        inner = nested as Record<string, unknown>
      const innerKeys = Object.keys(inner)
      const k = innerKeys.length ? innerKeys[pick % innerKeys.length]! : target
      if (op === 'drop') delete inner[k]
      else if (op === 'add') inner[key] = value
      else inner[k] = value
      return { body: copy, kind: `mutated:${op}` }
    })
}

function breakJson(text: string, cut: number, mode: string): string {
  if (mode === 'truncate') return text.slice(0, cut % Math.max(1, text.length))
  if (mode === 'garbage') return `${text.slice(0, cut % Math.max(1, text.length))}\u0000}{]["`
  if (mode === 'top-level') return ['[]', '"x"', '1', 'null', 'true', '[{}]'][cut % 6]!
  return `${'['.repeat(2000 + (cut % 5000))}${']'.repeat(10)}`
}

/** The `shape` family for one endpoint: the property's original generators. */
export function caseArbitrary(spec: EndpointSpec): fc.Arbitrary<FuzzCase> {
  const body = bodyOf(spec)
  const make = (kind: string, step: HttpStep): FuzzCase => ({
    family: 'shape',
    kind,
    endpoint: spec.name,
    steps: [...(spec.prelude?.() ?? []), step],
  })
  const withBody = (text: string | Uint8Array, extra: Parameters<typeof request>[1] = {}) =>
    request(spec, { body: text, ...extra })
  return fc.oneof(
    { weight: 4, arbitrary: body.map((b) => make('valid-shape', withBody(JSON.stringify(b)))) },
    { weight: 4, arbitrary: mutated(body).map((m) => make(m.kind, withBody(JSON.stringify(m.body)))) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(body, fc.nat(), fc.constantFrom('truncate', 'garbage', 'top-level', 'deep'))
        .map(([b, cut, mode]) => make(`broken-json:${mode}`, withBody(breakJson(JSON.stringify(b), cut, mode)))),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => make('random-bytes', withBody(bytes))) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(body, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'))
        .filter(([, method]) => method !== spec.method)
        .map(([b, method]) => make(`method:${method}`, withBody(JSON.stringify(b), { method }))),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(body, fc.constantFrom('none', 'wrong', 'other-vendor')).map(([b, auth]) => {
        const step = withBody(JSON.stringify(b))
        if (spec.auth === 'wecom') {
          const token = auth === 'none' ? '' : auth === 'wrong' ? 'bad' : FEISHU_TOKEN
          step.url = step.url.replace('access_token=__WECOM_TOKEN__', token ? `access_token=${token}` : '')
        } else if (spec.auth === 'feishu') {
          if (auth === 'none') delete step.headers.authorization
          else step.headers.authorization = `Bearer ${auth === 'wrong' ? 'bad' : '__WECOM_TOKEN__'}`
        }
        return make(`auth:${auth}`, step)
      }),
    },
  )
}

export interface Family {
  name: string
  /** What it generates, for the printed summary. */
  describe: string
  arbitrary: () => fc.Arbitrary<FuzzCase>
  /** Its share of the long campaign. */
  weight: number
}

export const families: Family[] = [
  {
    name: 'shape',
    describe: 'valid bodies and mutations of them, broken JSON, random bytes, other methods and tokens',
    arbitrary: () => fc.oneof(...endpoints.map(caseArbitrary)),
    weight: 30,
  },
  {
    name: 'unicode',
    describe: 'lone and reversed surrogates, noncharacters, NUL, invalid UTF-8 bytes in every string field and key',
    arbitrary: () => fc.oneof({ weight: 6, arbitrary: unicodeFamily() }, { weight: 1, arbitrary: unicodeKeyFamily() }),
    weight: 15,
  },
  {
    name: 'nesting',
    describe: 'arrays and objects nested 64 to 10,000 deep in every field and as the whole body',
    arbitrary: () =>
      fc.oneof({ weight: 6, arbitrary: nestingFamily() }, { weight: 1, arbitrary: wholeBodyNestingFamily() }),
    weight: 8,
  },
  {
    name: 'bounds',
    describe: 'numbers at and beyond every bound (0, -0, negative, 2^31, 2^32, 2^53, 1e9, 1e308, 1e400, fractions)',
    arbitrary: () => boundsFamily(),
    weight: 15,
  },
  {
    name: 'huge',
    describe: 'strings of 4 KB to 1 MB (ASCII, CJK, astral, escapables) in every string field, query and header',
    arbitrary: () => hugeFamily(),
    weight: 6,
  },
  {
    name: 'recurrence',
    describe:
      'create a meeting / schedule / meeting mail with repeat combinations, move the clock, read back, update, cancel',
    arbitrary: () =>
      fc.oneof(
        { weight: 3, arbitrary: recurrenceFamily() },
        { weight: 2, arbitrary: scheduleSequenceFamily() },
        { weight: 2, arbitrary: mailSequenceFamily() },
      ),
    weight: 18,
  },
  {
    name: 'faults',
    describe: 'fault rules of every shape (codes, statuses, headers, drop, probability, times) then requests',
    arbitrary: () => faultFamily(),
    weight: 4,
  },
  {
    name: 'clock',
    describe: 'setClock to impossible instants (before 1970, past uint32 and Date, 1e308) then requests',
    arbitrary: () => clockFamily(),
    weight: 3,
  },
  {
    name: 'memory',
    describe: 'successful requests with 1 MB bodies in fields a store keeps',
    arbitrary: () => keptBodiesFamily(),
    weight: 0.5,
  },
]

export function family(name: string): Family {
  const f = families.find((x) => x.name === name)
  if (!f) throw new Error(`no fuzz family ${name}`)
  return f
}

export interface Verdict {
  ok: boolean
  why?: string
}

/** Response headers past this break common proxies (nginx's default large_client_header_buffers is 8k). */
export const MAX_HEADER_BYTES = 8192
/** What the adapters add to the head: status line, date, connection, content-length, keep-alive. */
const ADAPTER_HEAD_BYTES = 160
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// node:http refuses to send a value with CR, LF, NUL or a character past U+00FF (ERR_INVALID_CHAR).
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/
/** The adapter frames the body itself: a handler that sets these breaks the framing. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection'])

/** The size of the response head as node:http would write it. */
export function headBytes(res: CoreResponse): number {
  let n = ADAPTER_HEAD_BYTES
  for (const [k, v] of Object.entries(res.headers)) n += k.length + 4 + Buffer.byteLength(String(v), 'latin1')
  return n
}

/** Whether node:http (and so the stub server) could write this head at all. */
export function checkWire(res: CoreResponse): Verdict {
  if (res.drop) return { ok: true }
  if (!Number.isInteger(res.status) || res.status < 100 || res.status > 999)
    return { ok: false, why: `status ${res.status} cannot be sent (node:http wants 100..999)` }
  if (res.status < 200) return { ok: false, why: `status ${res.status} is informational, not an answer` }
  // node:http drops the body of these: the client would get no envelope.
  if ((res.status === 204 || res.status === 304) && res.body)
    return { ok: false, why: `status ${res.status} carries no body: the envelope would be dropped` }
  for (const [k, v] of Object.entries(res.headers)) {
    if (!TOKEN.test(k)) return { ok: false, why: `header name ${JSON.stringify(k).slice(0, 40)} is not an HTTP token` }
    if (typeof v !== 'string' || !FIELD_VALUE.test(v))
      return { ok: false, why: `header ${k} has a value node:http refuses: ${JSON.stringify(v).slice(0, 60)}` }
    if (FRAMING.has(k.toLowerCase())) return { ok: false, why: `header ${k} overrides the adapter's framing` }
  }
  const bytes = headBytes(res)
  if (bytes > MAX_HEADER_BYTES)
    return {
      ok: false,
      why: `response head is ${bytes} bytes, over ${MAX_HEADER_BYTES} (largest header: ${largest(res)})`,
    }
  return { ok: true }
}

function largest(res: CoreResponse): string {
  const [k, v] = Object.entries(res.headers).sort((a, b) => b[1].length - a[1].length)[0] ?? ['-', '']
  return `${k} ${v.length} chars`
}

export interface AnswerContext {
  /** A fault rule was added earlier in the case: 5xx and dropped connections are allowed. */
  fault?: boolean
}

/** The property every answer must have. */
export function checkAnswer(spec: EndpointSpec, res: CoreResponse, context: AnswerContext = {}): Verdict {
  const wire = checkWire(res)
  if (!wire.ok) return wire
  if (res.drop) return context.fault ? { ok: true } : { ok: false, why: 'connection dropped without a fault' }
  let reason = res.headers['x-worksuite-mock-reason'] ?? ''
  try {
    reason = decodeURIComponent(reason)
  } catch {}
  if (reason.includes('emulator error')) return { ok: false, why: reason.slice(0, 300) }
  // Every registry endpoint is served (test/registry.test.ts): no answer is a "not implemented" on purpose.
  if (res.status >= 500 && !context.fault) return { ok: false, why: `HTTP ${res.status}: ${reason.slice(0, 300)}` }
  // No route for this method and path: each vendor's own 404 (nginx HTML / the gateway's plain text).
  if (res.status === 404 && !res.headers['content-type']?.includes('json')) return { ok: true }
  let body: Record<string, unknown>
  try {
    body = JSON.parse(res.body)
  } catch {
    return { ok: false, why: `not JSON: ${res.body.slice(0, 80)}` }
  }
  if (!body || typeof body !== 'object') return { ok: false, why: `not a JSON object: ${res.body.slice(0, 80)}` }
  if (spec.vendor === 'wecom') {
    if (res.status !== 200 && !context.fault) return { ok: false, why: `WeCom answered HTTP ${res.status}` }
    if (typeof body.errcode !== 'number' || typeof body.errmsg !== 'string')
      return { ok: false, why: 'no errcode/errmsg' }
    if (body.errcode === -1 && !context.fault) return { ok: false, why: `errcode -1: ${body.errmsg}` }
    if (body.errcode !== 0 && !catalogues.wecom.has(body.errcode))
      return { ok: false, why: `errcode ${body.errcode} not in the catalogue` }
    return { ok: true }
  }
  if (typeof body.code !== 'number') return { ok: false, why: 'no code' }
  // The OAuth endpoint answers in OAuth's own shape, `access_token` or `error` and no `msg` (a fault, in Feishu's).
  if (spec.name === 'feishu.oauth_token') {
    const oauth = body.code === 0 ? typeof body.access_token === 'string' : typeof body.error === 'string'
    if (!oauth && !(context.fault && typeof body.msg === 'string'))
      return { ok: false, why: 'OAuth answer without access_token or error' }
  } else if (typeof body.msg !== 'string') return { ok: false, why: 'no code/msg' }
  if (body.code !== 0 && !catalogues.feishu.has(body.code) && res.status !== 404)
    return { ok: false, why: `code ${body.code} not in the catalogue` }
  return { ok: true }
}

export { byName }

/**
 * The campaign's arbitrary over the named families, weighted by their share. Built the same way in the
 * worker threads (which draw the cases) and in the main thread (which replays and shrinks them).
 */
export function campaignArbitrary(names: string[]): fc.Arbitrary<FuzzCase> {
  const chosen = names.map(family)
  if (chosen.length === 1) return chosen[0]!.arbitrary()
  return fc.oneof(...chosen.map((f) => ({ weight: Math.max(1, Math.round(f.weight * 10)), arbitrary: f.arbitrary() })))
}
