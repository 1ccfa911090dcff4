/**
 * What the fuzzer sends, as plain data a worker thread can receive: a case is a sequence of steps (HTTP
 * requests and control-plane calls), each request built from an endpoint's valid base body with one
 * target (a body field found in the endpoint's JSON Schema, a query or path parameter, a header) replaced.
 * Ids a step answers (a meetingid, a schedule_id) are captured by name and substituted into later steps'
 * `__NAME__` placeholders by the worker, so a case can create, move the clock, then read back.
 */

import feishuSendSchema from '../../contracts/schemas/feishu.mail.send.request.schema.json' with { type: 'json' }
import calendarAddSchema from '../../contracts/schemas/wecom.calendar.add.request.schema.json' with { type: 'json' }
import calendarDelSchema from '../../contracts/schemas/wecom.calendar.del.request.schema.json' with { type: 'json' }
import calendarGetSchema from '../../contracts/schemas/wecom.calendar.get.request.schema.json' with { type: 'json' }
import calendarUpdateSchema from '../../contracts/schemas/wecom.calendar.update.request.schema.json' with {
  type: 'json',
}
import composeSendSchema from '../../contracts/schemas/wecom.exmail.compose_send.request.schema.json' with {
  type: 'json',
}
import cancelSchema from '../../contracts/schemas/wecom.meeting.cancel.request.schema.json' with { type: 'json' }
import createSchema from '../../contracts/schemas/wecom.meeting.create.request.schema.json' with { type: 'json' }
import getInfoSchema from '../../contracts/schemas/wecom.meeting.get_info.request.schema.json' with { type: 'json' }
import userMeetingidsSchema from '../../contracts/schemas/wecom.meeting.get_user_meetingid.request.schema.json' with {
  type: 'json',
}
import updateSchema from '../../contracts/schemas/wecom.meeting.update.request.schema.json' with { type: 'json' }
import scheduleAddSchema from '../../contracts/schemas/wecom.schedule.add.request.schema.json' with { type: 'json' }
import scheduleDelSchema from '../../contracts/schemas/wecom.schedule.del.request.schema.json' with { type: 'json' }
import scheduleGetSchema from '../../contracts/schemas/wecom.schedule.get.request.schema.json' with { type: 'json' }
import byCalendarSchema from '../../contracts/schemas/wecom.schedule.get_by_calendar.request.schema.json' with {
  type: 'json',
}
import scheduleUpdateSchema from '../../contracts/schemas/wecom.schedule.update.request.schema.json' with {
  type: 'json',
}

/** The instant every case starts at (frozen), so generated times and the emulator's clock agree. 2026-05-28. */
export const BASE = 1_780_000_000
export const DAY = 86_400

export interface HttpStep {
  op: 'http'
  /** The endpoint's name (EndpointSpec.name), for the envelope check and the summary. */
  endpoint: string
  method: string
  url: string
  headers: Record<string, string>
  body: string | Uint8Array
  /** Placeholder name → dot path into the answer's JSON (`data.message_id`). */
  capture?: Record<string, string>
}

/**
 * The control-plane calls a case may make (src/core/control.ts), plus `mailSchedules`: the mail schedules
 * this case made (never an earlier case's), oldest first.
 */
export type ControlCall = 'setClock' | 'addFault' | 'clearFaults' | 'issueOAuthCode' | 'mailSchedules'

export interface ControlStep {
  op: 'control'
  call: ControlCall
  arg?: unknown
  /** Placeholder name → dot path into the call's result (`-1` is an array's last element). */
  capture?: Record<string, string>
}

export type Step = HttpStep | ControlStep

export interface FuzzCase {
  /** The generator family (shape, unicode, nesting, bounds, huge, recurrence, …). */
  family: string
  /** What the case is, for the printed summary: `unicode:lone-high@body.title`. */
  kind: string
  /** The endpoint the case is about (its last request's, for sequences the first one's). */
  endpoint: string
  steps: Step[]
  /** For cases that put one value into one target of the last request: what, so it can be tried alone. */
  injection?: { target: Target; value: Injected }
}

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array'

