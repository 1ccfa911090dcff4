/**
 * Issue 16: what a request or a control call can do to the wire. A lone surrogate, deep nesting or a long
 * value gets the vendor's ordinary answer for a bad value (never a 500, never a header the client refuses);
 * fault rules, settings and clock values that HTTP or the clock cannot carry are refused with a 400 naming
 * the field. Over the stub server with Node's fetch as the client (it refuses headers past 16 KB), and in
 * process where the request cannot be sent over HTTP.
 */
import express from 'express'
import request from 'supertest'
import { beforeEach, describe, expect, test } from 'vitest'
import { ControlError } from '../src/core/control.ts'
import { ECHO_MAX_CHARS } from '../src/core/echo.ts'
import { createEmulator, expressMiddleware } from '../src/index.ts'
import { jsonText } from '../src/server/express.ts'
import { testCore } from './support/core.ts'
import { useStubServer } from './support/server.ts'

const server = useStubServer({ config: { feishu: { mail: { lockHoldMs: 0 } } } })
const { emulator } = server
beforeEach(() => emulator.control.reset())

const CORPID = 'wwdevcorp0000001'
const SECRET = 'dev-secret-meetings-1000014'
const USER_TOKEN = 'u-dev-user-token-1'
const SEND = '/open-apis/mail/v1/user_mailboxes/me/messages/send'
const REASON = 'x-worksuite-mock-reason'

interface Answer {
  status: number
  headers: Headers
  json: any
}

async function call(path: string, init: RequestInit = {}): Promise<Answer> {
  const r = await fetch(server.url + path, init)
  const text = await r.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: r.status, headers: r.headers, json }
}

/** A POST of this JSON text (a string is sent as is: lone surrogates travel as `\ud800` escapes). */
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

const wecomToken = async () =>
  (await call(`/cgi-bin/gettoken?corpid=${CORPID}&corpsecret=${SECRET}`)).json.access_token as string
