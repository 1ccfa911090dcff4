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