/** Where an injected value goes. Body paths index arrays with numbers. */
export type Target =
  | { in: 'body'; path: (string | number)[]; type: FieldType }
  | { in: 'query' | 'param' | 'header'; name: string; type: 'string' }

export function targetName(t: Target): string {
  return t.in === 'body' ? `body.${t.path.join('.')}` : `${t.in}.${t.name}`
}

export interface EndpointSpec {
  name: string
  vendor: 'wecom' | 'feishu'
  method: 'GET' | 'POST'
  /** With `:name` parameters, filled from `params`. */
  path: string
  auth: 'wecom' | 'feishu' | 'none'
  /** Query parameters of a valid request besides the access_token. */
  query?: Record<string, string>
  params?: Record<string, string>
  /** A body the seeded world accepts (errcode / code 0), given the steps of `prelude` ran first. */
  valid?: () => Record<string, unknown>
  /** Steps that make the ids `valid` names (a meeting to update, a message to read). */
  prelude?: () => Step[]
  /** Body fields: from the request schema, or listed by hand for the endpoints without one. */
  fields: Extract<Target, { in: 'body' }>[]
}

const WECOM_TOKEN = '__WECOM_TOKEN__'
export const FEISHU_TOKEN = 'u-dev-user-token-1'
const CALENDAR = 'wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA'

type SchemaNode = {
  type?: string | string[]
  properties?: Record<string, SchemaNode>
  items?: SchemaNode
  $ref?: string
  $defs?: Record<string, SchemaNode>
}

/** Every field a request schema describes, depth first, arrays entered at index 0. */
export function fieldsOf(root: SchemaNode): Extract<Target, { in: 'body' }>[] {
  const out: Extract<Target, { in: 'body' }>[] = []
  const walk = (node: SchemaNode, path: (string | number)[], depth: number): void => {
    if (node.$ref) node = root.$defs?.[node.$ref.replace('#/$defs/', '')] ?? {}
    const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : []
    const type = (types.find((t) => t !== 'null') ?? 'string') as FieldType
    if (path.length) out.push({ in: 'body', path, type })
    if (depth > 6) return
    for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, [...path, k], depth + 1)
    if (node.items) walk(node.items, [...path, 0], depth + 1)
  }
  walk(root, [], 0)
  return out
}

const strings = (...names: string[]) => names.map((n) => ({ in: 'body' as const, path: [n], type: 'string' as const }))

export function meetingCreateBody(): Record<string, unknown> {
  return {
    admin_userid: 'zhangsan',
    title: 'fuzz',
    meeting_start: BASE + 7200,
    meeting_duration: 3600,
    description: 'desc',
    location: 'room 1',
    agentid: 1000014,
    invitees: { userid: ['lisi'] },
    cal_id: CALENDAR,
    settings: {
      remind_scope: 3,
      password: '1234',
      enable_waiting_room: false,
      allow_enter_before_host: true,
      enable_enter_mute: 1,
      enable_screen_watermark: false,
      hosts: { userid: ['lisi'] },
      ring_users: { userid: ['lisi'] },
    },
    reminders: {
      is_repeat: 1,
      repeat_type: 1,
      repeat_interval: 1,
      repeat_until: BASE + 30 * DAY,
      remind_before: [300],
    },
    skip_duplicate_check: true,
  }
}

export function scheduleAddBody(): Record<string, unknown> {
  return {
    schedule: {
      admins: ['zhangsan'],
      start_time: BASE + 3600,
      end_time: BASE + 7200,
      attendees: [{ userid: 'zhangsan' }, { userid: 'lisi' }],
      summary: 'fuzz',
      description: 'desc',
      location: 'room 1',
      cal_id: CALENDAR,
      is_whole_day: 0,
      reminders: {
        is_remind: 1,
        remind_before_event_secs: 300,
        is_repeat: 1,
        repeat_type: 0,
        repeat_until: BASE + 30 * DAY,
        is_custom_repeat: 0,
        repeat_interval: 1,
        timezone: 8,
      },
    },
    agentid: 1000014,
  }
}

