/**
 * Every endpoint has a response schema (contracts/schemas/<endpoint id>.response.schema.json), the vendors'
 * documented examples and captured answers fit them, and contracts/response-check.ts reports what does not:
 * a body off its schema, an HTTP status its code does not have, a body that is not JSON.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { endpoints } from '../contracts/client/endpoints.ts'
import {
  checkExchange,
  checkResponse,
  endpointFor,
  RESPONSE_SCHEMA_SUFFIX,
  responseSchemaIds,
  SCHEMAS_DIR,
} from '../contracts/response-check.ts'
import { createEmulator } from '../src/index.ts'
import { checked } from './support/checked.ts'
import { coreHarness } from './support/harness.ts'

const routes = createEmulator().router.routes()
const load = (id: string) => JSON.parse(readFileSync(join(SCHEMAS_DIR, `${id}${RESPONSE_SCHEMA_SUFFIX}`), 'utf8'))

/** Routes without a response schema, and response schemas without a route. */
function unmatched(routeIds: string[], schemaIds: string[]) {
  return {
    withoutSchema: routeIds.filter((id) => !schemaIds.includes(id)),
    withoutRoute: schemaIds.filter((id) => !routeIds.includes(id)),
  }
}

test('every route the emulator registers has a response schema, and every response schema names a route', () => {
  expect(routes.length).toBeGreaterThanOrEqual(14)
  expect(
    unmatched(
      routes.map((r) => r.id),
      responseSchemaIds(),
    ),
  ).toEqual({ withoutSchema: [], withoutRoute: [] })
})

test('the coverage check names a route without a response schema and a schema without a route', () => {
  const ids = responseSchemaIds()
  expect(unmatched([...ids, 'wecom.meeting.list'], ids.slice(1))).toEqual({
    withoutSchema: [ids[0], 'wecom.meeting.list'],
    withoutRoute: [],
  })
  expect(unmatched(ids.slice(1), ids).withoutRoute).toEqual([ids[0]])
})

test('the endpoint table the check routes by lists exactly the emulator routes, with their methods and paths', () => {
  const table = (list: readonly { id: string; method: string; path: string }[]) =>
    list.map((e) => `${e.id} ${e.method} ${e.path}`).sort()
  expect(table(endpoints)).toEqual(table(routes))
})

test.each(
  responseSchemaIds(),
)('%s: a 2020-12 schema named by its file, the success body or the vendor envelope', (id) => {
  const schema = load(id)
  expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
  expect(schema.$id).toBe(`https://worksuite-mock.dev/schemas/${id}${RESPONSE_SCHEMA_SUFFIX}`)
  const refs = (schema.oneOf as { $ref: string }[]).map((b) => b.$ref)
  expect(refs[0]).toBe('#/$defs/success')
  expect(refs.at(-1)).toBe(id.startsWith('wecom.') ? 'wecom.error.schema.json' : 'feishu.error.schema.json')
  expect(schema.$defs.success.additionalProperties).toBe(false)
})

const hint = (code: number) =>
  `, hint: [1730455838562580895026052], from ip: 203.0.113.7, more info at https://open.work.weixin.qq.com/devtool/query?e=${code}`
const log = '20260708162959ADCA453D2E20D74D18A2'
const feishuError = (code: number, msg: string, methodId = '7195464224934789148') => ({
  code,
  msg,
  error: {
    log_id: log,
    troubleshooter: `排查建议查看(Troubleshooting suggestions): https://open.feishu.cn/search?from=openapi&log_id=${log}&code=${code}&method_id=${methodId}`,
  },
})