const wecom = async (path: string, body: unknown) => post(`${path}?access_token=${await wecomToken()}`, body)
const feishuSend = (body: unknown) => post(SEND, body, { authorization: `Bearer ${USER_TOKEN}` })
const control = (method: string, path: string, body?: unknown) =>
  call(`/__mock${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })

/** Every header line of the answer under 1 KB; the reason decoded. */
function reasonOf(a: Answer): string {
  a.headers.forEach((value, name) => {
    expect(`${name}: ${value}`.length, name).toBeLessThan(1024)
  })
  const reason = a.headers.get(REASON)
  expect(reason).not.toBeNull()
  return decodeURI(reason!)
}

const sentFrom = (mailbox: string) => emulator.control.mailbox(mailbox).length
const now = () => emulator.control.clock().now
const meeting = () => ({ admin_userid: 'zhangsan', title: 't', meeting_start: now() + 7200, meeting_duration: 3600 })

describe('defect 3: a lone surrogate is an ordinary bad value', () => {
  test.each([
    'get_info',
    'cancel',
    'update',
  ])('meeting/%s with a meetingid holding a lone surrogate answers 90602 (no such meeting)', async (op) => {
    const r = await wecom(`/cgi-bin/meeting/${op}`, { meetingid: '\ud800' })
    expect([r.status, r.json.errcode]).toEqual([200, 90602])
    expect(reasonOf(r)).toContain('"\ufffd"')
  })

  test.each([
    'tenant',
    'app',
  ])('%s_access_token with an app_id holding a lone surrogate answers 10003 invalid param', async (kind) => {
    const r = await post(`/open-apis/auth/v3/${kind}_access_token/internal`, { app_id: '\ud800', app_secret: 'x' })
    expect([r.status, r.json.code, r.json.msg]).toEqual([200, 10003, 'invalid param'])
    expect(reasonOf(r)).toContain('\ufffd')
  })

  test.each([
    '\udc00@x',
    '\udc00@xxx.xx',
    'jane\ud800@xxx.xx',
  ])('a Feishu mail_address %j answers 400 1234008 (not an address), nothing sent', async (address) => {
    const r = await feishuSend({ subject: 's', to: [{ mail_address: address }], body_plain_text: 'x' })
    expect([r.status, r.json.code]).toEqual([400, 1234008])
    expect(reasonOf(r)).toContain('is not an email address')
    expect(sentFrom('user@xxx.xx')).toBe(0)
  })

  test('meeting/create with an invitee holding a lone surrogate answers 400021 (unknown user)', async () => {
    const r = await wecom('/cgi-bin/meeting/create', { ...meeting(), invitees: { userid: ['li\udc00si'] } })
    expect(r.json.errcode).toBe(400021)
    expect(reasonOf(r)).toContain('"li\ufffdsi"')
    expect(emulator.control.meetings()).toHaveLength(0)
  })

  test('oa/schedule/add with an attendee holding a lone surrogate answers 60111, its errmsg well-formed', async () => {
    const r = await wecom('/cgi-bin/oa/schedule/add', {
      schedule: { start_time: now() + 7200, end_time: now() + 9000, attendees: [{ userid: '\ud83d' }] },
    })
    expect(r.json.errcode).toBe(60111)
    expect(r.json.errmsg).toMatch(/^invalid string value `\ufffd`\. /)
    expect(decodeURI(r.headers.get('error-msg')!)).toBe(r.json.errmsg)
  })

  test('in process: a Feishu Content-Type holding a lone surrogate answers 400 9499', async () => {
    const h = testCore()
    const r = await h.call({
      method: 'POST',
      path: SEND,
      headers: { authorization: `Bearer ${USER_TOKEN}`, 'content-type': 'text/\ud800' },
      body: { subject: 's' },
    })
    expect([r.status, r.json.code]).toEqual([400, 9499])
    expect(decodeURI(r.headers[REASON]!)).toContain('text/\ufffd')
  })
})

describe('defect 4: deep nesting is a wrong type, at any depth', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
  const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`

  test.each([
    ['arrays 3 levels deep', nested(3)],
    ['arrays 5,000 levels deep', nested(5000)],
    ['arrays 50,000 levels deep', nested(50_000)],
    ['objects 5,000 levels deep in mail_address', `[{"mail_address":${nestedObject(5000)}}]`],
  ])('a Feishu send with to nested as %s answers 400 9499 naming the field', async (_name, to) => {
    const r = await post(SEND, `{"subject":"s","to":${to}}`, { authorization: `Bearer ${USER_TOKEN}` })
    expect([r.status, r.json.code]).toEqual([400, 9499])
    expect(r.json.msg).toMatch(
      /^Invalid parameter type in json: to(\[0\](\.mail_address)?)?\. Invalid parameter value: /,
    )
    expect(r.json.msg.length).toBeLessThan(200)
  })

  test('an unknown field nested 10,000 levels deep is ignored, and the meeting it came with reads back', async () => {
    const deep = `{"extra":${nested(10_000)},"settings":{"extra":${nestedObject(10_000)}}`
    const create = await wecom('/cgi-bin/meeting/create', `${deep},${JSON.stringify(meeting()).slice(1)}`)
    expect(create.json.errcode).toBe(0)
    const update = await wecom('/cgi-bin/meeting/update', `${deep},"meetingid":"${create.json.meetingid}"}`)
    expect(update.json.errcode).toBe(0)
    const listed = await control('GET', '/wecom/meetings')
    expect(listed.status).toBe(200)
    expect(listed.json.meetings[0].settings).not.toHaveProperty('extra')
  })

  test('the Express middleware rebuilds a host-parsed body nested 100,000 levels deep, as the stub server reads it', async () => {
    const emu = createEmulator()
    const app = express()
    app.use(express.json({ limit: '1mb' }))
    app.use(expressMiddleware(emu))
    const token = (await request(app).get('/cgi-bin/gettoken').query({ corpid: CORPID, corpsecret: SECRET })).body
      .access_token
    const body = `{"extra":${nested(100_000)},${JSON.stringify(meeting()).slice(1)}`
    const r = await request(app)
      .post(`/cgi-bin/meeting/create?access_token=${token}`)
      .set('content-type', 'application/json')
      .send(body)
    expect([r.status, r.body.errcode]).toEqual([200, 0])
    const wrong = await request(app)
      .post(`/cgi-bin/meeting/create?access_token=${token}`)
      .set('content-type', 'application/json')
      .send(`{"title":${nested(100_000)}}`)
    expect([wrong.status, wrong.body.errcode]).toEqual([200, 40058])
  })

  test('a host-parsed body too deep for JSON.stringify is written back to the same JSON text', () => {
    const text = `{"a":[1,"x",${nested(100_000)},{"b":null,"c":{"d":${nestedObject(100_000)}}}],"e":true}`
    expect(() => JSON.stringify(JSON.parse(text))).toThrow(RangeError)
    expect(jsonText(JSON.parse(text))).toBe(text)
  })

  test('POST /__mock/feishu/oauth/codes refuses a scope that is not a string (400 naming it)', async () => {
    const r = await control('POST', '/feishu/oauth/codes', `{"mailbox":"user@xxx.xx","scope":${nested(10_000)}}`)
    expect(r.status).toBe(400)
    expect(r.json.error).toMatch(/scope/)
  })
})

