/**
 * meeting/get_user_meetingid: every case of contracts/cases/wecom.meeting.get_user_meetingid.json (one or more
 * per rule of its rules file) through every harness; and a host's list, which needs the seed's paid corp.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { checkedHarnesses } from './support/checked.ts'
import { casesOf, describeCases } from './support/contract-cases.ts'
import type { Harness } from './support/harness.ts'
import { wecomPost, wecomTokenFor } from './support/wecom-app.ts'

describeCases('meeting/get_user_meetingid contract cases', casesOf('wecom.meeting.get_user_meetingid.json'))

const LIST = '/cgi-bin/meeting/get_user_meetingid'

describe.each(checkedHarnesses)('meeting/get_user_meetingid through $name', (factory) => {
  afterEach(() => {
    expect(factory.problems.splice(0), 'answers that break their response schema').toEqual([])
  })
  let h: Harness
  let post: ReturnType<typeof wecomPost>
  beforeAll(async () => {
    h = await factory.make({ fakerSeed: 6 })
    post = wecomPost(h, await wecomTokenFor(h, 0))
  })
  afterAll(() => h.close())

  test('wecom.meeting.get_user_meetingid.own-app: a host of the meeting has it in the list too', async () => {
    const now = h.control.clock().now
    const booked = await post('/cgi-bin/meeting/create', {
      admin_userid: 'lisi',
      title: 'hosted',
      meeting_start: now + 86_400,
      meeting_duration: 3600,
      invitees: { userid: ['wangwu'] },
      settings: { hosts: { userid: ['wangwu'] } },
    })
    expect(booked.json.errcode).toBe(0)
    const r = await post(LIST, { userid: 'wangwu' })
    expect(r.json).toEqual({ errcode: 0, errmsg: 'ok', next_cursor: '', meetingid_list: [booked.json.meetingid] })
  })

  test('wecom.meeting.get_user_meetingid.page: 101 meetings come in a page of 100 and one of 1', async () => {
    const now = h.control.clock().now
    const ids: string[] = []
    for (let i = 0; i < 101; i++) {
      const r = await post('/cgi-bin/meeting/create', {
        admin_userid: 'zhangsan',
        title: `m${i}`,
        meeting_start: now + 86_400 + i * 600,
        meeting_duration: 300,
      })
      ids.push(r.json.meetingid)
    }
    const first = await post(LIST, { userid: 'zhangsan' })
    expect(first.json.meetingid_list).toEqual(ids.slice(0, 100))
    const rest = await post(LIST, { userid: 'zhangsan', cursor: first.json.next_cursor })
    expect(rest.json).toMatchObject({ meetingid_list: [ids[100]], next_cursor: '' })
  })
})
