/**
 * `POST /cgi-bin/exmail/app/compose_send` (发送会议邮件, https://developer.work.weixin.qq.com/document/path/97868). A mail
 * with `schedule` (and `meeting`) creates a schedule and the meeting it books (`method: request` without
 * `schedule_id`), changes both (`request` with one) or cancels both (`cancel`). The schedule and meeting
 * are the very records oa/schedule/get and meeting/get_info read; the API returns no id, so the control
 * plane lists the schedules mails created (`control.wecomMailSchedules()`).
 *
 * No errcode is documented for this endpoint, so the codes are the likely ones of the global list
 * (https://developer.work.weixin.qq.com/document/path/90313); most mappings are INFERRED and marked so here and in
 * contracts/rules/wecom.exmail.compose_send.json.
 *
 * @example
 * POST /cgi-bin/exmail/app/compose_send?access_token=…
 * {"to":{"userids":["william"]},"subject":"评审","content":"…","schedule":{"start_time":…,"end_time":…},
 *  "meeting":{"meeting_admins":{"userids":["william"]}}}
 * → {"errcode":0,"errmsg":"ok"}
 */
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import { defineEndpoint, type RequestContext, type ShapeRules } from '../../core/module.ts'
import type { WecomComposeSendRequest, WecomMailRecipients } from '../../generated/contracts.ts'
import { wecomCaller } from '../auth.ts'
import { defaultCalendar } from '../calendar/calendars.ts'
import { checkScheduleRepeatRange } from '../calendar/schedule-fields.ts'
import type { WecomApp, WecomCorp, WecomUser } from '../directory.ts'
import { utf8Length } from '../params.ts'
import type { ScheduleRecord } from '../schedules/store.ts'
import { excludeFromBooking } from './booking.ts'
import { translateIds } from './id-trans.ts'
import type { DeliveredMail, MailboxEntry } from './mailboxes.ts'
import { mailMeetingFields, mailScheduleReminders } from './meeting-fields.ts'

const R = 'wecom.exmail.compose_send'
const SHAPE_RULES: ShapeRules['fields'] = {
  to: `${R}.to.required`,
  subject: `${R}.subject.required`,
  content: `${R}.content.required`,
  content_type: `${R}.content_type.values`,
  'attachment_list[].file_name:required': `${R}.attachment_list.file_name.required`,
  'attachment_list[].content:required': `${R}.attachment_list.content.required`,
  schedule: `${R}.schedule.required`,
  'schedule.start_time': `${R}.schedule.start_time.required`,
  'schedule.end_time': `${R}.schedule.end_time.required`,
  'schedule.method': `${R}.schedule.method.values`,
  'meeting.meeting_admins': `${R}.meeting.meeting_admins.required`,
  enable_id_trans: `${R}.enable_id_trans.values`,
}

/** "所有附件加正文的大小不允许超过50M, 且附件个数不能超过200个". */
export const MAX_ATTACHMENTS = 200
export const MAX_MAIL_BYTES = 50 * 1024 * 1024
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const REPEAT_TYPES: ReadonlySet<number> = new Set([0, 1, 2, 5])

/** Decoded size of a base64 string, or -1 if it is not base64 (line breaks, as MIME writes them, are allowed). */
function base64Size(s: string): number {
  const clean = s.includes('\n') || s.includes('\r') ? s.replace(/[\r\n]/g, '') : s
  if (clean.length % 4 !== 0 || !BASE64.test(clean)) return -1
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0
  return (clean.length / 4) * 3 - pad
}

interface Recipient {
  address: string
  as: MailboxEntry['as']
  user?: WecomUser
}

/**
 * Every recipient once, in to → cc → bcc order: userids become the user's corp address; an address of a
 * corp user is that user. A userid must exist (60111) and be in the app's visible range (60011): doc 44633
 * 权限说明 "to.userids/cc.userids/bcc.userids指定的成员，需在应用的可见范围内" (codes INFERRED from the global errcode list).
 */
