/**
 * App permissions and kinds (issue 13, item 7): what each seeded app may call (its 邮件 / 日程 / 会议 permissions, or for
 * a self-built app the 可调用应用 lists), the third-party app with its pre-issued token (cal_id required, id
 * translation on), and the deprecated creator_userid, through every adapter.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { defaultSeed, type Seed } from '../src/core/seed.ts'
import { expectRefusal, type Harness, harnesses } from './support/harness.ts'
import { wecomPost } from './support/wecom-app.ts'

const CORP = 'wwdevcorp0000001'
const NOW = 1_800_000_000
const START = 1_900_000_000
/** The seed's restricted apps and the third-party one, by agentid. */
const MEETINGS_ONLY = 'dev-secret-meetings-only-1000016'
const NO_MEETING = 'dev-secret-no-meeting-1000017'
const THIRD_PARTY_TOKEN = 'wwdev-third-party-token-1000050'
const THIRD_PARTY_CALENDAR = 'wcThirdPartyAppCalendar00000AAA'

const CREATE = '/cgi-bin/meeting/create'
const UPDATE = '/cgi-bin/meeting/update'
const SCHEDULE_ADD = '/cgi-bin/oa/schedule/add'
const SEND = '/cgi-bin/exmail/app/compose_send'

/** The reason header as written (non-Latin-1 text is sent percent-encoded). */
const reasonOf = (r: { headers: Record<string, string> }) => decodeURIComponent(r.headers['x-worksuite-mock-reason']!)

const meeting = (over: Record<string, unknown> = {}) => ({
  admin_userid: 'lisi',
  title: '评审',
  meeting_start: START,
  meeting_duration: 3600,
  ...over,
})
const schedule = (over: Record<string, unknown> = {}) => ({
  schedule: { start_time: START, end_time: START + 3600, attendees: [{ userid: 'lisi' }], ...over },
})
const mail = (over: Record<string, unknown> = {}) => ({
  to: { userids: ['lisi'] },
  subject: '评审',
  content: '正文',
  schedule: { start_time: START, end_time: START + 3600 },
  meeting: { meeting_admins: { userids: ['lisi'] } },
  ...over,
})

