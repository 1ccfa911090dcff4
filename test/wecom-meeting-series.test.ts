/**
 * What get_info tells beyond the booking itself (meeting_type, main_department, votes, external users, the
 * hosts of the running meeting) and the sub-meetings of a recurring meeting: their ids, paging and
 * meeting/cancel of one occurrence. Every case of contracts/cases/wecom.meeting.get_info.json through every
 * harness, and the rules that take more than one answer to show.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { checkedHarnesses } from './support/checked.ts'
import { casesOf, describeCases } from './support/contract-cases.ts'
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