// The vendors' 返回结果 / 响应体 examples (meetingid and schedule ids as the docs print them) and real captures.
const documented: [string, number, unknown][] = [
  ['wecom.gettoken', 200, { errcode: 0, errmsg: 'ok', access_token: 'accesstoken000001', expires_in: 7200 }],
  [
    'wecom.gettoken',
    200,
    {
      errcode: 40013,
      errmsg:
        'invalid corpid, hint: [1684401769_399_465504c915f130b50294a4abe4eb82d0], from ip: 9.30.0.138, more info at https://open.work.weixin.qq.com/devtool/query?e=40013',
    },
  ],
  [
    'wecom.meeting.create',
    200,
    { errcode: 0, errmsg: 'ok', meetingid: 'XXXXXXXXX', excess_users: ['zhangsan', 'lisi'] },
  ],
  ['wecom.meeting.create', 200, { errcode: 42001, errmsg: `access_token expired${hint(42001)}` }],
  ['wecom.meeting.update', 200, { errcode: 0, errmsg: 'ok', excess_users: ['lisi', 'wangwu'] }],
  ['wecom.meeting.cancel', 200, { errcode: 0, errmsg: 'ok' }],
  ['wecom.schedule.add', 200, { errcode: 0, errmsg: 'ok', schedule_id: '17c7d2bd9f20d652840f72f59e796AAA' }],
  [
    'wecom.schedule.get',
    200,
    {
      errcode: 0,
      errmsg: 'ok',
      schedule_list: [
        {
          schedule_id: '17c7d2bd9f20d652840f72f59e796AAA',
          admins: ['admin1', 'admin2'],
          attendees: [{ userid: 'userid2', response_status: 1 }],
          summary: 'test_summary',
          description: 'test_content',
          reminders: {
            is_remind: 1,
            is_repeat: 1,
            remind_before_event_secs: 3600,
            remind_time_diffs: [-3600],
            repeat_type: 7,
            repeat_until: 1606976813,
            is_custom_repeat: 1,
            repeat_interval: 1,
            repeat_day_of_week: [3, 7],
            repeat_day_of_month: [10, 21],
            timezone: 8,
            exclude_time_list: [{ start_time: 1571361000 }],
          },
          location: 'test_place',
          cal_id: 'wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA',
          start_time: 1571274600,
          end_time: 1571579410,
          status: 1,
          is_whole_day: 1,
        },
      ],
    },
  ],
  ['wecom.schedule.del', 200, { errcode: 0, errmsg: 'ok' }],
  ['wecom.exmail.compose_send', 200, { errcode: 0, errmsg: 'ok' }],
  [
    'feishu.auth.tenant_access_token',
    200,
    { code: 0, msg: 'ok', tenant_access_token: 't-caecc734c2e3328a62489fe0648c4b98779515d3', expire: 7200 },
  ],
  ['feishu.auth.tenant_access_token', 200, { code: 10003, data: {}, msg: 'invalid param' }],
  [
    'feishu.auth.app_access_token',
    200,
    {
      app_access_token: 't-caecc734c2e3328a62489fe0648c4b98779515d3',
      code: 0,
      expire: 7200,
      msg: 'ok',
      tenant_access_token: 't-caecc734c2e3328a62489fe0648c4b98779515d3',
    },
  ],
  [
    'feishu.authen.oauth_token',
    200,
    {
      code: 0,
      access_token: 'eyJhbGciOiJFUzI1NiIs**********X4ED',
      expires_in: 7200,
      refresh_token: 'eyJhbGciOiJFUzI1NiIs**********XXOQ',
      refresh_token_expires_in: 604800,
      scope: 'auth:user.id:read offline_access',
      token_type: 'Bearer',
    },
  ],
  [
    'feishu.authen.oauth_token',
    200,
    {
      code: 0,
      access_token: 'eyJhbGciOiJFUzI1NiIs**',
      expires_in: 7200,
      scope: 'mail:user_mailbox',
      token_type: 'Bearer',
    },
  ],
  [
    'feishu.authen.oauth_token',
    400,
    {
      error: 'invalid_grant',
      error_description: 'The authorization code is not found. Please check the code and try again.',
      code: 20003,
    },
  ],
  [
    'feishu.mail.send',
    200,
    {
      code: 0,
      msg: 'success',
      data: { message_id: '48451e97-4743-4a55-a9a3-b5c656b69c05', thread_id: '14151e97-4743-4a55-a9a3-b5c656b69c05' },
    },
  ],
  ['feishu.mail.send', 404, feishuError(1234013, 'user mailbox not found or user mailbox not active')],
  [
    'feishu.mail.send',
    400,
    {
      ...feishuError(99991663, 'Invalid access token for authorization. Please make a request with token attached.'),
      error: {
        message:
          'Refer to the documentation to fix the error: https://open.feishu.cn/document/uAjLw4CM/ugTN1YjL4UTN24CO1UjN/trouble-shooting/how-to-fix-99991663-error',
        ...feishuError(99991663, '', '7143131115984814081').error,
      },
    },
  ],
]

describe('the documented answers fit their response schemas', () => {
  test.each(documented)('%s: HTTP %i %j', (id, status, body) => {
    expect(checkResponse(id, status, JSON.stringify(body))).toEqual([])
  })
})

