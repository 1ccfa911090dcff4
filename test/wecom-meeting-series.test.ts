/**
 * What get_info tells beyond the booking itself (meeting_type, main_department, votes, external users, the
 * hosts of the running meeting) and the sub-meetings of a recurring meeting: their ids, paging and
 * meeting/cancel of one occurrence. Every case of contracts/cases/wecom.meeting.get_info.json through every
 * harness, and the rules that take more than one answer to show.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { checkedHarnesses } from './support/checked.ts'
import { casesOf, describeCases } from './support/contract-cases.ts'
import { expectRefusal } from './support/harness.ts'
import { type MeetingHarness, meetingHarness } from './support/wecom-meeting.ts'

const CREATE = '/cgi-bin/meeting/create'
const GET_INFO = '/cgi-bin/meeting/get_info'
const START = 1_600_000_000
const BASE = { admin_userid: 'zhangsan', title: '周会', meeting_start: START, meeting_duration: 3600 }

describeCases('get_info contract cases', casesOf('wecom.meeting.get_info.json'))

async function book(h: MeetingHarness, body: object): Promise<string> {
  const r = await h.post(CREATE, body)
  expect(r.json).toMatchObject({ errcode: 0, errmsg: 'ok' })
  return r.json.meetingid
}

const info = async (h: MeetingHarness, body: object) => (await h.post(GET_INFO, body)).json

describe.each(checkedHarnesses)('get_info fields through $name', (factory) => {
  afterEach(() => {
    expect(factory.problems.splice(0), 'answers that break their response schema').toEqual([])
  })

  test('wecom.meeting.get_info.meeting_type.series: a one-off meeting reads 0, a recurring one 1', async () => {
    const h = await meetingHarness(factory)
    const once = await book(h, BASE)
    const weekly = await book(h, { ...BASE, title: 'weekly', reminders: { is_repeat: 1, repeat_type: 1 } })
    expect((await info(h, { meetingid: once })).meeting_type).toBe(0)
    expect((await info(h, { meetingid: weekly })).meeting_type).toBe(1)
    await h.close()
  })

  test("wecom.meeting.get_info.main_department.admin: the admin's first department", async () => {
    const h = await meetingHarness(factory)
    const a = await book(h, BASE)
    const b = await book(h, { ...BASE, admin_userid: 'wangwu' })
    expect((await info(h, { meetingid: a })).main_department).toBe(1)
    expect((await info(h, { meetingid: b })).main_department).toBe(2)
    await h.close()
  })

  test('wecom.meeting.get_info.has_vote.none / .attendees.tmp_external_user.none / .settings.enable_doc_upload_permission.default / .settings.current_hosts.none: no votes, no external users, uploads allowed, nobody holds a host role yet', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, { ...BASE, invitees: { userid: ['lisi'] } })
    const got = await info(h, { meetingid: id })
    expect(got.has_vote).toBe(false)
    expect(got.attendees.tmp_external_user).toEqual([])
    expect(got.settings).toMatchObject({
      enable_doc_upload_permission: true,
      current_hosts: { userid: [] },
      co_hosts: { userid: [] },
    })
    await h.close()
  })
})

const CANCEL = '/cgi-bin/meeting/cancel'
const DAY = 86_400
/** A daily series of `count` meetings (the cap, 200, without one). */
const daily = (count?: number) => ({
  ...BASE,
  title: 'daily',
  reminders: count
    ? { is_repeat: 1, repeat_type: 0, repeat_until_type: 1, repeat_until_count: count }
    : { is_repeat: 1 },
})
const ids = (got: { sub_meetings: { sub_meetingid: string }[] }) => got.sub_meetings.map((s) => s.sub_meetingid)
/** The ids the emulator gives occurrences first..first+n-1 of a daily series from START. */
const dailyIds = (first: number, n: number) => Array.from({ length: n }, (_, i) => String(START + (first + i) * DAY))

