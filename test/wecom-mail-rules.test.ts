/**
 * exmail/app/compose_send, the meeting mail: every case of contracts/cases/wecom.exmail.compose_send.json
 * (one or more per rule of contracts/rules/wecom.exmail.compose_send.json) through every harness, checking
 * the exact errcode, HTTP status and the rule the reason names; and the schedule and meeting a mail books,
 * changes and cancels, read back through oa/schedule/get and the control plane.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import docExample from '../fixtures/wecom/mail/doc-example.json' with { type: 'json' }
import { isMailAddress } from '../src/core/mail-address.ts'
import type { RuleId } from '../src/core/rules.ts'
import { checkedHarnesses } from './support/checked.ts'
import { casesOf, describeCases } from './support/contract-cases.ts'
import { send as feishuSend } from './support/feishu-mail.ts'
import { expectRefusal, type Harness } from './support/harness.ts'
import { wecomPost, wecomTokenFor } from './support/wecom-app.ts'

describeCases('compose_send contract cases', casesOf('wecom.exmail.compose_send.json'))

const SEND = '/cgi-bin/exmail/app/compose_send'
const GET = '/cgi-bin/oa/schedule/get'
const NOW = 1_800_000_000
const START = 1_900_000_000
const mail = (over: Record<string, unknown> = {}) => ({
  to: { userids: ['lisi'], emails: ['guest@example.com'] },
  subject: '评审',
  content: '正文',
  schedule: { start_time: START, end_time: START + 3600 },
  meeting: { meeting_admins: { userids: ['lisi'] } },
  ...over,
})

describe.each(checkedHarnesses)('exmail/app/compose_send through $name', (factory) => {
  afterEach(() => {
    expect(factory.problems.splice(0), 'answers that break their response schema').toEqual([])
  })
  let h: Harness
  let post: ReturnType<typeof wecomPost>
  let postOther: ReturnType<typeof wecomPost>
  beforeAll(async () => {
    h = await factory.make({ fakerSeed: 4 })
    h.control.setClock({ now: NOW, frozen: true })
    post = wecomPost(h, await wecomTokenFor(h, 0))
    postOther = wecomPost(h, await wecomTokenFor(h, 1))
  })
  afterAll(() => h.close())

  /** Sends a mail that must succeed, and returns the schedule it created or changed (the sending app's latest). */
  const send = async (body: unknown, p = post, agentid = 1000014) => {
    const r = await p(SEND, body)
    expect(r.json).toEqual({ errcode: 0, errmsg: 'ok' })
    return h.control.wecomMailSchedules({ agentid }).at(-1)!
  }
  /** The mail is refused by rule `id`: its code and the rule named in the reason. */
  const expectRule = async (body: unknown, id: RuleId, p = post) => expectRefusal(await p(SEND, body), id)

  test('wecom.exmail.compose_send.size.max: exactly 50M (body and attachments together) is accepted', async () => {
    const att = Buffer.alloc(50 * 1024 * 1024 - 3, 1).toString('base64')
    await send(mail({ content: 'abc', attachment_list: [{ file_name: 'a.bin', content: att }] }))
  }, 120_000) // 70 MB built, sent, parsed and decoded in one process: 3 s idle, 20+ s on a loaded machine

  test('wecom.exmail.compose_send.attachment_list.max: 200 attachments are accepted', async () => {
    const list = Array.from({ length: 200 }, (_, i) => ({ file_name: `a${i}.txt`, content: 'YQ==' }))
    await send(mail({ attachment_list: list }))
  })

  test('wecom.exmail.compose_send.recipients.emails.address: an address passes or fails as it does in the Feishu send', async () => {
    const addresses = ['guest@example.com', 'a@b', 'a b@example.com', '<a@example.com>', 'a@@example.com', 'x@y.z', '']
    for (const address of addresses) {
      const wecom = await post(SEND, mail({ cc: { emails: [address] } }))
      const feishu = await feishuSend(h, { subject: 's', to: [{ mail_address: address }], body_plain_text: 'b' })
      expect([address, wecom.json.errcode === 0], address).toEqual([address, feishu.json.code === 0])
      expect(wecom.json.errcode === 0, address).toBe(isMailAddress(address))
    }
  })

  test('wecom.exmail.compose_send.schedule.schedule_id.known: a schedule made by oa/schedule/add answers 90461', async () => {
    const r = await post('/cgi-bin/oa/schedule/add', {
      schedule: { start_time: START, end_time: START + 60, attendees: [{ userid: 'lisi' }] },
    })
    const sched = { start_time: START, end_time: START + 3600, method: 'cancel', schedule_id: r.json.schedule_id }
    await expectRule(mail({ schedule: sched }), 'wecom.exmail.compose_send.schedule.schedule_id.known')
  })

  test('wecom.exmail.compose_send.schedule.schedule_id.own-app: another app cannot cancel the mail schedule (90466)', async () => {
    const s = await send(mail())
    const sched = { start_time: START, end_time: START + 3600, method: 'cancel', schedule_id: s.schedule_id }
    await expectRule(mail({ schedule: sched }), 'wecom.exmail.compose_send.schedule.schedule_id.own-app', postOther)
  })

  test('wecom.exmail.compose_send.schedule.schedule_id.cancelled: cancelling twice answers 90460', async () => {
    const s = await send(mail())
    const cancel = mail({
      schedule: { start_time: START, end_time: START + 3600, method: 'cancel', schedule_id: s.schedule_id },
    })
    await send(cancel)
    await expectRule(cancel, 'wecom.exmail.compose_send.schedule.schedule_id.cancelled')
  })

  test('wecom.exmail.compose_send.schedule.reminders.remind_before_event_mins.sign: -15 means 15 minutes after the start', async () => {
    const s = await send(
      mail({
        schedule: {
          start_time: START,
          end_time: START + 3600,
          reminders: { is_remind: 1, remind_before_event_mins: -15 },
        },
      }),
    )
    expect(s.reminders.remind_time_diffs).toEqual([900])
    expect(s.reminders.remind_before_event_secs).toBe(0)
  })

  test('wecom.exmail.compose_send.schedule.reminders.repeat_interval.custom: a custom repeat without repeat_interval, or with 0, answers 90486 as oa/schedule/add does, and stores nothing', async () => {
    const at = (reminders: object) => mail({ schedule: { start_time: START, end_time: START + 3600, reminders } })
    const before = h.control.wecomMailSchedules().length
    for (const interval of [{}, { repeat_interval: 0 }])
      await expectRule(
        at({ is_repeat: 1, is_custom_repeat: 1, repeat_type: 1, ...interval }),
        'wecom.exmail.compose_send.schedule.reminders.repeat_interval.custom',
      )
    expect(h.control.wecomMailSchedules()).toHaveLength(before)
    // Only a custom repeat needs one: a plain weekly mail, or a custom flag on a mail that does not repeat.
    await send(at({ is_repeat: 1, repeat_type: 1 }))
    await send(at({ is_repeat: 0, is_custom_repeat: 1 }))
    const s = await send(at({ is_repeat: 1, is_custom_repeat: 1, repeat_type: 1, repeat_interval: 2 }))
    expect(s.reminders).toMatchObject({ is_custom_repeat: 1, repeat_interval: 2 })
  })

  test('wecom.exmail.compose_send.meeting.meeting_admins.participant: the admin may be a participant by corp address', async () => {
    const s = await send(
      mail({
        to: { emails: ['Zhangsan@bgjkcsqy.wecom.work'] },
        meeting: { meeting_admins: { userids: ['zhangsan'] } },
      }),
    )
    expect(s.admins).toEqual(['zhangsan'])
    expect(s.attendees).toEqual([{ userid: 'zhangsan', response_status: 0 }])
  })

  test('wecom.exmail.compose_send.meeting.option.password: 4 and 6 digits are accepted', async () => {
    await send(mail({ meeting: { meeting_admins: { userids: ['lisi'] }, option: { password: '1234' } } }))
    await send(mail({ meeting: { meeting_admins: { userids: ['lisi'] }, option: { password: '123456' } } }))
  })

  test('wecom.exmail.compose_send.subject.meeting-title: an empty subject is refused with 400042 where it would title a meeting', async () => {
    await expectRule(mail({ subject: '' }), 'wecom.exmail.compose_send.subject.meeting-title')
    const s = await send(mail({ subject: 'titled' }))
    const change = { start_time: START, end_time: START + 3600, schedule_id: s.schedule_id }
    await expectRule(mail({ subject: '', schedule: change }), 'wecom.exmail.compose_send.subject.meeting-title')
    expect(h.control.meetings().find((m) => m.meetingid === s.meetingid)!.title).toBe('titled')
    // A mail that titles no meeting may leave it empty: a schedule mail, and a cancellation.
    await send(mail({ subject: '', meeting: undefined }))
    await send(mail({ subject: '', schedule: { ...change, method: 'cancel' } }))
  })

  test('wecom.exmail.compose_send.content.empty: an empty content books the meeting with an empty description', async () => {
    const s = await send(mail({ subject: 'no body', content: '' }))
    const info = await post('/cgi-bin/meeting/get_info', { meetingid: s.meetingid })
    expect(info.json).toMatchObject({ errcode: 0, title: 'no body', description: '' })
  })

  test('wecom.exmail.compose_send.enable_id_trans.templates: a third-party app gets subject, content and attachment names translated', async () => {
    const text =
      '$userName=lisi$|$userAlias=wangwu$|$userAliasOrName=wangwu$|$userAliasOrName=william$|$departmentName=2$|$userName=nobody$|$departmentName=x$'
    const want = '李四|$userAlias=wangwu$|王五|will|研发部|$userName=nobody$|$departmentName=x$'
    const thirdParty = wecomPost(h, 'wwdev-third-party-token-1000050')
    await send(
      mail({
        to: { emails: ['trans@example.com'], userids: ['lisi'] },
        subject: text,
        content: text,
        attachment_list: [{ file_name: `${text}.txt`, content: 'YQ==' }],
        enable_id_trans: 1,
      }),
      thirdParty,
      1000050,
    )
    const [got] = h.control.wecomMailbox('trans@example.com')
    expect(got!.subject).toBe(want)
    expect(got!.content).toBe(want)
    expect(got!.attachments).toEqual([{ file_name: `${want}.txt`, size: 1 }])
  })

  test('wecom.exmail.compose_send.enable_id_trans.templates: without enable_id_trans the text stays as written', async () => {
    await send(mail({ to: { emails: ['plain@example.com'], userids: ['lisi'] }, subject: '$userName=lisi$' }))
    expect(h.control.wecomMailbox('plain@example.com')[0]!.subject).toBe('$userName=lisi$')
  })

  test('wecom.exmail.compose_send.delivery: every to, cc and bcc recipient holds the mail once', async () => {
    await send(
      mail({
        to: { userids: ['lisi'], emails: ['lisi@bgjkcsqy.wecom.work', 'Ext.One@Example.com'] },
        cc: { userids: ['wangwu'] },
        bcc: { emails: ['secret@example.org'] },
        subject: 'delivery',
      }),
    )
    const lisi = h.control.wecomMailbox('lisi@bgjkcsqy.wecom.work').filter((m) => m.subject === 'delivery')
    expect(lisi).toHaveLength(1)
    expect(lisi[0]!.delivered_as).toBe('to')
    expect(h.control.wecomMailbox('ext.one@example.com').at(-1)!.subject).toBe('delivery')
    expect(h.control.wecomMailbox('wangwu@bgjkcsqy.wecom.work').at(-1)!.delivered_as).toBe('cc')
    const bcc = h.control.wecomMailbox('secret@example.org').at(-1)!
    expect(bcc.delivered_as).toBe('bcc')
    expect([...bcc.to, ...bcc.cc]).not.toContain('secret@example.org')
  })

  test('wecom.exmail.compose_send.request.create: the schedule a mail creates is the one oa/schedule/get returns, with its meeting', async () => {
    const s = await send(
      mail({ subject: 'created', schedule: { start_time: START, end_time: START + 1800, location: 'A1' } }),
    )
    const r = await post(GET, { schedule_id_list: [s.schedule_id] })
    expect(r.json.schedule_list[0]).toMatchObject({
      schedule_id: s.schedule_id,
      summary: 'created',
      description: '正文',
      location: 'A1',
      start_time: START,
      end_time: START + 1800,
      admins: ['lisi'],
      status: 0,
    })
    const info = await post('/cgi-bin/meeting/get_info', { meetingid: s.meetingid })
    expect(info.json).toMatchObject({
      errcode: 0,
      title: 'created',
      meeting_start: START,
      meeting_duration: 1800,
      admin_userid: 'lisi',
      location: 'A1',
      status: 1,
    })
  })

  test('wecom.exmail.compose_send.request.change: request with the schedule_id changes the schedule and its meeting', async () => {
    const s = await send(mail({ subject: 'before' }))
    await send(
      mail({
        subject: 'after',
        schedule: { schedule_id: s.schedule_id, start_time: START + 7200, end_time: START + 9000 },
      }),
    )
    const r = await post(GET, { schedule_id_list: [s.schedule_id] })
    expect(r.json.schedule_list[0]).toMatchObject({
      summary: 'after',
      start_time: START + 7200,
      end_time: START + 9000,
    })
    const info = await post('/cgi-bin/meeting/get_info', { meetingid: s.meetingid })
    expect(info.json).toMatchObject({ errcode: 0, title: 'after', meeting_start: START + 7200, meeting_duration: 1800 })
    expect(h.control.wecomMailSchedules().filter((x) => x.meetingid === s.meetingid)).toHaveLength(1)
  })

  test('wecom.exmail.compose_send.meeting.absent: without meeting the mail makes a schedule and no meeting', async () => {
    const s = await send(mail({ meeting: undefined, subject: 'schedule mail' }))
    expect(s.meetingid).toBeNull()
    expect(s.summary).toBe('schedule mail')
  })

  test('wecom.meeting.cancel.mail-booked: meeting/cancel of a meeting a mail booked cancels its schedule too', async () => {
    const s = await send(mail({ subject: 'cancel me' }))
    expect((await post('/cgi-bin/meeting/cancel', { meetingid: s.meetingid })).json).toEqual({
      errcode: 0,
      errmsg: 'ok',
    })
    const g = await post(GET, { schedule_id_list: [s.schedule_id] })
    expect(g.json.schedule_list[0].status).toBe(1)
    const change = mail({ schedule: { schedule_id: s.schedule_id, start_time: START, end_time: START + 3600 } })
    await expectRule(change, 'wecom.exmail.compose_send.schedule.schedule_id.cancelled')
  })

  test('wecom.meeting.update.mail-booked: meeting/update of a meeting a mail booked changes its schedule the same way', async () => {
    const s = await send(mail({ to: { userids: ['lisi', 'wangwu'] }, subject: 'before' }))
    const r = await post('/cgi-bin/meeting/update', {
      meetingid: s.meetingid,
      title: 'after',
      meeting_start: START + 7200,
      meeting_duration: 1800,
      description: 'new text',
      location: 'B2',
      invitees: { userid: ['zhangsan'] },
    })
    expect(r.json).toMatchObject({ errcode: 0 })
    const g = await post(GET, { schedule_id_list: [s.schedule_id] })
    expect(g.json.schedule_list[0]).toMatchObject({
      summary: 'after',
      description: 'new text',
      location: 'B2',
      start_time: START + 7200,
      end_time: START + 9000,
      admins: ['lisi'],
      status: 0,
    })
    // The admin stays an attendee: the schedule's admins must be among them.
    expect(g.json.schedule_list[0].attendees.map((a: { userid: string }) => a.userid)).toEqual(['zhangsan', 'lisi'])
  })

  test('wecom.meeting.update.mail-booked: a repeat set through meeting/update repeats the schedule on the same days', async () => {
    const s = await send(mail())
    const reminders = {
      is_repeat: 1,
      repeat_type: 1,
      repeat_until_type: 1,
      repeat_until_count: 3,
      remind_before: [900],
    }
    expect((await post('/cgi-bin/meeting/update', { meetingid: s.meetingid, reminders })).json.errcode).toBe(0)
    const g = await post(GET, { schedule_id_list: [s.schedule_id] })
    expect(g.json.schedule_list[0].reminders).toMatchObject({
      is_repeat: 1,
      repeat_type: 1,
      repeat_until: START + 2 * 7 * 86400,
      is_remind: 1,
      remind_before_event_secs: 900,
      remind_time_diffs: [-900],
    })
  })

  test('wecom.exmail.compose_send.schedule.schedule_id.change-started / .cancel-started: a mail for a meeting in progress answers what meeting/update and meeting/cancel answer', async () => {
    const s = await send(mail({ subject: 'running' }))
    h.control.setClock({ now: START + 60, frozen: true })
    try {
      const p = wecomPost(h, await wecomTokenFor(h, 0))
      const change = mail({
        schedule: { schedule_id: s.schedule_id, start_time: START + 7200, end_time: START + 9000 },
      })
      expectRefusal(await p(SEND, change), 'wecom.exmail.compose_send.schedule.schedule_id.change-started')
      expectRefusal(
        await p('/cgi-bin/meeting/update', { meetingid: s.meetingid, title: 'x' }),
        'wecom.meeting.update.status.scheduled',
      )
      const cancel = mail({
        schedule: { schedule_id: s.schedule_id, method: 'cancel', start_time: START, end_time: START + 3600 },
      })
      expectRefusal(await p(SEND, cancel), 'wecom.exmail.compose_send.schedule.schedule_id.cancel-started')
      expectRefusal(
        await p('/cgi-bin/meeting/cancel', { meetingid: s.meetingid }),
        'wecom.meeting.cancel.status.scheduled',
      )
      const g = await p(GET, { schedule_id_list: [s.schedule_id] })
      expect(g.json.schedule_list[0]).toMatchObject({ summary: 'running', start_time: START, status: 0 })
    } finally {
      h.control.setClock({ now: NOW, frozen: true })
    }
  })

  test('wecom.schedule.del.mail-created: oa/schedule/del refuses a mail schedule with 90497', async () => {
    const s = await send(mail())
    expectRefusal(
      await post('/cgi-bin/oa/schedule/del', { schedule_id: s.schedule_id }),
      'wecom.schedule.del.mail-created',
    )
  })
})