describe('checkResponse reports what breaks the schema or the status', () => {
  const ok = { errcode: 0, errmsg: 'ok', meetingid: 'hy1' }
  test.each([
    [
      'a missing field',
      'wecom.meeting.create',
      200,
      { errcode: 0, errmsg: 'ok' },
      'WecomMeetingCreateSuccess: (root): missing required field "meetingid"',
    ],
    [
      'a field the doc does not have',
      'wecom.meeting.create',
      200,
      { ...ok, meeting_code: '123456789' },
      'WecomMeetingCreateSuccess: (root): unknown field "meeting_code"',
    ],
    [
      'a wrong type',
      'wecom.meeting.create',
      200,
      { ...ok, excess_users: 'lisi' },
      'WecomMeetingCreateSuccess: excess_users: must be array',
    ],
    [
      'an errmsg without the hint and the lookup link',
      'wecom.meeting.create',
      200,
      { errcode: 40014, errmsg: 'invalid access_token' },
      'WecomError: errmsg: must match pattern',
    ],
    [
      'WeCom answering other than HTTP 200',
      'wecom.meeting.cancel',
      502,
      { errcode: 0, errmsg: 'ok' },
      'HTTP 502 with code 0',
    ],
    [
      'a Feishu code with a status the catalogue does not give it',
      'feishu.mail.send',
      400,
      feishuError(1234013, 'user mailbox not found or user mailbox not active'),
      'HTTP 400 with code 1234013: contracts/errors/feishu.json gives it HTTP 404',
    ],
    [
      'a code the catalogue does not have',
      'feishu.mail.send',
      400,
      feishuError(1230000, 'x'),
      'code 1230000 is not in contracts/errors/feishu.json',
    ],
    [
      'a refused token in the wrong shape',
      'feishu.auth.tenant_access_token',
      200,
      { code: 10003, msg: 'invalid param' },
      'FeishuTokenRefusal: (root): missing required field "data"',
    ],
    [
      'a refresh token without its lifetime',
      'feishu.authen.oauth_token',
      200,
      { code: 0, access_token: 'u-1', expires_in: 7200, refresh_token: 'ur-1', scope: '', token_type: 'Bearer' },
      'FeishuOAuthTokenSuccess: (root): must have property refresh_token_expires_in when property refresh_token is present',
    ],
  ])('%s', (_what, id, status, body, problem) => {
    const problems = checkResponse(id, status, JSON.stringify(body))
    expect(problems.length, problems.join('\n')).toBeGreaterThan(0)
    expect(
      problems.some((p) => p.startsWith(problem)),
      problems.join('\n'),
    ).toBe(true)
  })

  test('a body that is not JSON, and an endpoint without a schema, are problems too', () => {
    expect(checkResponse('feishu.mail.send', 404, '404 page not found')).toEqual([
      'HTTP 404: the body is not JSON: "404 page not found"',
    ])
    expect(checkResponse('wecom.meeting.list', 200, '{}')).toEqual([
      'no response schema for endpoint "wecom.meeting.list" (contracts/schemas)',
    ])
  })
})

test('endpointFor picks the route the emulator would: the most specific path, WeCom any method, Feishu its own', () => {
  expect(endpointFor('GET', '/cgi-bin/meeting/create?access_token=x')).toBe('wecom.meeting.create')
  expect(endpointFor('POST', 'https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=a')).toBe('wecom.gettoken')
  expect(endpointFor('POST', '/open-apis/mail/v1/user_mailboxes/me/messages/send')).toBe('feishu.mail.send')
  // The send path read with GET is the send route with a wrong method (a 404 page), not a message named "send".
  expect(endpointFor('GET', '/open-apis/mail/v1/user_mailboxes/me/messages/send')).toBeUndefined()
  expect(endpointFor('GET', '/open-apis/mail/v1/user_mailboxes/me/messages/m1')).toBe('feishu.mail.message.get')
  expect(endpointFor('PUT', '/open-apis/mail/v1/user_mailboxes/me/messages/send')).toBeUndefined()
  expect(endpointFor('POST', '/open-apis/mail/v1/user_mailboxes//messages/send')).toBeUndefined()
  expect(endpointFor('GET', '/cgi-bin/no/such/endpoint')).toBeUndefined()
  expect(checkExchange({ method: 'GET', url: '/cgi-bin/no/such/endpoint' }, { status: 404, body: '<html>' })).toEqual(
    [],
  )
})

test('a checked harness collects an answer off its schema: an injected fault with a status WeCom never sends', async () => {
  const factory = checked(coreHarness)
  const h = await factory.make()
  const corp = h.control.defaults().wecom.corps[0]!
  const gettoken = { path: '/cgi-bin/gettoken', query: { corpid: corp.corpid, corpsecret: corp.apps[0]!.corpsecret } }
  expect((await h.call(gettoken)).status).toBe(200)
  expect(factory.problems).toEqual([])
  h.control.addFault({ match: { path: '/cgi-bin/gettoken' }, respond: { errcode: 45009, status: 503 }, times: 1 })
  expect((await h.call(gettoken)).status).toBe(503)
  expect(factory.problems).toEqual([
    'wecom.gettoken: HTTP 503 with code 45009: contracts/errors/wecom.json gives it HTTP 200',
  ])
  await h.close()
})