export function composeSendBody(): Record<string, unknown> {
  return {
    to: { userids: ['zhangsan'], emails: ['someone@example.com'] },
    cc: { userids: ['lisi'] },
    subject: 'fuzz',
    content: 'content',
    content_type: 'text',
    attachment_list: [{ file_name: 'a.txt', content: 'aGVsbG8=' }],
    schedule: {
      method: 'request',
      location: 'room 1',
      start_time: BASE + 3600,
      end_time: BASE + 7200,
      reminders: { is_remind: 1, remind_before_event_mins: 15, timezone: 8, is_repeat: 0 },
    },
    meeting: { meeting_admins: { userids: ['zhangsan'] }, hosts: { userids: ['lisi'] }, option: { password: '1234' } },
  }
}

export function feishuSendBody(): Record<string, unknown> {
  return {
    subject: 'fuzz',
    to: [{ mail_address: 'jane@xxx.xx', name: 'Jane' }],
    cc: [{ mail_address: 'someone@example.com', name: 'Someone' }],
    bcc: [{ mail_address: 'user@xxx.xx' }],
    body_html: '<p>hi</p>',
    body_plain_text: 'hi',
    head_from: { name: 'Fuzz' },
    attachments: [{ body: 'aGVsbG8', filename: 'a.txt', is_inline: false }],
  }
}

/** The request an endpoint answers with its valid body, or `body` instead (a JSON value or ready text). */
export function request(
  spec: EndpointSpec,
  over: {
    body?: string | Uint8Array
    query?: Record<string, string>
    params?: Record<string, string>
    headers?: Record<string, string>
    method?: string
    capture?: Record<string, string>
    /** Query string appended as is (already encoded, or deliberately not). */
    rawQuery?: Record<string, string>
  } = {},
): HttpStep {
  const params = { ...spec.params, ...over.params }
  const path = spec.path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? '')
  const query: [string, string][] = []
  if (spec.auth === 'wecom') query.push(['access_token', WECOM_TOKEN])
  for (const [k, v] of Object.entries(spec.query ?? {})) query.push([k, v])
  for (const [k, v] of Object.entries(over.query ?? {})) {
    const i = query.findIndex(([name]) => name === k)
    if (i >= 0) query[i] = [k, v]
    else query.push([k, v])
  }
  const parts = query
    .filter(([k]) => !over.rawQuery || !(k in over.rawQuery))
    .map(([k, v]) => `${k}=${v.startsWith('__') ? v : encodeURIComponent(v)}`)
  for (const [k, v] of Object.entries(over.rawQuery ?? {})) parts.push(`${k}=${v}`)
  const headers: Record<string, string> = {
    ...(spec.method === 'POST' ? { 'content-type': 'application/json' } : {}),
    ...(spec.auth === 'feishu' ? { authorization: `Bearer ${FEISHU_TOKEN}` } : {}),
    ...over.headers,
  }
  const body = over.body ?? (spec.valid ? JSON.stringify(spec.valid()) : '')
  return {
    op: 'http',
    endpoint: spec.name,
    method: over.method ?? spec.method,
    url: parts.length ? `${path}?${parts.join('&')}` : path,
    headers,
    body,
    ...(over.capture ? { capture: over.capture } : {}),
  }
}

const createMeetingStep = (): Step => ({
  ...request(byName('meeting.create')),
  capture: { MEETINGID: 'meetingid' },
})
const addScheduleStep = (): Step => ({
  ...request(byName('schedule.add')),
  capture: { SCHEDULEID: 'schedule_id' },
})

export function calendarAddBody(): Record<string, unknown> {
  return { calendar: { summary: 'fuzz', color: '#FF3030', description: 'desc', shares: [{ userid: 'lisi' }] } }
}

const addCalendarStep = (): HttpStep => ({
  ...request(byName('calendar.add')),
  capture: { CALID: 'cal_id' },
})

