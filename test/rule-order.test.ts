/**
 * Rules checked item by item keep the item order when they run as data and hooks (src/core/rule-checks.ts):
 * the first list item that breaks any of them decides which rule answers, not the order of the rules in the
 * file. Each pair is one where an earlier item breaks the later rule of the file.
 */
import { describe, expect, test } from 'vitest'
import { testCore } from './support/core.ts'
import { reasonRule } from './support/harness.ts'

const NOW = 1_780_000_000
const schedule = { start_time: NOW + 3600, end_time: NOW + 7200 }
const overLong = 'x'.repeat(65)

function core() {
  const t = testCore()
  t.control.setClock({ now: NOW, frozen: true })
  return t
}

describe('oa/schedule/add attendees', () => {
  test('an unknown attendee before an over-long one answers 60111 attendees.userid.known', async () => {
    const r = await core().wecom('/cgi-bin/oa/schedule/add', {
      schedule: { ...schedule, attendees: [{ userid: 'nosuchuser' }, { userid: overLong }] },
    })
    expect([r.json.errcode, reasonRule(r)]).toEqual([60111, 'wecom.schedule.add.attendees.userid.known'])
  })

  test('an over-long attendee before an unknown one answers 40058 attendees.userid.length', async () => {
    const r = await core().wecom('/cgi-bin/oa/schedule/add', {
      schedule: { ...schedule, attendees: [{ userid: overLong }, { userid: 'nosuchuser' }] },
    })
    expect([r.json.errcode, reasonRule(r)]).toEqual([40058, 'wecom.schedule.add.attendees.userid.length'])
    expect(r.json.errmsg).toMatch(/^schedule\.attendees\.userid exceed max length 64\. Invalid input /)
  })
})

describe('oa/calendar/get calendar ids', () => {
  /** The test core and a calendar of its first app that oa/calendar/del has deleted. */
  async function withDeleted() {
    const t = core()
    const added = await t.wecom('/cgi-bin/oa/calendar/add', { calendar: { summary: 's', color: '#FF3030' } })
    const calId: string = added.json.cal_id
    expect((await t.wecom('/cgi-bin/oa/calendar/del', { cal_id: calId })).json.errcode).toBe(0)
    return { t, calId }
  }

  test('a deleted calendar before an unknown id answers 90459 cal_id.deleted', async () => {
    const { t, calId } = await withDeleted()
    const r = await t.wecom('/cgi-bin/oa/calendar/get', { cal_id_list: [calId, 'wcnosuchcalendar'] })
    expect([r.json.errcode, reasonRule(r)]).toEqual([90459, 'wecom.calendar.get.cal_id.deleted'])
  })

  test('an unknown id before a deleted calendar answers 90457 cal_id.known', async () => {
    const { t, calId } = await withDeleted()
    const r = await t.wecom('/cgi-bin/oa/calendar/get', { cal_id_list: ['wcnosuchcalendar', calId] })
    expect([r.json.errcode, reasonRule(r)]).toEqual([90457, 'wecom.calendar.get.cal_id.known'])
  })
})

describe('exmail/app/compose_send recipients', () => {
  const mail = (userids: string[]) => ({
    to: { userids },
    subject: 's',
    content: 'c',
    schedule: { ...schedule },
  })

  test('a recipient outside the visible range before an unknown one answers 60011 recipients.userid.visible', async () => {
    const r = await core().wecom('/cgi-bin/exmail/app/compose_send', mail(['hidden', 'nosuchuser']))
    expect([r.json.errcode, reasonRule(r)]).toEqual([60011, 'wecom.exmail.compose_send.recipients.userid.visible'])
  })

  test('an unknown recipient before one outside the visible range answers 60111 recipients.userid.known', async () => {
    const r = await core().wecom('/cgi-bin/exmail/app/compose_send', mail(['nosuchuser', 'hidden']))
    expect([r.json.errcode, reasonRule(r)]).toEqual([60111, 'wecom.exmail.compose_send.recipients.userid.known'])
  })
})

describe('Feishu mail send attachments', () => {
  const send = (attachments: unknown[]) => {
    const t = core()
    return t.call({
      method: 'POST',
      path: '/open-apis/mail/v1/user_mailboxes/me/messages/send',
      headers: { authorization: `Bearer ${t.userToken()}` },
      body: { subject: 's', to: [{ mail_address: 'jane@xxx.xx' }], body_plain_text: 'hi', attachments },
    })
  }

  test('an attachment that is not base64url before one without a filename answers 1236002', async () => {
    const r = await send([{ filename: 'a.txt', body: 'a+b/' }, { body: 'aGk' }])
    expect([r.json.code, reasonRule(r)]).toEqual([1236002, 'feishu.mail.send.attachments.body.base64url'])
  })

  test('an attachment without a filename before one that is not base64url answers 1234008', async () => {
    const r = await send([{ body: 'aGk' }, { filename: 'a.txt', body: 'a+b/' }])
    expect([r.json.code, reasonRule(r)]).toEqual([1234008, 'feishu.mail.send.attachments.filename.required'])
  })
})