describe('defect 5: an echoed value is a short prefix, every header under 1 KB', () => {
  const long = 'x'.repeat(20_000)
  const cut = `${'x'.repeat(ECHO_MAX_CHARS)}…`

  test('meeting/get_info with a 20 KB meetingid answers 90602 to Node fetch, the reason quoting a prefix', async () => {
    const r = await wecom('/cgi-bin/meeting/get_info', { meetingid: long })
    expect(r.json.errcode).toBe(90602)
    expect(reasonOf(r)).toContain(`"${cut}"`)
    const logged = emulator.control.requests({ route: 'wecom.meeting.get_info' }).entries.at(-1)!
    expect(logged.reason).toContain(`"${cut}"`)
    expect(logged.reason!.length).toBeLessThan(200)
  })

  test('a 20 KB meetingid of Chinese text stays under 1 KB once percent-encoded', async () => {
    const r = await wecom('/cgi-bin/meeting/get_info', { meetingid: '会'.repeat(20_000) })
    expect(r.json.errcode).toBe(90602)
    expect(reasonOf(r)).toContain(`"${'会'.repeat(ECHO_MAX_CHARS)}…"`)
  })

  test('an emoji at the cut is kept whole or left out, never halved', async () => {
    const r = await wecom('/cgi-bin/meeting/get_info', { meetingid: `${'x'.repeat(ECHO_MAX_CHARS - 1)}😀tail` })
    expect(reasonOf(r)).toContain(`"${'x'.repeat(ECHO_MAX_CHARS - 1)}…"`)
  })

  test.each([
    [
      'gettoken with a 12 KB corpid → 40013',
      () => call(`/cgi-bin/gettoken?corpid=${'c'.repeat(12_000)}&corpsecret=x`),
      40013,
    ],
    [
      'compose_send to a 20 KB userid → 60111, errmsg prefix cut',
      () =>
        wecom('/cgi-bin/exmail/app/compose_send', {
          to: { userids: [long] },
          subject: 's',
          content: 'c',
          schedule: { start_time: now() + 7200, end_time: now() + 9000 },
          meeting: { meeting_admins: { userids: [long] } },
        }),
      60111,
    ],
    [
      'a Feishu send to a 20 KB mail_address → 1234008',
      () => feishuSend({ subject: 's', to: [{ mail_address: long }], body_plain_text: 'x' }),
      1234008,
    ],
    ['a Feishu send with a 20 KB subject in an array → 9499', () => feishuSend({ subject: [long] }), 9499],
    [
      'a Feishu send from a 5 KB mailbox id → 1234013',
      () =>
        post(
          SEND.replace('/me/', `/${'y'.repeat(5000)}/`),
          { subject: 's' },
          { authorization: `Bearer ${USER_TOKEN}` },
        ),
      1234013,
    ],
    [
      'tenant_access_token for a 20 KB app_id → 10003',
      () => post('/open-apis/auth/v3/tenant_access_token/internal', { app_id: long, app_secret: 'x' }),
      10003,
    ],
    [
      'oauth/token with a 20 KB grant_type → 20001',
      () =>
        post('/open-apis/authen/v2/oauth/token', {
          grant_type: long,
          client_id: 'cli_devapp00000001',
          client_secret: 'dev-feishu-secret-00000001',
        }),
      20001,
    ],
  ])('%s, every header under 1 KB and the value cut', async (_name, send, code) => {
    const r = await send()
    expect(r.json.errcode ?? r.json.code).toBe(code)
    expect(reasonOf(r) + JSON.stringify(r.json)).toMatch(/…/)
    expect(JSON.stringify(r.json).length).toBeLessThan(2000)
  })
})