export const endpoints: EndpointSpec[] = [
  {
    name: 'gettoken',
    vendor: 'wecom',
    method: 'GET',
    path: '/cgi-bin/gettoken',
    auth: 'none',
    query: { corpid: 'wwdevcorp0000001', corpsecret: 'dev-secret-meetings-1000014' },
    fields: [],
  },
  {
    name: 'meeting.create',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/meeting/create',
    auth: 'wecom',
    valid: meetingCreateBody,
    fields: fieldsOf(createSchema as SchemaNode),
  },
  {
    name: 'meeting.update',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/meeting/update',
    auth: 'wecom',
    valid: () => ({
      meetingid: '__MEETINGID__',
      title: 'fuzz 2',
      meeting_start: BASE + 10_800,
      meeting_duration: 1800,
      description: 'desc 2',
      location: 'room 2',
      invitees: { userid: ['lisi', 'wangwu'] },
      settings: { remind_scope: 2, password: '4321', mute_all: true, allow_unmute_self: false },
      reminders: { is_repeat: 1, repeat_type: 0, repeat_until: BASE + 10 * DAY, remind_before: [900] },
    }),
    prelude: () => [createMeetingStep()],
    fields: fieldsOf(updateSchema as SchemaNode),
  },
  {
    name: 'meeting.get_info',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/meeting/get_info',
    auth: 'wecom',
    valid: () => ({ meetingid: '__MEETINGID__' }),
    prelude: () => [createMeetingStep()],
    fields: fieldsOf(getInfoSchema as SchemaNode),
  },
  {
    name: 'meeting.cancel',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/meeting/cancel',
    auth: 'wecom',
    valid: () => ({ meetingid: '__MEETINGID__' }),
    prelude: () => [createMeetingStep()],
    fields: fieldsOf(cancelSchema as SchemaNode),
  },
  {
    name: 'schedule.add',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/oa/schedule/add',
    auth: 'wecom',
    valid: scheduleAddBody,
    fields: fieldsOf(scheduleAddSchema as SchemaNode),
  },
  {
    name: 'schedule.get',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/oa/schedule/get',
    auth: 'wecom',
    valid: () => ({ schedule_id_list: ['__SCHEDULEID__'] }),
    prelude: () => [addScheduleStep()],
    fields: fieldsOf(scheduleGetSchema as SchemaNode),
  },
  {
    name: 'schedule.del',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/oa/schedule/del',
    auth: 'wecom',
    valid: () => ({ schedule_id: '__SCHEDULEID__', op_mode: 0, op_start_time: BASE + 3600 }),
    prelude: () => [addScheduleStep()],
    fields: fieldsOf(scheduleDelSchema as SchemaNode),
  },
  {
    name: 'schedule.update',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/oa/schedule/update',
    auth: 'wecom',
    valid: () => {
      const { cal_id: _calendarStays, ...schedule } = scheduleAddBody().schedule as Record<string, unknown>
      return { schedule: { ...schedule, schedule_id: '__SCHEDULEID__', summary: 'fuzz 2' } }
    },
    prelude: () => [addScheduleStep()],
    fields: fieldsOf(scheduleUpdateSchema as SchemaNode),
  },
  {
    name: 'schedule.get_by_calendar',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/oa/schedule/get_by_calendar',
    auth: 'wecom',
    valid: () => ({ cal_id: CALENDAR, offset: 0, limit: 10 }),
    prelude: () => [addScheduleStep()],
    fields: fieldsOf(byCalendarSchema as SchemaNode),
  },
  {
    name: 'calendar.add',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/oa/calendar/add',
    auth: 'wecom',
    valid: calendarAddBody,
    fields: fieldsOf(calendarAddSchema as SchemaNode),
  },
  {
    name: 'calendar.get',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/oa/calendar/get',
    auth: 'wecom',
    valid: () => ({ cal_id_list: ['__CALID__'] }),
    prelude: () => [addCalendarStep()],
    fields: fieldsOf(calendarGetSchema as SchemaNode),
  },
  {
    name: 'calendar.update',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/oa/calendar/update',
    auth: 'wecom',
    valid: () => ({ calendar: { cal_id: '__CALID__', summary: 'fuzz 2', color: '#00FF00', description: 'd2' } }),
    prelude: () => [addCalendarStep()],
    fields: fieldsOf(calendarUpdateSchema as SchemaNode),
  },
  {
    name: 'calendar.del',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/oa/calendar/del',
    auth: 'wecom',
    valid: () => ({ cal_id: '__CALID__' }),
    prelude: () => [addCalendarStep()],
    fields: fieldsOf(calendarDelSchema as SchemaNode),
  },
  {
    name: 'meeting.get_user_meetingid',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/meeting/get_user_meetingid',
    auth: 'wecom',
    valid: () => ({ userid: 'lisi', begin_time: BASE, end_time: BASE + 30 * DAY, limit: 10 }),
    prelude: () => [createMeetingStep()],
    fields: fieldsOf(userMeetingidsSchema as SchemaNode),
  },
  {
    name: 'exmail.compose_send',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/exmail/app/compose_send',
    auth: 'wecom',
    valid: composeSendBody,
    fields: fieldsOf(composeSendSchema as SchemaNode),
  },
  {
    name: 'feishu.tenant_access_token',
    vendor: 'feishu',
    method: 'POST',
    path: '/open-apis/auth/v3/tenant_access_token/internal',
    auth: 'none',
    valid: () => ({ app_id: 'cli_devapp00000001', app_secret: 'dev-feishu-secret-00000001' }),
    fields: strings('app_id', 'app_secret'),
  },
  {
    name: 'feishu.app_access_token',
    vendor: 'feishu',
    method: 'POST',
    path: '/open-apis/auth/v3/app_access_token/internal',
    auth: 'none',
    valid: () => ({ app_id: 'cli_devapp00000001', app_secret: 'dev-feishu-secret-00000001' }),
    fields: strings('app_id', 'app_secret'),
  },
  {
    name: 'feishu.oauth_token',
    vendor: 'feishu',
    method: 'POST',
    path: '/open-apis/authen/v2/oauth/token',
    auth: 'none',
    valid: () => ({
      grant_type: 'authorization_code',
      client_id: 'cli_devapp00000001',
      client_secret: 'dev-feishu-secret-00000001',
      code: '__OAUTHCODE__',
      redirect_uri: 'https://example.com/cb',
    }),
    prelude: () => [
      {
        op: 'control',
        call: 'issueOAuthCode',
        arg: { mailbox: 'user@xxx.xx', redirect_uri: 'https://example.com/cb' },
        capture: { OAUTHCODE: 'code' },
      },
    ],
    fields: strings('grant_type', 'client_id', 'client_secret', 'code', 'redirect_uri', 'refresh_token'),
  },
  {
    name: 'feishu.mail.send',
    vendor: 'feishu',
    method: 'POST',
    path: '/open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages/send',
    auth: 'feishu',
    params: { user_mailbox_id: 'me' },
    valid: feishuSendBody,
    fields: fieldsOf(feishuSendSchema as SchemaNode),
  },
  {
    name: 'feishu.mail.get',
    vendor: 'feishu',
    method: 'GET',
    path: '/open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages/:message_id',
    auth: 'feishu',
    params: { user_mailbox_id: 'me', message_id: '__MESSAGEID__' },
    prelude: () => [{ ...request(byName('feishu.mail.send')), capture: { MESSAGEID: 'data.message_id' } }],
    fields: [],
  },
  {
    name: 'feishu.mail.list',
    vendor: 'feishu',
    method: 'GET',
    path: '/open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages',
    auth: 'feishu',
    params: { user_mailbox_id: 'me' },
    query: { folder_id: 'SENT', page_size: '20' },
    prelude: () => [{ ...request(byName('feishu.mail.send')), capture: { MESSAGEID: 'data.message_id' } }],
    fields: [],
  },
]

