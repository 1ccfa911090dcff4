/**
 * oa/calendar/add, get, update and del, and oa/schedule/get_by_calendar: every case of
 * contracts/cases/wecom.calendar.{add,get,update,del}.json and wecom.schedule.get_by_calendar.json (one or more
 * per rule of their rules files) through every harness, checking the exact
 * errcode and HTTP status; the limits too costly for a case; and the calendars' read-back on the control plane.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import addDoc from '../fixtures/wecom/calendar/add.doc-example.json' with { type: 'json' }
import updateDoc from '../fixtures/wecom/calendar/update.doc-example.json' with { type: 'json' }
import { Random } from '../src/core/random.ts'
import { defaultSeed } from '../src/core/seed.ts'
import { CalendarStore, MAX_CALENDARS_PER_APP, MAX_CORP_CALENDARS } from '../src/wecom/calendar/store.ts'
import { checkedHarnesses } from './support/checked.ts'
import { casesOf, describeCases } from './support/contract-cases.ts'
import { testCore } from './support/core.ts'
import { expectRefusal, type Harness } from './support/harness.ts'
import { wecomPost, wecomTokenFor } from './support/wecom-app.ts'

describeCases(
  'oa/calendar contract cases',
  casesOf(
    'wecom.calendar.add.json',
    'wecom.calendar.get.json',
    'wecom.calendar.update.json',
    'wecom.calendar.del.json',
  ),
)

const ADD = '/cgi-bin/oa/calendar/add'
const DEL = '/cgi-bin/oa/calendar/del'
const GET = '/cgi-bin/oa/calendar/get'
const calendar = (n: number, extra: Record<string, unknown> = {}) => ({
  calendar: { summary: `c${n}`, color: '#FF3030', ...extra },
})

describe.each(checkedHarnesses)('oa/calendar through $name', (factory) => {
  afterEach(() => {
    expect(factory.problems.splice(0), 'answers that break their response schema').toEqual([])
  })
  let h: Harness
  let post: ReturnType<typeof wecomPost>
  let postOther: ReturnType<typeof wecomPost>
  beforeAll(async () => {
    h = await factory.make({ fakerSeed: 5 })
    post = wecomPost(h, await wecomTokenFor(h, 0))
    postOther = wecomPost(h, await wecomTokenFor(h, 1))
  })
  afterAll(() => h.close())

  test('wecom.calendar.add.is_corp_calendar.limit: the 21st 全员日历 of a corp answers 90481, whichever app makes it; one deleted frees a place', async () => {
    const corp = { is_corp_calendar: 1, public_range: { userids: ['lisi'] } }
    const made: [typeof post, string][] = []
    for (let i = 0; i < MAX_CORP_CALENDARS; i++) {
      const by = i % 2 ? postOther : post
      const r = await by(ADD, calendar(i, corp))
      expect(r.json.errcode).toBe(0)
      made.push([by, r.json.cal_id])
    }
    expectRefusal(await postOther(ADD, calendar(99, corp)), 'wecom.calendar.add.is_corp_calendar.limit')
    const plain = await post(ADD, calendar(100))
    expect(plain.json.errcode, 'other calendars are not limited by it').toBe(0)
    made.push([post, plain.json.cal_id])
    const [by, first] = made.shift()!
    expect((await by(DEL, { cal_id: first })).json.errcode).toBe(0)
    const again = await post(ADD, calendar(101, corp))
    expect(again.json.errcode).toBe(0)
    made.push([post, again.json.cal_id])
    for (const [who, id] of made) expect((await who(DEL, { cal_id: id })).json.errcode).toBe(0)
  })

  test('wecom.calendar.add.doc-example: the doc example as written is refused with 90492 (its admins are not among the shares)', async () => {
    expectRefusal(await post(ADD, addDoc), 'wecom.calendar.add.admins.among-shares')
  })

  test('wecom.calendar.add.doc-example: with its admins shared it makes a 全员日历; userid3, no user of the corp, comes back in fail_result as the doc shows', async () => {
    const body = structuredClone(addDoc)
    body.calendar.shares.push({ userid: 'admin1', permission: 1 }, { userid: 'admin2', permission: 1 })
    const r = await post(ADD, body)
    expect(r.json).toMatchObject({
      errcode: 0,
      fail_result: { shares: [{ errcode: 40001, errmsg: 'not found', userid: 'userid3' }] },
    })
    const got = (await post(GET, { cal_id_list: [r.json.cal_id] })).json.calendar_list[0]
    expect(got).toEqual({
      cal_id: r.json.cal_id,
      admins: ['admin1', 'admin2'],
      summary: 'test_summary',
      color: '',
      description: 'test_describe',
      shares: [
        { userid: 'userid2', permission: 1 },
        { userid: 'admin1', permission: 1 },
        { userid: 'admin2', permission: 1 },
      ],
      is_public: 1,
      public_range: { userids: ['abel', 'jack'], partyids: [1232, 34353] },
      is_corp_calendar: 1,
    })
    await post(DEL, { cal_id: r.json.cal_id })
  })

  test("wecom.calendar.add.shares.userid.known: a share outside the app's visible range is not kept either (60011 in fail_result)", async () => {
    const r = await post(ADD, calendar(8, { shares: [{ userid: 'hidden' }, { userid: 'lisi' }] }))
    expect(r.json.fail_result).toEqual({
      shares: [{ errcode: 60011, errmsg: 'no privilege to access/modify contact/party/agent', userid: 'hidden' }],
    })
    await post(DEL, { cal_id: r.json.cal_id })
  })

  test('wecom.calendar.update.doc-example: the doc example on the seeded calendar keeps its shares of real users and lists userid1 in fail_result', async () => {
    const r = await post('/cgi-bin/oa/calendar/update', {
      ...updateDoc,
      calendar: {
        ...updateDoc.calendar,
        shares: [...updateDoc.calendar.shares, { userid: 'admin1' }, { userid: 'admin2' }],
      },
    })
    expect(r.json).toMatchObject({ errcode: 0, fail_result: { shares: [{ errcode: 40001, userid: 'userid1' }] } })
    const got = (await post(GET, { cal_id_list: [updateDoc.calendar.cal_id] })).json.calendar_list[0]
    // The seeded calendar is not public: its public range is not kept.
    expect(got).toMatchObject({
      summary: 'test_summary',
      color: '#FF3030',
      public_range: { userids: [], partyids: [] },
    })
  })

  test('wecom.calendar.add.success: the control plane lists the calendar with its owner and whether it is the default', async () => {
    const r = await post(ADD, calendar(7, { set_as_default: 1 }))
    const listed = h.control.wecomCalendars({ agentid: 1000014 }).find((c) => c.cal_id === r.json.cal_id)
    expect(listed).toMatchObject({ corpid: 'wwdevcorp0000001', agentid: 1000014, deleted: false, seeded: false })
    expect(listed?.is_default).toBe(true)
    await post(DEL, { cal_id: r.json.cal_id })
    const seeded = h.control.wecomCalendars({ agentid: 1000014 }).find((c) => c.seeded)
    expect(seeded?.is_default).toBe(true)
    expect(h.control.wecomCalendars().find((c) => c.cal_id === r.json.cal_id)?.deleted).toBe(true)
  })
})

test('wecom.calendar.add.calendar.limit: the cap an app keeps is the documented 10,000 unless wecom.maxCalendars says otherwise', () => {
  expect(testCore().control.config().wecom.maxCalendars).toBe(10_000)
})

test('wecom.schedule.get_by_calendar.page: without limit a page holds 500 schedules', async () => {
  const h = testCore()
  const corp = h.control.defaults().wecom.corps[0]!
  const token = (
    await h.call({ path: '/cgi-bin/gettoken', query: { corpid: corp.corpid, corpsecret: corp.apps[0]!.corpsecret } })
  ).json.access_token
  const post = (path: string, body: unknown) => h.call({ method: 'POST', path, query: { access_token: token }, body })
  const cal_id = (await post(ADD, calendar(1))).json.cal_id
  for (let i = 0; i < 501; i++)
    await post('/cgi-bin/oa/schedule/add', {
      schedule: { cal_id, start_time: 1700000000 + i, end_time: 1700003600 + i },
    })
  const page = (await post('/cgi-bin/oa/schedule/get_by_calendar', { cal_id })).json.schedule_list
  expect(page).toHaveLength(500)
  expect(page[0].start_time).toBe(1700000000)
  const rest = (await post('/cgi-bin/oa/schedule/get_by_calendar', { cal_id, offset: 500 })).json.schedule_list
  expect(rest.map((s: { start_time: number }) => s.start_time)).toEqual([1700000500])
})

describe('the calendar store', () => {
  test('keeps at most 10,000 deleted calendars of an app: the oldest tombstone goes, and its id is then unknown', () => {
    const store = new CalendarStore(defaultSeed.wecom.corps, new Random(1))
    const base = {
      corpid: 'wwdevcorp0000001',
      agentid: 1000015,
      admins: [],
      summary: 's',
      color: '#FF3030',
      description: '',
      shares: [],
      isPublic: 0 as const,
      publicRange: { userids: [], partyids: [] },
      isCorpCalendar: 0 as const,
      createdAt: 0,
    }
    const first = store.add(base, false).calId
    store.remove(base.corpid, first)
    for (let i = 0; i < MAX_CALENDARS_PER_APP; i++) store.remove(base.corpid, store.add(base, false).calId)
    expect(store.get(base.corpid, first)).toBeUndefined()
    expect(store.list({ agentid: 1000015 }).filter((c) => c.deleted)).toHaveLength(MAX_CALENDARS_PER_APP)
    expect(store.defaultOf(base.corpid, 1000015)?.calId).toBe('wcSecondAppCalendar000000000AAA')
  })
})
