/**
 * oa/schedule/add, get, del and update: every case of contracts/cases/wecom.schedule.{add,get,del,update}.json
 * (one or more per rule of contracts/rules/wecom.schedule.{add,get,del,update}.json) through every harness, checking
 * the exact errcode, HTTP status and the rule the reason names; and what the schedules read back as.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import docExample from '../fixtures/wecom/schedule/doc-example.json' with { type: 'json' }
import docExampleCorrected from '../fixtures/wecom/schedule/doc-example-corrected.json' with { type: 'json' }
import { checkedHarnesses } from './support/checked.ts'
import { casesOf, describeCases } from './support/contract-cases.ts'
import { expectRefusal, type Harness, harnesses } from './support/harness.ts'
import { wecomPost, wecomTokenFor } from './support/wecom-app.ts'

describeCases(
  'oa/schedule contract cases',
  casesOf(
    'wecom.schedule.add.json',
    'wecom.schedule.get.json',
    'wecom.schedule.del.json',
    'wecom.schedule.update.json',
  ),
)

const ADD = '/cgi-bin/oa/schedule/add'
const GET = '/cgi-bin/oa/schedule/get'
const DEL = '/cgi-bin/oa/schedule/del'
const base = { start_time: 1700000000, end_time: 1700003600, attendees: [{ userid: 'lisi' }] }

describe.each(checkedHarnesses)('oa/schedule through $name', (factory) => {
  afterEach(() => {
    expect(factory.problems.splice(0), 'answers that break their response schema').toEqual([])
  })
  let h: Harness
  let post: ReturnType<typeof wecomPost>
  let postOther: ReturnType<typeof wecomPost>
  beforeAll(async () => {
    h = await factory.make({ fakerSeed: 4 })
    post = wecomPost(h, await wecomTokenFor(h, 0))
    postOther = wecomPost(h, await wecomTokenFor(h, 1))
  })
  afterAll(() => h.close())

  const add = async (schedule: Record<string, unknown>) => {
    const r = await post(ADD, { schedule: { ...base, ...schedule } })
    expect(r.json.errcode).toBe(0)
    return r.json.schedule_id as string
  }
  const getOne = async (id: string) => {
    const r = await post(GET, { schedule_id_list: [id] })
    expect(r.json.errcode).toBe(0)
    return r.json.schedule_list[0]
  }

  test('wecom.schedule.add.success: returns a schedule_id of 29 hex digits and AAA that get reads back', async () => {
    const r = await post(ADD, { schedule: base })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ errcode: 0, errmsg: 'ok' })
    expect(r.json.schedule_id).toMatch(/^[0-9a-f]{29}AAA$/)
    expect((await getOne(r.json.schedule_id)).schedule_id).toBe(r.json.schedule_id)
  })

  test('wecom.schedule.add.doc-example: the doc example as written is refused with 90492 (admins are not attendees)', async () => {
    expectRefusal(await post(ADD, docExample), 'wecom.schedule.add.admins.among-attendees')
  })

  test('wecom.schedule.add.doc-example: with the admins among the attendees, its remind_time_diffs +3600 gets 90704', async () => {
    const body = structuredClone(docExample)
    body.schedule.attendees.push({ userid: 'admin1' }, { userid: 'admin2' })
    expectRefusal(await post(ADD, body), 'wecom.schedule.add.reminders.remind_time_diffs.values')
  })

  test('wecom.schedule.add.doc-example: corrected (admins attend, -3600) it succeeds and reads back as sent', async () => {
    const r = await post(ADD, docExampleCorrected)
    expect(r.json.errcode).toBe(0)
    const s = await getOne(r.json.schedule_id)
    expect(s).toMatchObject({
      admins: ['admin1', 'admin2'],
      attendees: [
        { userid: 'userid2', response_status: 0 },
        { userid: 'admin1', response_status: 0 },
        { userid: 'admin2', response_status: 0 },
      ],
      summary: '需求评审会议',
      location: '广州国际媒体港10楼1005会议室',
      cal_id: 'wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA',
      start_time: 1571274600,
      end_time: 1571320210,
      is_whole_day: 1,
      status: 0,
      reminders: {
        is_repeat: 1,
        repeat_type: 7,
        repeat_day_of_week: [3, 7],
        timezone: 8,
        remind_time_diffs: [0, -3600],
      },
    })
  })

  test('wecom.schedule.add.summary.default: an absent summary reads back as 新建事件', async () => {
    expect((await getOne(await add({}))).summary).toBe('新建事件')
  })

  test('wecom.schedule.add.summary.length: 128 characters (CJK) are accepted', async () => {
    expect((await getOne(await add({ summary: '会'.repeat(128) }))).summary).toHaveLength(128)
  })

  test('wecom.schedule.add.reminders.remind_time_diffs.precedence: a non-empty diff list makes remind_before_event_secs ignored', async () => {
    const id = await add({ reminders: { is_remind: 1, remind_before_event_secs: 600, remind_time_diffs: [-900] } })
    const s = await getOne(id)
    expect(s.reminders.remind_time_diffs).toEqual([-900])
    expect(s.reminders.remind_before_event_secs).toBe(900)
  })

  test('wecom.schedule.add.reminders.remind_time_diffs.whole-day: 32400, -172800 and -604800 are accepted on a whole-day schedule', async () => {
    const id = await add({ is_whole_day: 1, reminders: { is_remind: 1, remind_time_diffs: [32400, -172800, -604800] } })
    expect((await getOne(id)).reminders.remind_time_diffs).toEqual([32400, -172800, -604800])
  })

  test('wecom.schedule.add.reminders.timezone.range: -12 and +12 are accepted', async () => {
    await add({ reminders: { timezone: -12 } })
    await add({ reminders: { timezone: 12 } })
  })

  test('wecom.schedule.add.reminders.repeat_until.forever: absent repeat_until reads back as 0 and timezone defaults to 8', async () => {
    const s = await getOne(await add({ reminders: { is_repeat: 1, repeat_type: 0 } }))
    expect(s.reminders).toMatchObject({ repeat_until: 0, timezone: 8, is_repeat: 1 })
  })

  test('wecom.schedule.add.reminders.repeat_interval.range: a custom interval that still repeats by 2106 is kept; one that cannot answers 40058', async () => {
    // From 2023-11-15: every 80 years repeats in 2103; every 83 years would be 2106-11, past uint32 time.
    const repeat = { is_repeat: 1, is_custom_repeat: 1, repeat_type: 5 }
    const s = await getOne(await add({ reminders: { ...repeat, repeat_interval: 80 } }))
    expect(s.reminders).toMatchObject({ repeat_type: 5, repeat_interval: 80 })
    const r = await post(ADD, { schedule: { ...base, reminders: { ...repeat, repeat_interval: 83 } } })
    expectRefusal(r, 'wecom.schedule.add.reminders.repeat_interval.range')
    expect(r.json.errmsg).toMatch(/^schedule\.reminders\.repeat_interval out of range\. Invalid input /)
  })

  test('wecom.schedule.add.cal_id.default: without cal_id the schedule lands on the app default calendar', async () => {
    expect((await getOne(await add({}))).cal_id).toBe('wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA')
  })

  test('wecom.schedule.add.time.order: equal start and end are accepted', async () => {
    await add({ start_time: 1700000000, end_time: 1700000000 })
  })

  test('wecom.schedule.get.shape: schedule_list carries every documented field', async () => {
    const s = await getOne(await add({ admins: ['lisi'], summary: 's', description: 'd', location: 'l' }))
    expect(Object.keys(s).sort()).toEqual(
      [
        'admins',
        'attendees',
        'cal_id',
        'description',
        'end_time',
        'is_whole_day',
        'location',
        'reminders',
        'schedule_id',
        'start_time',
        'status',
        'summary',
      ].sort(),
    )
    expect(Object.keys(s.reminders)).toContain('exclude_time_list')
  })

  test('wecom.schedule.get.schedule_id_list.required: an absent list answers 90462', async () => {
    expectRefusal(await post(GET, {}), 'wecom.schedule.get.schedule_id_list.required')
  })

  test('wecom.schedule.get.schedule_id.own-app: another app of the corp cannot read the schedule (90466)', async () => {
    const id = await add({})
    expectRefusal(await postOther(GET, { schedule_id_list: [id] }), 'wecom.schedule.get.schedule_id.own-app')
  })

  test('wecom.schedule.del.schedule_id.own-app: another app of the corp cannot cancel the schedule (90466)', async () => {
    const id = await add({})
    expectRefusal(await postOther(DEL, { schedule_id: id }), 'wecom.schedule.del.schedule_id.own-app')
  })

  test('wecom.schedule.del.success: del cancels the schedule', async () => {
    const id = await add({})
    const r = await post(DEL, { schedule_id: id })
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ errcode: 0, errmsg: 'ok' })
  })

  test('wecom.schedule.get.cancelled: a cancelled schedule is still returned, with status 1', async () => {
    const id = await add({})
    expect((await getOne(id)).status).toBe(0)
    await post(DEL, { schedule_id: id })
    expect((await getOne(id)).status).toBe(1)
  })

  test('wecom.schedule.del.deleted: a second del answers 90460', async () => {
    const id = await add({})
    await post(DEL, { schedule_id: id })
    expectRefusal(await post(DEL, { schedule_id: id }), 'wecom.schedule.del.deleted')
  })

  test('wecom.schedule.del.op_mode.values: op_mode 3 answers 90485', async () => {
    const id = await add({})
    expectRefusal(await post(DEL, { schedule_id: id, op_mode: 3 }), 'wecom.schedule.del.op_mode.values')
  })

  test('wecom.schedule.del.op_start_time: op_mode 1 on a recurring schedule needs op_start_time (90482), then excludes it', async () => {
    const id = await add({ reminders: { is_repeat: 1, repeat_type: 0 } })
    expectRefusal(await post(DEL, { schedule_id: id, op_mode: 1 }), 'wecom.schedule.del.op_start_time')
    expect((await post(DEL, { schedule_id: id, op_mode: 1, op_start_time: 1700086400 })).json.errcode).toBe(0)
    const s = await getOne(id)
    expect(s.status).toBe(0)
    expect(s.reminders.exclude_time_list).toEqual([{ start_time: 1700086400 }])
  })
})

test('schedule ids evict oldest first past wecom.maxSchedules, and an evicted id answers 90461', async () => {
  const h = await harnesses[0]!.make({ config: { wecom: { maxSchedules: 2 } } })
  const post = wecomPost(h, await wecomTokenFor(h))
  const ids: string[] = []
  for (let i = 0; i < 3; i++) ids.push((await post(ADD, { schedule: base })).json.schedule_id)
  expectRefusal(await post(GET, { schedule_id_list: [ids[0]] }), 'wecom.schedule.get.schedule_id.known')
  expect((await post(GET, { schedule_id_list: ids.slice(1) })).json.schedule_list).toHaveLength(2)
})