export function byName(name: string): EndpointSpec {
  const spec = endpoints.find((e) => e.name === name)
  if (!spec) throw new Error(`no endpoint ${name}`)
  return spec
}

/** Every place a value can be injected into a request of this endpoint. */
export function targetsOf(spec: EndpointSpec): Target[] {
  const out: Target[] = [...spec.fields]
  if (spec.auth === 'wecom') out.push({ in: 'query', name: 'access_token', type: 'string' })
  for (const name of Object.keys(spec.query ?? {})) out.push({ in: 'query', name, type: 'string' })
  for (const name of Object.keys(spec.params ?? {})) out.push({ in: 'param', name, type: 'string' })
  if (spec.auth === 'feishu') out.push({ in: 'header', name: 'authorization', type: 'string' })
  return out
}

/** The value the valid request has at a target (undefined where it has none). */
export function validAt(spec: EndpointSpec, t: Target): unknown {
  if (t.in === 'query') return t.name === 'access_token' ? WECOM_TOKEN : spec.query?.[t.name]
  if (t.in === 'param') return spec.params?.[t.name]
  if (t.in !== 'body') return t.name === 'authorization' ? `Bearer ${FEISHU_TOKEN}` : undefined
  let v: unknown = spec.valid?.()
  for (const k of t.path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined
  return v
}

/**
 * A value to inject: `json` is serialised (a string is escaped, so a lone surrogate goes out as `\ud800`);
 * `raw` is JSON text put in verbatim (`1e400`, 10,000 brackets) or, outside the body, a query / path value
 * sent as is (already percent-encoded); `bytes` go inside a JSON string unencoded (invalid UTF-8).
 */
export type Injected = { json: unknown } | { raw: string } | { bytes: Uint8Array }

const MARK = '__FUZZ_INJECTED__'
const encoder = new TextEncoder()

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = root
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!
    const next = node[k]
    const wantArray = typeof path[i + 1] === 'number'
    if (!next || typeof next !== 'object' || Array.isArray(next) !== wantArray) node[k] = wantArray ? [] : {}
    node = node[k] as Record<string | number, unknown>
  }
  node[path[path.length - 1]!] = value
}