function recipients(
  ctx: RequestContext,
  corp: WecomCorp,
  app: WecomApp,
  lists: [WecomMailRecipients | undefined, MailboxEntry['as']][],
): Recipient[] {
  const out = new Map<string, Recipient>()
  const directory = ctx.env.stores.wecomDirectory
  for (const [list, as] of lists) {
    for (const userid of list?.userids ?? []) {
      const user = corp.users.get(userid)
      if (!user)
        fail(60111, `${R}.recipients.userid.known: no user "${echo(userid)}" in corp ${corp.corpid}`, {
          prefix: `invalid string value \`${echo(userid)}\`. `,
        })
      if (!directory.isVisible(corp, app, userid))
        fail(
          60011,
          `${R}.recipients.userid.visible: user "${echo(userid)}" is outside app ${app.agentid}'s visible range`,
        )
      const address = (user.email ?? `${userid}@${corp.mailDomain ?? 'corp.invalid'}`).toLowerCase()
      if (!out.has(address)) out.set(address, { address, as, user })
    }
    for (const email of list?.emails ?? []) {
      const address = email.trim().toLowerCase()
      if (!out.has(address)) {
        const user = corp.usersByEmail.get(address)
        out.set(address, user ? { address, as, user } : { address, as })
      }
    }
  }
  return [...out.values()]
}

function checkReminders(body: WecomComposeSendRequest): void {
  const r = body.schedule.reminders
  if (!r) return
  // Codes reuse oa/schedule/add's (the mail creates a schedule); the mapping is INFERRED.
  if (r.timezone !== undefined && (r.timezone < -12 || r.timezone > 12))
    fail(90480, `${R}.schedule.reminders.timezone.range: ${r.timezone} is not in -12..+12`)
  if (r.repeat_type !== undefined && !REPEAT_TYPES.has(r.repeat_type))
    fail(90465, `${R}.schedule.reminders.repeat_type.values: ${r.repeat_type} is not one of 0, 1, 2, 5`)
  for (const d of r.repeat_day_of_week ?? [])
    if (d < 1 || d > 7) fail(90467, `${R}.schedule.reminders.repeat_day_of_week.range: ${d} is not in 1..7`)
  for (const d of r.repeat_day_of_month ?? [])
    if (d < 1 || d > 31) fail(90487, `${R}.schedule.reminders.repeat_day_of_month.range: ${d} is not in 1..31`)
  // oa/schedule/add's rule and code (90486 缺失repeate_interval参数): a custom repeat without an interval has no
  // period, and the mail creates a schedule (decision: a meeting mail's custom repeat needs repeat_interval).
  if (r.is_repeat === 1 && r.is_custom_repeat === 1 && !r.repeat_interval)
    fail(90486, `${R}.schedule.reminders.repeat_interval.custom: a custom repeat needs repeat_interval`)
  checkScheduleRepeatRange(r, body.schedule.start_time, `${R}.schedule.reminders`)
  // INFERRED: no dedicated code for a month out of 1..12; a bad parameter.
  for (const m of r.repeat_month_of_year ?? [])
    if (m < 1 || m > 12)
      fail(40058, `${R}.schedule.reminders.repeat_month_of_year.range: ${m} is not in 1..12`, {
        prefix: 'schedule.reminders.repeat_month_of_year out of range 1-12. Invalid input ',
      })
}

/** meeting.option ranges; codes are meeting/create's (INFERRED). */
function checkOption(body: WecomComposeSendRequest): void {
  const o = body.meeting?.option
  if (!o) return
  if (o.password !== undefined && !/^\d{4,6}$/.test(o.password))
    fail(400030, `${R}.meeting.option.password: the password must be 4-6 digits`)
  const range = (v: number | undefined, allowed: number[], name: string, code: number) => {
    if (v !== undefined && !allowed.includes(v))
      fail(code, `${R}.meeting.option.${name}: ${v} is not one of ${allowed.join(', ')}`)
  }
  range(o.auto_record, [0, 1, 2], 'auto_record', 400031)
  range(o.enter_restraint, [0, 2], 'enter_restraint', 400031)
  range(o.enable_enter_mute, [0, 1, 2], 'enable_enter_mute', 400031)
  range(o.remind_scope, [1, 2, 3], 'remind_scope', 400025)
  range(o.water_mark_type, [0, 1], 'water_mark_type', 400031)
}

/** The mail-made schedule a `schedule_id` names, if this app may change it. */
function mailSchedule(ctx: RequestContext, corp: WecomCorp, app: WecomApp, id: string): ScheduleRecord {
  const record = ctx.env.stores.schedules.get(id)
  // INFERRED: a schedule the API made is not a meeting mail's, so a mail cannot name it (日程ID异常).
  if (!record || record.corpid !== corp.corpid || record.origin !== 'mail')
    fail(
      90461,
      `${R}.schedule.schedule_id.known: no schedule "${echo(id)}" created by a meeting mail in corp ${corp.corpid}`,
    )
  if (record.agentid !== app.agentid)
    fail(90466, `${R}.schedule.schedule_id.own-app: schedule "${echo(id)}" was created by app ${record.agentid}`)
  if (record.status === 1)
    fail(90460, `${R}.schedule.schedule_id.cancelled: schedule "${echo(id)}" is already cancelled`)
  return record
}

