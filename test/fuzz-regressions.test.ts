/**
 * What the 200,000-case fuzz campaign found once every answer was checked against its response schema: a
 * stored value that get_info or schedule/get could not answer in the documented shape. Each is refused at the
 * door now (40058, the body-types answer), so nothing undocumented is ever stored.
 */
import { expect, test } from 'vitest'
import { checkResponse } from '../contracts/response-check.ts'
import { testCore } from './support/core.ts'

const t = testCore({ fakerSeed: 1 })
const now = t.control.clock().now
const book = (reminders: Record<string, unknown>) =>
  t.wecom('/cgi-bin/meeting/create', {
    admin_userid: 'zhangsan',
    title: 'fuzz',
    meeting_start: now + 7200,
    meeting_duration: 3600,
    reminders: { is_repeat: 1, ...reminders },
    skip_duplicate_check: true,
  })

test('meeting/create refuses a repeat_until_count of 0 or a negative repeat_until with 40058, and stores nothing', async () => {
  for (const bad of [
    { repeat_until_type: 1, repeat_until_count: 0 },
    { repeat_until: -5 },
    { repeat_until: 2 ** 32 },
  ]) {
    expect((await book(bad)).json.errcode, JSON.stringify(bad)).toBe(40058)
  }
  expect(t.control.meetings()).toEqual([])
})

test('a meeting booked with a count reads back through get_info in its response schema', async () => {
  const c = await book({ repeat_until_type: 1, repeat_until_count: 3 })
  expect(c.json.errcode).toBe(0)
  const info = await t.wecom('/cgi-bin/meeting/get_info', { meetingid: c.json.meetingid })
  expect(checkResponse('wecom.meeting.get_info', info.status, info.text)).toEqual([])
})

test('compose_send refuses a remind_before_event_mins whose seconds no integer holds (1e300) with 40058', async () => {
  const m = await t.wecom('/cgi-bin/exmail/app/compose_send', {
    to: { userids: ['lisi'] },
    subject: 's',
    content: 'c',
    schedule: {
      start_time: now + 7200,
      end_time: now + 9000,
      reminders: { is_remind: 1, remind_before_event_mins: 1e300 },
    },
    meeting: { meeting_admins: { userids: ['lisi'] } },
  })
  expect(m.json.errcode).toBe(40058)
  expect(t.control.wecomMailSchedules()).toEqual([])
})

/**
 * JSON text with a number no double holds: JSON.parse reads 1e400 as Infinity, and JSON.stringify writes
 * Infinity back as null, so a stored one reads back as `"repeat_interval": null` (what the fuzzer's seed
 * 20261202 found through oa/schedule/get).
 */
const BEYOND = '"__beyond__"'
const withBeyond = (body: unknown) => JSON.stringify(body).replace(BEYOND, '1e400')

const mail = (reminders: Record<string, unknown>) => ({
  to: { userids: ['lisi'] },
  subject: 's',
  content: 'c',
  schedule: { start_time: now + 7200, end_time: now + 9000, reminders },
  meeting: { meeting_admins: { userids: ['lisi'] } },
})

test('compose_send refuses a repeat_interval or repeat_until of 1e400 (no double holds it) with 40058, and stores nothing', async () => {
  t.control.reset()
  for (const reminders of [
    { is_repeat: 1, repeat_type: 1, repeat_interval: '__beyond__' },
    { is_repeat: 1, is_custom_repeat: 1, repeat_type: 2, repeat_interval: '__beyond__' },
    { is_repeat: 1, repeat_type: 0, repeat_until: '__beyond__' },
  ]) {
    const m = await t.wecom('/cgi-bin/exmail/app/compose_send', withBeyond(mail(reminders)))
    expect(m.json.errcode, JSON.stringify(reminders)).toBe(40058)
  }
  expect(t.control.wecomMailSchedules()).toEqual([])
})

test('meeting/create, meeting/update, oa/schedule/add and oa/schedule/update refuse 1e400 in an integer field with 40058', async () => {
  t.control.reset()
  const meeting = await book({ repeat_type: 0 })
  expect(meeting.json.errcode).toBe(0)
  const schedule = { start_time: now + 7200, end_time: now + 9000, attendees: [{ userid: 'lisi' }] }
  const added = await t.wecom('/cgi-bin/oa/schedule/add', { schedule })
  expect(added.json.errcode).toBe(0)
  const create = { admin_userid: 'zhangsan', title: 'fuzz', meeting_start: now + 7200, meeting_duration: 3600 }
  const repeating = (field: string, value: unknown = '__beyond__') => ({ is_repeat: 1, repeat_type: 0, [field]: value })
  const cases: [string, unknown][] = [
    ['/cgi-bin/meeting/create', { ...create, agentid: '__beyond__' }],
    ...['remind_before', 'repeat_day_of_week', 'repeat_day_of_month'].map((f): [string, unknown] => [
      '/cgi-bin/meeting/create',
      { ...create, reminders: repeating(f, ['__beyond__']) },
    ]),
    ...['repeat_interval', 'repeat_until_count'].map((f): [string, unknown] => [
      '/cgi-bin/meeting/update',
      { meetingid: meeting.json.meetingid, reminders: repeating(f) },
    ]),
    ...['repeat_interval', 'repeat_until'].flatMap((f): [string, unknown][] => [
      ['/cgi-bin/oa/schedule/add', { schedule: { ...schedule, reminders: repeating(f) } }],
      [
        '/cgi-bin/oa/schedule/update',
        { schedule: { ...schedule, schedule_id: added.json.schedule_id, reminders: repeating(f) } },
      ],
    ]),
  ]
  for (const [path, body] of cases) {
    const r = await t.wecom(path, withBeyond(body))
    expect(r.json.errcode, `${path} ${withBeyond(body)}`).toBe(40058)
  }
  expect(t.control.meetings()).toHaveLength(1)
  expect(t.control.wecomSchedules()).toHaveLength(1)
})