describe('defect 8: a fault rule must be one HTTP can carry', () => {
  const headers = (h: Record<string, string>) => ({ respond: { errcode: -1, headers: h } })
  const status = (n: number) => ({ respond: { errcode: -1, status: n } })
  test.each([
    ['a header value with CR LF', headers({ 'x-a': 'a\r\nb' }), /respond\.headers\["x-a"\]: .*CR, LF/],
    ['a header value with NUL', headers({ 'x-a': 'a\u0000b' }), /respond\.headers\["x-a"\]/],
    ['a header value past Latin-1', headers({ 'x-a': '中文' }), /respond\.headers\["x-a"\]: .*percent-encode/],
    ['a header name with a space', headers({ 'x a': '1' }), /respond\.headers: "x a" is not a header name/],
    ['an empty header name', headers({ '': '1' }), /respond\.headers: "" is not a header name/],
    ['content-length', headers({ 'content-length': '5' }), /respond\.headers\["content-length"\]/],
    ['Transfer-Encoding', headers({ 'Transfer-Encoding': 'chunked' }), /respond\.headers\["Transfer-Encoding"\]/],
    ['connection', headers({ connection: 'upgrade' }), /respond\.headers\["connection"\]/],
    ['9 KB of headers', headers({ 'x-big': 'v'.repeat(9000) }), /respond\.headers: .*8192/],
    ['status 100', status(100), /respond\.status: must be >= 200/],
    ['status 101', status(101), /respond\.status: must be >= 200/],
    ['status 103', status(103), /respond\.status: must be >= 200/],
    ['status 204', status(204), /respond\.status: 204 .*no body/],
    ['status 205', status(205), /respond\.status: 205 .*no body/],
    ['status 304', status(304), /respond\.status: 304 .*no body/],
  ] as const)('POST /__mock/faults refuses %s with a 400 naming the field', async (_name, rule, message) => {
    const r = await control('POST', '/faults', rule)
    expect(r.status).toBe(400)
    expect(r.json.error).toMatch(message)
    expect((await control('GET', '/faults')).json.count).toBe(0)
    expect(() => testCore().control.addFault(rule)).toThrow(ControlError)
  })

  test('a rule with a status and headers HTTP carries is accepted and reaches Node fetch', async () => {
    const added = await control('POST', '/faults', {
      match: { path: '/cgi-bin/gettoken' },
      respond: { errcode: 45009, status: 503, headers: { 'Retry-After': '1', 'x-latin1': 'caf\u00e9\tok' } },
    })
    expect(added.status).toBe(201)
    const r = await call(`/cgi-bin/gettoken?corpid=${CORPID}&corpsecret=${SECRET}`)
    expect([r.status, r.json.errcode, r.headers.get('retry-after')]).toEqual([503, 45009, '1'])
  })
})

describe('defect 9: start-up-only settings are refused at run time', () => {
  test.each([
    [{ server: { controlToken: 'x' } }, 'server.controlToken'],
    [{ server: { host: '0.0.0.0' } }, 'server.host'],
    [{ server: { port: 1234 } }, 'server.port'],
    [{ server: { requestTimeoutMs: 1000 } }, 'server.requestTimeoutMs'],
  ])('PUT /__mock/config %j answers 400 naming the field, and nothing changes', async (patch, field) => {
    const before = (await control('GET', '/config')).json
    const r = await control('PUT', '/config', patch)
    expect(r.status).toBe(400)
    expect(r.json.error).toContain(`config field "${field}" applies only at start-up`)
    expect((await control('GET', '/config')).json).toEqual(before)
    expect(() => testCore().control.setConfig(patch)).toThrow(`"${field}" applies only at start-up`)
  })

  test('server.maxBodyBytes is read per request, so it still changes at run time', async () => {
    const r = await control('PUT', '/config', { server: { maxBodyBytes: 1024 } })
    expect(r.status).toBe(200)
    expect(r.json.server.maxBodyBytes).toBe(1024)
  })
})

describe('defect 10: the clock stays where dates exist', () => {
  test.each([
    [{ now: 1e20 }, /now/],
    [{ now: -1 }, /now/],
    [{ now: 253_402_300_800 }, /now/],
    [{ advance: 1e308 }, /advance/],
    [{ advance: -1e13 }, /advance/],
  ])('PUT /__mock/clock %j answers 400 and the clock does not move', async (change, message) => {
    await control('PUT', '/clock', { now: 1_700_000_000, frozen: true })
    const r = await control('PUT', '/clock', change)
    expect(r.status).toBe(400)
    expect(r.json.error).toMatch(message)
    expect((await control('GET', '/clock')).json).toEqual({ now: 1_700_000_000, frozen: true })
    expect(() => testCore().control.setClock(change)).toThrow(ControlError)
  })

  test('the last valid instant is accepted and Feishu log ids still carry a date', async () => {
    const r = await control('PUT', '/clock', { now: 253_402_271_999, frozen: true })
    expect(r.json).toEqual({ now: 253_402_271_999, frozen: true })
    const send = await feishuSend({ subject: 's' })
    expect(send.json.error.log_id).toMatch(/^99991231235959[0-9A-F]{20}$/)
  })
})