describe.each(checkedHarnesses)('sub-meetings through $name', (factory) => {
  afterEach(() => {
    expect(factory.problems.splice(0), 'answers that break their response schema').toEqual([])
  })

  test('wecom.meeting.get_info.sub_meetings.ids: each occurrence is one sub-meeting named by its start, the same on every read', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, daily(3))
    const got = await info(h, { meetingid: id })
    expect(got.sub_meetings).toEqual(
      [0, 1, 2].map((n) => ({
        sub_meetingid: String(START + n * DAY),
        status: 0,
        start_time: START + n * DAY,
        end_time: START + n * DAY + 3600,
        title: 'daily',
        repeat_id: String(START),
      })),
    )
    expect(await info(h, { meetingid: id })).toEqual(got)
    await h.close()
  })

  test('wecom.meeting.get_info.sub_meetings.page: 20 a page from the current occurrence, the next page from a named one, has_more_sub_meeting until the last', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, daily())
    const first = await info(h, { meetingid: id })
    expect(ids(first)).toEqual(dailyIds(0, 20))
    expect(first).toMatchObject({
      has_more_sub_meeting: 1,
      remain_sub_meetings: 200,
      current_sub_meetingid: String(START),
    })
    const second = await info(h, { meetingid: id, sub_meetingid: first.sub_meetings[19].sub_meetingid })
    expect(ids(second)).toEqual(dailyIds(19, 20))
    // The current one does not move with the page.
    expect(second.current_sub_meetingid).toBe(String(START))
    const last = await info(h, { meetingid: id, sub_meetingid: String(START + 180 * DAY) })
    expect(ids(last)).toEqual(dailyIds(180, 20))
    expect(last.has_more_sub_meeting).toBe(0)
    const tail = await info(h, { meetingid: id, sub_meetingid: String(START + 199 * DAY) })
    expect([ids(tail), tail.has_more_sub_meeting]).toEqual([dailyIds(199, 1), 0])
    expect(await info(h, { meetingid: id, sub_meetingid: '' })).toEqual(first)
    await h.close()
  })

  test('wecom.meeting.get_info.sub_meetingid.known: an id that is no occurrence of the series answers 730003', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, daily(3))
    const once = await book(h, { ...BASE, title: 'once' })
    for (const [meetingid, sub] of [
      [id, String(START + 3 * DAY)],
      [id, String(START + 1)],
      [id, String(START - DAY)],
      [id, 'abc'],
      [id, `0${START}`],
      [once, String(START)],
    ] as const) {
      expectRefusal(
        await h.post(GET_INFO, { meetingid, sub_meetingid: sub }),
        'wecom.meeting.get_info.sub_meetingid.known',
      )
    }
    await h.close()
  })

  test('wecom.meeting.get_info.current_sub_meetingid.next: the occurrence in progress or next by the clock, and the ones left from it', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, daily(5))
    h.control.setClock({ now: START + DAY + 60 })
    expect(await info(h, { meetingid: id })).toMatchObject({
      status: 2,
      current_sub_meetingid: String(START + DAY),
      remain_sub_meetings: 4,
    })
    expect(ids(await info(h, { meetingid: id }))).toEqual(dailyIds(1, 4))
    h.control.setClock({ now: START + DAY + 3600 })
    expect(await info(h, { meetingid: id })).toMatchObject({
      status: 1,
      current_sub_meetingid: String(START + 2 * DAY),
      remain_sub_meetings: 3,
    })
    h.control.setClock({ now: START + 4 * DAY + 3600 })
    const ended = await info(h, { meetingid: id })
    expect(ended).toMatchObject({ status: 3, current_sub_meetingid: '', remain_sub_meetings: 0 })
    // Nothing is left, so the list is the series from its first.
    expect(ids(ended)).toEqual(dailyIds(0, 5))
    await h.close()
  })

  test('wecom.meeting.get_info.current_sub_meetingid.next: with wecom.meetingStatusFromClock false no occurrence begins, so the first stays current and can still be cancelled', async () => {
    const h = await meetingHarness(factory, { config: { wecom: { meetingStatusFromClock: false } } })
    const id = await book(h, daily(3))
    h.control.setClock({ now: START + DAY + 60 })
    expect(await info(h, { meetingid: id })).toMatchObject({
      status: 1,
      current_sub_meetingid: String(START),
      remain_sub_meetings: 3,
    })
    expect((await h.post(CANCEL, { meetingid: id, sub_meetingid: String(START) })).json.errcode).toBe(0)
    expect((await info(h, { meetingid: id })).current_sub_meetingid).toBe(String(START + DAY))
    await h.close()
  })

  test('wecom.meeting.cancel.sub_meetingid.one: cancels that occurrence only; the series stays booked, the sub-meeting reads status 1 and is no longer counted', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, daily(5))
    const r = await h.post(CANCEL, { meetingid: id, sub_meetingid: String(START + 2 * DAY) })
    expect(r.json).toEqual({ errcode: 0, errmsg: 'ok' })
    const got = await info(h, { meetingid: id })
    expect(got.status).toBe(1)
    expect(got.sub_meetings.map((s: { status: number }) => s.status)).toEqual([0, 0, 1, 0, 0])
    expect(got).toMatchObject({ remain_sub_meetings: 4, current_sub_meetingid: String(START) })
    // The first cancelled too: the current one moves past it.
    expect((await h.post(CANCEL, { meetingid: id, sub_meetingid: String(START) })).json.errcode).toBe(0)
    expect(await info(h, { meetingid: id })).toMatchObject({
      remain_sub_meetings: 3,
      current_sub_meetingid: String(START + DAY),
    })
    // During a cancelled occurrence nobody meets: the series is between meetings.
    h.control.setClock({ now: START + 2 * DAY + 60, frozen: true })
    expect(await info(h, { meetingid: id })).toMatchObject({
      status: 1,
      current_sub_meetingid: String(START + 3 * DAY),
      remain_sub_meetings: 2,
    })
    expect((await h.post('/cgi-bin/meeting/update', { meetingid: id, title: 'still booked' })).json.errcode).toBe(0)
    // Without sub_meetingid the whole series goes.
    expect((await h.post(CANCEL, { meetingid: id })).json.errcode).toBe(0)
    const all = await info(h, { meetingid: id })
    expect(all).toMatchObject({ status: 4, current_sub_meetingid: '', remain_sub_meetings: 0 })
    expect(all.sub_meetings.every((s: { status: number }) => s.status === 1)).toBe(true)
    expectRefusal(
      await h.post(CANCEL, { meetingid: id, sub_meetingid: String(START + 3 * DAY) }),
      'wecom.meeting.cancel.status.cancelled',
    )
    await h.close()
  })

  test('wecom.meeting.cancel.sub_meetingid.known: an id that is no occurrence (or any, for a one-off meeting; the empty string too) answers 730003 and cancels nothing', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, daily(3))
    const once = await book(h, { ...BASE, title: 'once' })
    for (const [meetingid, sub] of [
      [id, String(START + 3 * DAY)],
      [id, String(START + 60)],
      [id, ''],
      [id, 'sub1'],
      [once, String(START)],
    ] as const) {
      expectRefusal(await h.post(CANCEL, { meetingid, sub_meetingid: sub }), 'wecom.meeting.cancel.sub_meetingid.known')
    }
    expect((await info(h, { meetingid: id })).sub_meetings.map((s: { status: number }) => s.status)).toEqual([0, 0, 0])
    expect((await info(h, { meetingid: once })).status).toBe(1)
    await h.close()
  })

  test('wecom.meeting.cancel.sub_meetingid.cancelled: an occurrence cancelled already answers 400041', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, daily(3))
    const body = { meetingid: id, sub_meetingid: String(START + DAY) }
    expect((await h.post(CANCEL, body)).json.errcode).toBe(0)
    expectRefusal(await h.post(CANCEL, body), 'wecom.meeting.cancel.sub_meetingid.cancelled')
    await h.close()
  })

  test('wecom.meeting.cancel.sub_meetingid.scheduled: an occurrence that has begun answers 400224, while a later one of the running series can be cancelled', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, daily(3))
    h.control.setClock({ now: START + 60 })
    expectRefusal(
      await h.post(CANCEL, { meetingid: id, sub_meetingid: String(START) }),
      'wecom.meeting.cancel.sub_meetingid.scheduled',
    )
    expectRefusal(await h.post(CANCEL, { meetingid: id }), 'wecom.meeting.cancel.status.scheduled')
    expect((await h.post(CANCEL, { meetingid: id, sub_meetingid: String(START + DAY) })).json.errcode).toBe(0)
    h.control.setClock({ now: START + 2 * DAY + 3600 })
    expectRefusal(
      await h.post(CANCEL, { meetingid: id, sub_meetingid: String(START + 2 * DAY) }),
      'wecom.meeting.cancel.sub_meetingid.scheduled',
    )
    await h.close()
  })

  test('wecom.meeting.get_info.sub_meetings.ids: a new start gives new ids and drops the cancelled occurrences it no longer meets on; a new title keeps them', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, daily(3))
    await h.post(CANCEL, { meetingid: id, sub_meetingid: String(START + DAY) })
    await h.post('/cgi-bin/meeting/update', { meetingid: id, title: 'renamed' })
    expect((await info(h, { meetingid: id })).sub_meetings.map((s: { status: number }) => s.status)).toEqual([0, 1, 0])
    // One day later: the old second occurrence is the new first, still cancelled; the rest are new.
    const r = await h.post('/cgi-bin/meeting/update', {
      meetingid: id,
      meeting_start: START + DAY,
      meeting_duration: 3600,
    })
    expect(r.json.errcode).toBe(0)
    const moved = await info(h, { meetingid: id })
    expect(ids(moved)).toEqual(dailyIds(1, 3))
    expect(moved.sub_meetings.map((s: { status: number }) => s.status)).toEqual([1, 0, 0])
    // Half an hour later: no occurrence is the cancelled one any more.
    await h.post('/cgi-bin/meeting/update', {
      meetingid: id,
      meeting_start: START + DAY + 1800,
      meeting_duration: 3600,
    })
    const shifted = await info(h, { meetingid: id })
    expect(shifted.sub_meetings.map((s: { status: number }) => s.status)).toEqual([0, 0, 0])
    expect(h.control.meetings()[0]!.cancelled_sub_meetings).toEqual([])
    await h.close()
  })

  test('wecom.meeting.get_info.sub_repeat_list.segment: one segment with the series repeat, its count and its end', async () => {
    const h = await meetingHarness(factory)
    // 2020-09-13 is a Sunday (UTC+8): Monday and Wednesday are added to it.
    const id = await book(h, {
      ...BASE,
      reminders: {
        is_repeat: 1,
        repeat_type: 1,
        is_custom_repeat: 1,
        repeat_interval: 1,
        repeat_day_of_week: [1, 3],
        repeat_until_type: 1,
        repeat_until_count: 7,
      },
    })
    const got = await info(h, { meetingid: id })
    expect(got.sub_repeat_list).toEqual([
      {
        repeat_id: String(START),
        repeat_type: 1,
        is_custom_repeat: 1,
        repeat_interval: 1,
        repeat_day_of_week: [1, 3, 7],
        repeat_until_type: 1,
        repeat_until_count: 7,
        repeat_until: START + 14 * DAY,
      },
    ])
    // Sun, then Mon, Wed, Sun of each week.
    expect(ids(got)).toEqual([0, 1, 3, 7, 8, 10, 14].map((d) => String(START + d * DAY)))
    await h.close()
  })

  test('wecom.meeting.get_info.sub_meetings.one-off: a one-off meeting has no sub-meeting fields', async () => {
    const h = await meetingHarness(factory)
    const got = await info(h, { meetingid: await book(h, BASE) })
    for (const k of [
      'sub_meetings',
      'has_more_sub_meeting',
      'remain_sub_meetings',
      'current_sub_meetingid',
      'sub_repeat_list',
    ])
      expect(got).not.toHaveProperty(k)
    await h.close()
  })

  test('a far series is computed, not walked: the last page of a 200-meeting monthly series on the 31st answers at once', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, {
      ...BASE,
      meeting_start: 1_601_481_600, // 2020-10-01 00:00 UTC+8
      reminders: {
        is_repeat: 1,
        repeat_type: 2,
        is_custom_repeat: 1,
        repeat_interval: 7,
        repeat_day_of_month: [29, 30, 31],
      },
    })
    const got = await info(h, { meetingid: id })
    // Monthly series stop at 50 meetings.
    expect(got.sub_repeat_list[0].repeat_until_count).toBe(50)
    const lastId = got.sub_repeat_list[0].repeat_until
    const t0 = performance.now()
    const tail = await info(h, { meetingid: id, sub_meetingid: String(lastId) })
    expect(performance.now() - t0).toBeLessThan(1000)
    expect([ids(tail), tail.has_more_sub_meeting]).toEqual([[String(lastId)], 0])
    await h.close()
  })
})