/** Percent-encodes any string, lone surrogates included (as the WTF-8 bytes a sloppy client would send). */
export function percentEncode(s: string): string {
  let out = ''
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    if (c >= 0xd800 && c <= 0xdfff)
      out +=
        `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`.toUpperCase()
    else out += encodeURIComponent(ch)
  }
  return out
}

/** The endpoint's request with `value` at `target` (in its valid body, or in `base`), after its prelude. */
export function injected(
  spec: EndpointSpec,
  target: Target,
  value: Injected,
  base: Record<string, unknown> = spec.valid?.() ?? {},
): Step[] {
  const prelude = spec.prelude?.() ?? []
  if (target.in !== 'body') {
    const text =
      'raw' in value ? value.raw : 'json' in value ? String(value.json) : Buffer.from(value.bytes).toString('latin1')
    let step: HttpStep
    if (target.in === 'header') step = request(spec, { headers: { [target.name]: text } })
    else {
      const encoded = 'raw' in value ? value.raw : 'bytes' in value ? percentBytes(value.bytes) : percentEncode(text)
      step =
        target.in === 'query'
          ? request(spec, { rawQuery: { [target.name]: encoded } })
          : request(spec, { params: { [target.name]: encoded } })
    }
    return [...prelude, step]
  }
  setAt(base, target.path, MARK)
  const text = JSON.stringify(base)
  const at = text.indexOf(`"${MARK}"`)
  const before = text.slice(0, at)
  const after = text.slice(at + MARK.length + 2)
  let body: string | Uint8Array
  if ('json' in value) body = before + JSON.stringify(value.json) + after
  else if ('raw' in value) body = before + value.raw + after
  else {
    const head = encoder.encode(`${before}"`)
    const tail = encoder.encode(`"${after}`)
    body = new Uint8Array(head.length + value.bytes.length + tail.length)
    body.set(head, 0)
    body.set(value.bytes, head.length)
    body.set(tail, head.length + value.bytes.length)
  }
  return [...prelude, request(spec, { body })]
}

function percentBytes(bytes: Uint8Array): string {
  return [...bytes].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('')
}