export const composeSend = defineEndpoint('wecom.exmail.compose_send', {
  shape: { fallback: `${R}.types`, fields: SHAPE_RULES },
  handle(ctx) {
    const { corp, app } = wecomCaller(ctx)
    const body = ctx.body as WecomComposeSendRequest
    const { schedules, meetings, mailboxes } = ctx.env.stores

    if (!body.to.emails?.length && !body.to.userids?.length)
      fail(40058, `${R}.to.one-of: to needs at least one of emails / userids`, {
        prefix: 'to.emails and to.userids are both empty. Invalid input ',
      })
    const people = recipients(ctx, corp, app, [
      [body.to, 'to'],
      [body.cc, 'cc'],
      [body.bcc, 'bcc'],
    ])

    const attachments = body.attachment_list ?? []
    // INFERRED: no dedicated code; an over-long list is 40058 (40058 item 2 of the global errcode list).
    if (attachments.length > MAX_ATTACHMENTS)
      fail(40058, `${R}.attachment_list.max: ${attachments.length} attachments, at most ${MAX_ATTACHMENTS}`, {
        prefix: `attachment_list exceed max size ${MAX_ATTACHMENTS}. Invalid input `,
      })
    let total = utf8Length(body.content)
    const kept: DeliveredMail['attachments'] = []
    for (const a of attachments) {
      const size = base64Size(a.content)
      if (size < 0)
        fail(40058, `${R}.attachment_list.content.base64: "${echo(a.file_name)}" is not base64`, {
          prefix: 'attachment_list.content is not base64. Invalid input ',
        })
      total += size
      kept.push({ file_name: a.file_name, size })
    }
    // INFERRED: 40206 请求body字节数超过限制.
    if (total > MAX_MAIL_BYTES)
      fail(40206, `${R}.size.max: body and attachments are ${total} bytes, at most ${MAX_MAIL_BYTES} (50M)`)

    const s = body.schedule
    const method = s.method ?? 'request'
    if (s.end_time < s.start_time)
      fail(40058, `${R}.schedule.time.order: end_time ${s.end_time} is before start_time ${s.start_time}`, {
        prefix: 'schedule.end_time must not be earlier than start_time. Invalid input ',
      })
    if (method === 'cancel' && !s.schedule_id)
      fail(40058, `${R}.schedule.cancel.schedule_id: method cancel needs schedule.schedule_id`, {
        prefix: 'missing schedule.schedule_id. ',
      })
    checkReminders(body)

    // INFERRED (meeting/create's 400042): the subject titles the meeting the mail books or changes.
    if (body.meeting && method === 'request' && body.subject === '')
      fail(400042, `${R}.subject.meeting-title: the subject is the meeting's title, and it is empty`)

    let admin: string | undefined
    if (body.meeting) {
      const admins = body.meeting.meeting_admins.userids ?? []
      // INFERRED: "仅可指定1人" broken is a bad parameter.
      if (admins.length !== 1)
        fail(40058, `${R}.meeting.meeting_admins.one: ${admins.length} meeting admins, exactly 1 is needed`, {
          prefix: 'meeting.meeting_admins.userids must hold exactly 1 userid. Invalid input ',
        })
      admin = admins[0]!
      if (!corp.users.has(admin))
        fail(60111, `${R}.meeting.meeting_admins.corp-user: no user "${echo(admin)}" in corp ${corp.corpid}`, {
          prefix: `invalid string value \`${echo(admin)}\`. `,
        })
      if (!people.some((p) => p.user?.userid === admin))
        fail(400039, `${R}.meeting.meeting_admins.participant: "${echo(admin)}" is not among the mail's recipients`)
      const hosts = body.meeting.hosts?.userids ?? []
      if (hosts.length > 10) fail(400027, `${R}.meeting.hosts.max: ${hosts.length} hosts, at most 10`)
      for (const host of hosts)
        if (!corp.users.has(host))
          fail(60111, `${R}.meeting.hosts.userid.known: no user "${echo(host)}" in corp ${corp.corpid}`, {
            prefix: `invalid string value \`${echo(host)}\`. `,
          })
      checkOption(body)
    }

    const existing = s.schedule_id ? mailSchedule(ctx, corp, app, s.schedule_id) : undefined
    const booked = existing?.meetingid ? meetings.get(corp.corpid, existing.meetingid) : undefined
    // The mail changes or cancels the meeting, so it answers what meeting/update or meeting/cancel answers then.
    const bookedStatus = booked ? meetings.status(booked, ctx.now) : 'scheduled'
    if (bookedStatus === 'in_progress' || bookedStatus === 'ended') {
      const why = `meeting ${booked!.meetingid} is ${bookedStatus.replace('_', ' ')} by the clock`
      if (method === 'cancel') fail(400224, `${R}.schedule.schedule_id.cancel-started: ${why}`)
      fail(400221, `${R}.schedule.schedule_id.change-started: ${why}`)
    }
    // INFERRED (meeting/create's 400222): a meeting cannot be booked or moved into the past.
    if (method === 'request' && s.start_time <= ctx.now)
      fail(400222, `${R}.schedule.start_time.future: start_time ${s.start_time} is not after now (${ctx.now})`)

    // "仅第三方应用需要用到，企业自建应用可以忽略": a self-built app's templates stay as written.
    const trans = body.enable_id_trans === 1 && app.kind === 'third-party'
    const subject = trans ? translateIds(body.subject, corp) : body.subject
    const content = trans ? translateIds(body.content, corp) : body.content
    if (trans) for (const a of kept) a.file_name = translateIds(a.file_name, corp)
    const attendees = [...new Set(people.flatMap((p) => (p.user ? [p.user.userid] : [])))]

    let record: ScheduleRecord
    if (method === 'cancel') {
      record = existing!
      schedules.cancel(record.id)
      if (record.meetingid && meetings.get(corp.corpid, record.meetingid))
        meetings.cancel(corp.corpid, record.meetingid)
    } else if (existing) {
      record = existing
      schedules.update(record.id, {
        admins: admin ? [admin] : record.admins,
        attendees,
        summary: subject,
        description: content,
        location: s.location ?? record.location,
        startTime: s.start_time,
        endTime: s.end_time,
        reminders: mailScheduleReminders(s.reminders),
      })
      const fields = body.meeting
        ? mailMeetingFields(subject, content, s, body.meeting, admin!, attendees, record.calId)
        : undefined
      if (record.meetingid && meetings.get(corp.corpid, record.meetingid)) {
        if (fields) {
          const { admin_userid: _fixed, ...patch } = fields
          excludeFromBooking(schedules, meetings.update(corp.corpid, record.meetingid, patch))
        }
      } else if (fields) {
        schedules.update(record.id, { meetingid: meetings.create(corp.corpid, app.agentid, fields, ctx.now).meetingid })
      }
    } else {
      const calId = defaultCalendar(ctx, corp.corpid, app.agentid)
      record = schedules.add({
        corpid: corp.corpid,
        agentid: app.agentid,
        calId,
        admins: admin ? [admin] : [],
        attendees,
        summary: subject,
        description: content,
        location: s.location ?? '',
        startTime: s.start_time,
        endTime: s.end_time,
        isWholeDay: 0,
        reminders: mailScheduleReminders(s.reminders),
        origin: 'mail',
        createdAt: ctx.now,
      })
      if (body.meeting) {
        const meeting = meetings.create(
          corp.corpid,
          app.agentid,
          mailMeetingFields(subject, content, s, body.meeting, admin!, attendees, calId),
          ctx.now,
        )
        schedules.update(record.id, { meetingid: meeting.meetingid })
      }
    }

    const mail: DeliveredMail = {
      id: ctx.env.random.hex(32),
      at: ctx.now,
      corpid: corp.corpid,
      agentid: app.agentid,
      to: people.filter((p) => p.as === 'to').map((p) => p.address),
      cc: people.filter((p) => p.as === 'cc').map((p) => p.address),
      subject,
      content,
      content_type: body.content_type ?? 'html',
      attachments: kept,
      schedule: {
        schedule_id: record.id,
        method,
        start_time: s.start_time,
        end_time: s.end_time,
        location: s.location ?? record.location,
      },
      meetingid: record.meetingid ?? null,
    }
    mailboxes.deliver(
      mail,
      people,
      attachments.map((a) => a.content),
    )
    return {}
  },
})