describe.each(checkedHarnesses)('the compose_send doc example through $name', (factory) => {
  afterEach(() => {
    expect(factory.problems.splice(0), 'answers that break their response schema').toEqual([])
  })
  test('wecom.exmail.compose_send.doc-example: as written it answers 400222 once its start_time has passed', async () => {
    const h = await factory.make()
    h.control.setClock({ now: 1669278600 + 60 })
    const r = await wecomPost(h, await wecomTokenFor(h))(SEND, docExample)
    expectRefusal(r, 'wecom.exmail.compose_send.schedule.start_time.future')
    await h.close()
  })

  /** The doc example sent as written, with the clock a day before its start. */
  const sendDocExample = async () => {
    const h = await factory.make()
    h.control.setClock({ now: 1669278600 - 86400 })
    const post = wecomPost(h, await wecomTokenFor(h))
    const r = await post(SEND, docExample)
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ errcode: 0, errmsg: 'ok' })
    const [s] = h.control.wecomMailSchedules()
    return { h, post, s: s! }
  }

  test('wecom.exmail.compose_send.doc-example: succeeds as written once the clock is before its start_time', async () => {
    const { h, s } = await sendDocExample()
    expect(s).toMatchObject({ origin: 'mail', admins: ['zoro'], summary: docExample.subject, status: 0 })
    expect(s.attendees.map((a) => a.userid).sort()).toEqual(['william', 'word', 'zoro'])
    for (const address of docExample.to.emails) expect(h.control.wecomMailbox(address)).toHaveLength(1)
    expect(h.control.wecomMailbox('william@bgjkcsqy.wecom.work')).toHaveLength(1)
    await h.close()
  })

  test('wecom.exmail.compose_send.cancel: the doc example sent again with its schedule_id and method cancel cancels schedule and meeting', async () => {
    const { h, post, s } = await sendDocExample()

    const cancel = structuredClone(docExample) as typeof docExample & { schedule: { schedule_id?: string } }
    cancel.schedule.method = 'cancel'
    cancel.schedule.schedule_id = s.schedule_id
    expect((await post(SEND, cancel)).json).toEqual({ errcode: 0, errmsg: 'ok' })
    const g = await post(GET, { schedule_id_list: [s.schedule_id] })
    expect(g.json.schedule_list[0].status).toBe(1)
    expect(h.control.meetings().find((m) => m.meetingid === s.meetingid)!.status).toBe('cancelled')
    const info = await post('/cgi-bin/meeting/get_info', { meetingid: s.meetingid })
    expect(info.json).toMatchObject({ errcode: 0, status: 4, title: docExample.subject })
    // Everyone hears of the cancellation too.
    expect(h.control.wecomMailbox('jyan1@tiyantest.wang').map((m) => m.schedule.method)).toEqual(['request', 'cancel'])
    await h.close()
  })
})