describe.each(harnesses)('app permissions and kinds through $name', (factory) => {
  let h: Harness
  const tokenOf = async (corpsecret: string) =>
    (await h.call({ path: '/cgi-bin/gettoken', query: { corpid: CORP, corpsecret } })).json.access_token as string
  const as = async (corpsecret: string) => wecomPost(h, await tokenOf(corpsecret))
  beforeAll(async () => {
    h = await factory.make({ fakerSeed: 13 })
    h.control.setClock({ now: NOW, frozen: true })
  })
  afterAll(() => h.close())

  test('wecom.gateway.app.permission: an app without 日程 answers 48002 on oa/schedule/* and keeps its meeting calls', async () => {
    const post = await as(MEETINGS_ONLY)
    const r = await post(SCHEDULE_ADD, schedule())
    expectRefusal(r, 'wecom.gateway.app.permission')
    expect(r.json.errmsg).toMatch(/^api forbidden, hint: \[/)
    expect(reasonOf(r)).toContain('日程')
    expectRefusal(await post('/cgi-bin/oa/schedule/get', { schedule_id_list: ['x'] }), 'wecom.gateway.app.permission')
    expect((await post(CREATE, meeting())).json.errcode).toBe(0)
  })

  test('wecom.exmail.compose_send.permission.mail: an app without 邮件 cannot send a meeting mail (48002)', async () => {
    const post = await as(MEETINGS_ONLY)
    const r = await post(SEND, mail())
    expectRefusal(r, 'wecom.exmail.compose_send.permission.mail')
    expect(reasonOf(r)).toContain('邮件')
  })

  test('wecom.meeting.create.permission.callable: an app without 会议 answers 48002 on meeting/create, and its schedules work', async () => {
    const post = await as(NO_MEETING)
    expectRefusal(await post(CREATE, meeting()), 'wecom.meeting.create.permission.callable')
    expect((await post(SCHEDULE_ADD, schedule())).json.errcode).toBe(0)
  })

  test('wecom.meeting.update.permission.callable: an app without 会议 answers 48002 on meeting/update before the meetingid is looked at', async () => {
    const post = await as(NO_MEETING)
    expectRefusal(await post(UPDATE, { meetingid: 'no-such-meeting' }), 'wecom.meeting.update.permission.callable')
  })

  test('wecom.exmail.compose_send.permission.schedule-meeting: a meeting mail needs 日程 and 会议 as well as 邮件 (48002)', async () => {
    const post = await as(NO_MEETING)
    const r = await post(SEND, mail())
    expectRefusal(r, 'wecom.exmail.compose_send.permission.schedule-meeting')
    expect(reasonOf(r)).toContain('会议')
    // The app with all three sends it.
    expect((await (await as('dev-secret-meetings-1000014'))(SEND, mail())).json.errcode).toBe(0)
  })

  test('wecom.gateway.app.permission: the token is checked first (42001 for an expired one of a restricted app)', async () => {
    const token = await tokenOf(NO_MEETING)
    h.control.expireToken(token)
    const r = await wecomPost(h, token)(CREATE, meeting())
    expect(r.json.errcode).toBe(42001)
  })

  test('wecom.gateway.access_token.seeded: a third-party app calls with its pre-issued token until it is expired', async () => {
    const post = wecomPost(h, THIRD_PARTY_TOKEN)
    const r = await post(CREATE, meeting({ cal_id: THIRD_PARTY_CALENDAR }))
    expect(r.json.errcode).toBe(0)
    h.control.expireToken(THIRD_PARTY_TOKEN)
    expect((await post(CREATE, meeting({ cal_id: THIRD_PARTY_CALENDAR, title: 'later' }))).json.errcode).toBe(42001)
    h.control.reset()
    h.control.setClock({ now: NOW, frozen: true })
  })

  test('wecom.meeting.create.cal_id.third-party: a third-party app must name cal_id (40058); a self-built one need not', async () => {
    const post = wecomPost(h, THIRD_PARTY_TOKEN)
    const r = await post(CREATE, meeting({ title: 'no calendar' }))
    expectRefusal(r, 'wecom.meeting.create.cal_id.third-party')
    expect(r.json.errmsg).toMatch(/^missing cal_id/)
    expectRefusal(await post(CREATE, meeting({ cal_id: '' })), 'wecom.meeting.create.cal_id.third-party')
    expect(
      (await (await as('dev-secret-meetings-1000014'))(CREATE, meeting({ title: 'self-built' }))).json.errcode,
    ).toBe(0)
  })

  test('wecom.schedule.add.cal_id.third-party: a third-party app must name cal_id (90708); with its own calendar it adds', async () => {
    const post = wecomPost(h, THIRD_PARTY_TOKEN)
    expectRefusal(await post(SCHEDULE_ADD, schedule()), 'wecom.schedule.add.cal_id.third-party')
    const ok = await post(SCHEDULE_ADD, schedule({ cal_id: THIRD_PARTY_CALENDAR }))
    expect(ok.json.errcode).toBe(0)
  })

  test('wecom.exmail.compose_send.enable_id_trans.templates: a third-party app gets its templates translated', async () => {
    const r = await wecomPost(h, THIRD_PARTY_TOKEN)(
      SEND,
      mail({
        to: { userids: ['lisi'], emails: ['third@example.com'] },
        subject: '$userName=lisi$',
        enable_id_trans: 1,
      }),
    )
    expect(r.json.errcode).toBe(0)
    expect(h.control.wecomMailbox('third@example.com').at(-1)!.subject).toBe('李四')
  })

  test('wecom.exmail.compose_send.enable_id_trans.self-built: a self-built app enable_id_trans is ignored, the text kept as written', async () => {
    const post = await as('dev-secret-meetings-1000014')
    const body = mail({
      to: { userids: ['lisi'], emails: ['self@example.com'] },
      subject: '$userName=lisi$',
      content: '$departmentName=2$',
      enable_id_trans: 1,
    })
    expect((await post(SEND, body)).json.errcode).toBe(0)
    const got = h.control.wecomMailbox('self@example.com').at(-1)!
    expect([got.subject, got.content]).toEqual(['$userName=lisi$', '$departmentName=2$'])
    // Its value is still checked.
    expect((await post(SEND, { ...body, enable_id_trans: 2 })).json.errcode).toBe(40058)
  })

  test('wecom.meeting.create.creator_userid.deprecated: the deprecated creator_userid answers 400043, with admin_userid or without', async () => {
    const post = await as('dev-secret-meetings-1000014')
    for (const body of [
      meeting({ creator_userid: 'lisi' }),
      { ...meeting({ creator_userid: 'lisi' }), admin_userid: undefined },
    ])
      expectRefusal(await post(CREATE, body), 'wecom.meeting.create.creator_userid.deprecated')
    expect((await post(CREATE, meeting({ title: 'null creator', creator_userid: null }))).json.errcode).toBe(0)
  })
})

describe.each(harnesses)('a seed that configures its apps, through $name', (factory) => {
  const seed: Seed = structuredClone(defaultSeed)
  const corp = seed.wecom.corps[0]!
  corp.apps = [
    { agentid: 2000001, corpsecret: 'nothing-granted', permissions: [] },
    // A calendar of its own: without one, oa/schedule/add has no default to put the schedule on (90708).
    {
      agentid: 2000002,
      corpsecret: 'schedule-only',
      permissions: ['schedule'],
      calendars: ['wcschedule-only-calendar'],
    },
  ]
  let h: Harness
  beforeAll(async () => {
    h = await factory.make({ seed })
    h.control.setClock({ now: NOW, frozen: true })
  })
  afterAll(() => h.close())

  const post = async (corpsecret: string, path: string, body: unknown) => {
    const token = (await h.call({ path: '/cgi-bin/gettoken', query: { corpid: CORP, corpsecret } })).json.access_token
    return wecomPost(h, token)(path, body)
  }

  test('wecom.gateway.app.permission: an app granted nothing gets a token, and 48002 on every business endpoint', async () => {
    for (const [path, body] of [
      [CREATE, meeting()],
      ['/cgi-bin/meeting/get_info', { meetingid: 'x' }],
      ['/cgi-bin/meeting/cancel', { meetingid: 'x' }],
      [SCHEDULE_ADD, schedule()],
      ['/cgi-bin/oa/schedule/del', { schedule_id: 'x' }],
      [SEND, mail()],
    ] as const)
      expectRefusal(await post('nothing-granted', path, body), 'wecom.gateway.app.permission')
  })

  test('wecom.gateway.app.permission: 日程 alone opens oa/schedule/*, not a meeting mail', async () => {
    expect((await post('schedule-only', SCHEDULE_ADD, schedule())).json.errcode).toBe(0)
    const r = await post('schedule-only', SEND, mail())
    expectRefusal(r, 'wecom.exmail.compose_send.permission.mail')
    expect(reasonOf(r)).toMatch(/邮件.*会议/)
  })
})