test('wecom.meeting.cancel.sub_meetingid.one: one occurrence of a mail-booked meeting is taken out of its schedule too', async () => {
  const { testCore } = await import('./support/core.ts')
  const t = testCore()
  t.control.setClock({ now: START - DAY, frozen: true })
  const mail = {
    to: { userids: ['lisi'] },
    subject: '周会',
    content: '正文',
    schedule: {
      start_time: START,
      end_time: START + 3600,
      reminders: { is_repeat: 1, repeat_type: 0, repeat_until: START + 4 * DAY },
    },
    meeting: { meeting_admins: { userids: ['lisi'] } },
  }
  expect((await t.wecom('/cgi-bin/exmail/app/compose_send', mail)).json.errcode).toBe(0)
  const s = t.control.wecomMailSchedules()[0]!
  const r = await t.wecom(CANCEL, { meetingid: s.meetingid, sub_meetingid: String(START + DAY) })
  expect(r.json.errcode).toBe(0)
  const get = async () =>
    (await t.wecom('/cgi-bin/oa/schedule/get', { schedule_id_list: [s.schedule_id] })).json.schedule_list[0]
  expect((await get()).reminders.exclude_time_list).toEqual([{ start_time: START + DAY }])
  expect((await get()).status).toBe(0)
  // A change mail resets the schedule's reminders; the meeting still cancels that occurrence, so it stays out.
  await t.wecom('/cgi-bin/exmail/app/compose_send', {
    ...mail,
    subject: '周会 2',
    schedule: { ...mail.schedule, schedule_id: s.schedule_id },
  })
  expect(await get()).toMatchObject({
    summary: '周会 2',
    reminders: { exclude_time_list: [{ start_time: START + DAY }] },
  })
})
