/**
 * meeting/create, meeting/update, get_info and cancel: every case of contracts/cases/wecom.meeting.{create,
 * update,companions}.json (one or more per rule of contracts/rules/wecom.meeting.*.json) through every
 * harness; and the rules a case cannot reach or that need more than one answer to show.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { checkedHarnesses } from './support/checked.ts'
import { casesOf, describeCases } from './support/contract-cases.ts'
import { expectRefusal } from './support/harness.ts'
import { meetingHarness } from './support/wecom-meeting.ts'

const CREATE = '/cgi-bin/meeting/create'
const UPDATE = '/cgi-bin/meeting/update'
const BASE = {
  admin_userid: 'zhangsan',
  title: '周会',
  meeting_start: 1_600_000_000,
  meeting_duration: 3600,
  invitees: { userid: ['lisi', 'wangwu'] },
}

describeCases(
  'meeting contract cases',
  casesOf('wecom.meeting.create.json', 'wecom.meeting.update.json', 'wecom.meeting.companions.json'),
)

describe.each(checkedHarnesses)('meeting rules through $name', (factory) => {
  afterEach(() => {
    expect(factory.problems.splice(0), 'answers that break their response schema').toEqual([])
  })
  test('wecom.meeting.update.meeting_start.passed: with wecom.meetingStatusFromClock false a passed start answers 400034', async () => {
    // A start-up setting, so no contract case can switch it on: nobody joins, the meeting stays scheduled.
    const h = await meetingHarness(factory, { config: { wecom: { meetingStatusFromClock: false } } })
    const booked = await h.post(CREATE, { ...BASE, skip_duplicate_check: true })
    expect(booked.json.errcode).toBe(0)
    h.control.setClock({ now: BASE.meeting_start + 60 })
    const r = await h.post(UPDATE, { meetingid: booked.json.meetingid, title: 'late' })
    expectRefusal(r, 'wecom.meeting.update.meeting_start.passed')
    expect(r.json.errmsg).toMatch(/, hint: \[\d+\], from ip: /)
    await h.close()
  })

  test('wecom.meeting.create.invitees.limit: an ordinary corp books at most 100 invitees, a paid one 300', async () => {
    const h = await meetingHarness(factory)
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`)
    // 100 unknown ids pass the headcount and fail visibility; 101 fail the headcount first.
    expectRefusal(
      await h.post(CREATE, { ...BASE, invitees: { userid: ids(100) } }, [0, 1]),
      'wecom.meeting.create.invitees.visible',
    )
    expectRefusal(
      await h.post(CREATE, { ...BASE, invitees: { userid: ids(101) } }, [0, 1]),
      'wecom.meeting.create.invitees.limit',
    )
    expectRefusal(
      await h.post(CREATE, { ...BASE, invitees: { userid: ids(300) } }),
      'wecom.meeting.create.invitees.visible',
    )
    await h.close()
  })

  test('wecom.meeting.create.body.types: the errmsg names the field before the catalogue text', async () => {
    const h = await meetingHarness(factory)
    const r = await h.post(CREATE, { ...BASE, description: 5 })
    expectRefusal(r, 'wecom.meeting.create.body.types')
    expect(r.json.errmsg).toMatch(
      /^invalid type of description: must be string\. Invalid input invalid Request Parameter/,
    )
    await h.close()
  })
})
