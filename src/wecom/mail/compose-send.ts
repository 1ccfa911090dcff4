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
import { isMailAddress } from '../../core/mail-address.ts'
import { defineEndpoint, type RequestContext, type ShapeRules } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomComposeSendRequest, WecomMailRecipients } from '../../generated/contracts.ts'
import { type WecomCaller, wecomCaller } from '../auth.ts'
import { defaultCalendar } from '../calendar/calendars.ts'
import { scheduleRules } from '../calendar/schedule-fields.ts'
import type { WecomDirectory, WecomUser } from '../directory.ts'
import { utf8Length, wecomCheckOptions } from '../params.ts'
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

/** The recipients, and the first userid among them that is unknown to the corp or outside the app's range. */
interface People {
  list: Recipient[]
  bad?: { userid: string; known: boolean }
}

/**
 * Every recipient once, in to → cc → bcc order: userids become the user's corp address; an address of a
 * corp user is that user. A userid must exist (60111) and be in the app's visible range (60011): doc 44633
 * 权限说明 "to.userids/cc.userids/bcc.userids指定的成员，需在应用的可见范围内" (codes INFERRED from the global errcode list).
 */
function recipients(ctx: RequestContext, caller: WecomCaller, body: WecomComposeSendRequest): People {
  const out = new Map<string, Recipient>()
  const directory = ctx.env.stores.wecomDirectory
  const bad =
    addRecipients(out, directory, caller, body.to, 'to') ??
    addRecipients(out, directory, caller, body.cc, 'cc') ??
    addRecipients(out, directory, caller, body.bcc, 'bcc')
  return bad ? { list: [], bad } : { list: [...out.values()] }
}

/** One of to / cc / bcc into `out` (first mention wins); the first bad userid, if any. */
function addRecipients(
  out: Map<string, Recipient>,
  directory: WecomDirectory,
  { corp, app }: WecomCaller,
  list: WecomMailRecipients | undefined,
  as: MailboxEntry['as'],
): People['bad'] {
  if (!list) return undefined
  if (list.userids)
    for (const userid of list.userids) {
      const user = corp.users.get(userid)
      if (!user) return { userid, known: false }
      if (!directory.isVisible(corp, app, userid)) return { userid, known: true }
      const address = (user.email ?? `${userid}@${corp.mailDomain ?? 'corp.invalid'}`).toLowerCase()
      if (!out.has(address)) out.set(address, { address, as, user })
    }
  if (list.emails)
    for (const email of list.emails) {
      const address = email.trim().toLowerCase()
      if (!out.has(address)) {
        const user = corp.usersByEmail.get(address)
        out.set(address, user ? { address, as, user } : { address, as })
      }
    }
  return undefined
}

/** The corp users among the recipients, once each, in their order: the schedule's attendees, the meeting's invitees. */
function usersAmong(people: readonly Recipient[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const p of people) {
    if (p.user && !seen.has(p.user.userid)) {
      seen.add(p.user.userid)
      out.push(p.user.userid)
    }
  }
  return out
}

/** The addresses of the recipients of one kind (the mail's `to` or `cc`), in their order. */
function addressesAs(people: readonly Recipient[], as: MailboxEntry['as']): string[] {
  const out: string[] = []
  for (const p of people) if (p.as === as) out.push(p.address)
  return out
}

/** What the hooks see besides the body, and what they found for the handler: people, attachment sizes, the schedule. */
interface Check {
  ctx: RequestContext
  caller: WecomCaller
  people?: People
  sizes?: number[]
  existing?: ScheduleRecord
}

const peopleOf = (b: WecomComposeSendRequest, s: Check) => (s.people ??= recipients(s.ctx, s.caller, b))
const sizesOf = (b: WecomComposeSendRequest, s: Check) =>
  (s.sizes ??= (b.attachment_list ?? []).map((a) => base64Size(a.content)))
const methodOf = (b: WecomComposeSendRequest) => b.schedule.method ?? 'request'
/** The meeting the named mail schedule booked, while the store keeps it. */
const bookedMeeting = ({ ctx, caller, existing }: Check) =>
  existing?.meetingid ? ctx.env.stores.meetings.get(caller.corpid, existing.meetingid) : undefined

/** Why the meeting the named mail schedule booked can no longer change: in progress or ended by the clock. */
function bookedStarted(s: Check): string | undefined {
  const booked = bookedMeeting(s)
  const status = booked ? s.ctx.env.stores.meetings.status(booked, s.ctx.now) : 'scheduled'
  return status === 'in_progress' || status === 'ended'
    ? `meeting ${booked!.meetingid} is ${status.replace('_', ' ')} by the clock`
    : undefined
}
const unknownUser = (userid: string, corpid: string) => ({
  detail: `no user "${echo(userid)}" in corp ${corpid}`,
  options: { prefix: `invalid string value \`${echo(userid)}\`. ` },
})

/** The first of to / cc / bcc's emails that is not a mail address, with where it was. */
function badAddress(b: WecomComposeSendRequest): { field: string; email: string } | undefined {
  for (const [field, list] of [
    ['to', b.to],
    ['cc', b.cc],
    ['bcc', b.bcc],
  ] as const) {
    const email = list?.emails?.find((e) => !isMailAddress(e.trim()))
    if (email !== undefined) return { field: `${field}.emails`, email }
  }
  return undefined
}

/** Whether the mail books or changes a meeting: `meeting` given, or a change of a mail schedule that booked one. */
const touchesMeeting = (b: WecomComposeSendRequest, s: Check) =>
  methodOf(b) === 'request' && (b.meeting !== undefined || bookedMeeting(s) !== undefined)

/** The schema types these lists as userids only, so an `emails` key is read past the type. */
const emailsGiven = (list: object | undefined, field: string) => {
  const emails = (list as { emails?: unknown } | undefined)?.emails
  return Array.isArray(emails) && emails.length > 0 ? `meeting.${field} takes userids only, not emails` : undefined
}

/**
 * Every refusing rule of contracts/rules/wecom.exmail.compose_send.json in its file order: the plain ones
 * from their `check`, the rest here, by id. Codes reuse oa/schedule/add's and meeting/create's where the mail
 * makes a schedule or a meeting; the mappings are INFERRED.
 */
const check = ruleChecks<WecomComposeSendRequest, Check>(rulesOf(R), {
  elsewhere: [
    `${R}.to.required`,
    `${R}.subject.required`,
    `${R}.content.required`,
    `${R}.content_type.values`,
    `${R}.attachment_list.file_name.required`,
    `${R}.attachment_list.content.required`,
    `${R}.schedule.required`,
    `${R}.schedule.start_time.required`,
    `${R}.schedule.end_time.required`,
    `${R}.schedule.method.values`,
    `${R}.meeting.meeting_admins.required`,
    `${R}.types`,
    `${R}.enable_id_trans.values`,
  ],
  // INFERRED: "仅可指定1人" broken is a bad parameter, in words of its own.
  options: (f) =>
    f.rule.id === `${R}.meeting.meeting_admins.one`
      ? { prefix: 'meeting.meeting_admins.userids must hold exactly 1 userid. Invalid input ' }
      : wecomCheckOptions(f),
  hooks: {
    [`${R}.to.one-of`]: (b) =>
      !b.to.emails?.length && !b.to.userids?.length
        ? {
            detail: 'to needs at least one of emails / userids',
            options: { prefix: 'to.emails and to.userids are both empty. Invalid input ' },
          }
        : undefined,
    [`${R}.recipients.emails.address`]: (b) => {
      const bad = badAddress(b)
      return bad
        ? {
            detail: `${bad.field} holds ${JSON.stringify(echo(bad.email))}, which is not a mail address`,
            options: { prefix: `${bad.field} is not a mail address. Invalid input ` },
          }
        : undefined
    },
    [`${R}.recipients.userid.known`]: (b, s) => {
      const bad = peopleOf(b, s).bad
      return bad && !bad.known ? unknownUser(bad.userid, s.caller.corpid) : undefined
    },
    [`${R}.recipients.userid.visible`]: (b, s) => {
      const bad = peopleOf(b, s).bad
      return bad?.known ? `user "${echo(bad.userid)}" is outside app ${s.caller.agentid}'s visible range` : undefined
    },
    [`${R}.attachment_list.content.base64`]: (b, s) => {
      const i = sizesOf(b, s).indexOf(-1)
      return i < 0
        ? undefined
        : {
            detail: `"${echo(b.attachment_list![i]!.file_name)}" is not base64`,
            options: { prefix: 'attachment_list.content is not base64. Invalid input ' },
          }
    },
    // INFERRED: 40206 请求body字节数超过限制.
    [`${R}.size.max`]: (b, s) => {
      const attached = sizesOf(b, s).reduce((sum, n) => sum + n, 0)
      // At most 3 UTF-8 bytes per UTF-16 unit: a body that fits even so is not counted byte by byte.
      if (attached + b.content.length * 3 <= MAX_MAIL_BYTES) return undefined
      const total = attached + utf8Length(b.content)
      return total > MAX_MAIL_BYTES
        ? `body and attachments are ${total} bytes, at most ${MAX_MAIL_BYTES} (50M)`
        : undefined
    },
    [`${R}.schedule.time.order`]: (b) => scheduleRules.timeOrder(b.schedule),
    [`${R}.schedule.cancel.schedule_id`]: (b) =>
      methodOf(b) === 'cancel' && !b.schedule.schedule_id
        ? { detail: 'method cancel needs schedule.schedule_id', options: { prefix: 'missing schedule.schedule_id. ' } }
        : undefined,
    // oa/schedule/add's rule and code (90486 缺失repeate_interval参数): a custom repeat without an interval has no
    // period, and the mail creates a schedule (decision: a meeting mail's custom repeat needs repeat_interval).
    [`${R}.schedule.reminders.repeat_interval.custom`]: (b) => {
      const r = b.schedule.reminders
      return r?.is_repeat === 1 && r.is_custom_repeat === 1 && !r.repeat_interval
        ? 'a custom repeat needs repeat_interval'
        : undefined
    },
    [`${R}.schedule.reminders.repeat_interval.range`]: (b) =>
      scheduleRules.intervalRange(b.schedule.reminders, b.schedule.start_time),
    // INFERRED (meeting/create's 400042): the subject titles the meeting the mail books or changes.
    [`${R}.subject.meeting-title`]: (b) =>
      b.meeting && methodOf(b) === 'request' && b.subject === ''
        ? "the subject is the meeting's title, and it is empty"
        : undefined,
    // INFERRED (meeting/create's 400035, 最小300秒): the schedule's span is the meeting's duration.
    [`${R}.meeting.duration.min`]: (b) =>
      b.meeting && methodOf(b) === 'request' && b.schedule.end_time - b.schedule.start_time < 300
        ? `the meeting would last ${b.schedule.end_time - b.schedule.start_time} s, at least 300`
        : undefined,
    // Decision 134: the doc's 只支持传userid / 只支持填userid; the schema types both as userids, so a client's
    // emails list would otherwise be dropped without a word and the meeting booked without its admin or hosts.
    [`${R}.meeting.meeting_admins.userids-only`]: (b) => emailsGiven(b.meeting?.meeting_admins, 'meeting_admins'),
    [`${R}.meeting.hosts.userids-only`]: (b) => emailsGiven(b.meeting?.hosts, 'hosts'),
    [`${R}.meeting.meeting_admins.corp-user`]: (b, { caller }) => {
      const admin = b.meeting?.meeting_admins.userids?.[0]
      return admin !== undefined && !caller.corp.users.has(admin) ? unknownUser(admin, caller.corpid) : undefined
    },
    [`${R}.meeting.meeting_admins.participant`]: (b, s) => {
      const admin = b.meeting?.meeting_admins.userids?.[0]
      return admin !== undefined && !peopleOf(b, s).list.some((p) => p.user?.userid === admin)
        ? `"${echo(admin)}" is not among the mail's recipients`
        : undefined
    },
    // INFERRED (meeting/create's 400021): the admin of the meeting the mail books, reached by address too.
    [`${R}.meeting.meeting_admins.visible`]: (b, { ctx, caller }) => {
      const admin = b.meeting?.meeting_admins.userids?.[0]
      return admin !== undefined && !ctx.env.stores.wecomDirectory.isVisible(caller.corp, caller.app, admin)
        ? `admin "${echo(admin)}" is outside app ${caller.agentid}'s visible range`
        : undefined
    },
    [`${R}.meeting.hosts.userid.known`]: (b, { caller }) => {
      const host = b.meeting?.hosts?.userids?.find((h) => !caller.corp.users.has(h))
      return host !== undefined ? unknownUser(host, caller.corpid) : undefined
    },
    [`${R}.meeting.hosts.visible`]: (b, { ctx, caller }) => {
      const directory = ctx.env.stores.wecomDirectory
      const host = b.meeting?.hosts?.userids?.find((h) => !directory.isVisible(caller.corp, caller.app, h))
      return host !== undefined ? `host "${echo(host)}" is outside app ${caller.agentid}'s visible range` : undefined
    },
    [`${R}.meeting.hosts.advanced`]: (b, { caller }) =>
      b.meeting?.hosts?.userids?.length && !caller.corp.advancedMeeting
        ? `corp ${caller.corpid} has not bought 会议高级功能, so it cannot name hosts`
        : undefined,
    // INFERRED: a schedule the API made is not a meeting mail's, so a mail cannot name it (日程ID异常).
    [`${R}.schedule.schedule_id.known`]: (b, s) => {
      const id = b.schedule.schedule_id
      if (!id) return undefined
      const record = s.ctx.env.stores.schedules.get(id)
      if (!record || record.corpid !== s.caller.corpid || record.origin !== 'mail')
        return `no schedule "${echo(id)}" created by a meeting mail in corp ${s.caller.corpid}`
      s.existing = record
      return undefined
    },
    [`${R}.schedule.schedule_id.own-app`]: (_b, { existing, caller }) =>
      existing && existing.agentid !== caller.agentid
        ? `schedule "${echo(existing.id)}" was created by app ${existing.agentid}`
        : undefined,
    [`${R}.schedule.schedule_id.cancelled`]: (_b, { existing }) =>
      existing?.status === 1 ? `schedule "${echo(existing.id)}" is already cancelled` : undefined,
    // Decision 138: changing a meeting mail's schedule alone would leave its meeting as it was.
    [`${R}.schedule.schedule_id.meeting-required`]: (b, s) =>
      methodOf(b) === 'request' && !b.meeting && bookedMeeting(s)
        ? {
            detail: `schedule "${echo(s.existing!.id)}" booked meeting ${s.existing!.meetingid}: a change of it is a meeting mail`,
            options: { prefix: 'missing meeting. ' },
          }
        : undefined,
    // Decision 138: a meeting's admin is fixed at booking.
    [`${R}.meeting.meeting_admins.fixed`]: (b, s) => {
      const admin = b.meeting?.meeting_admins.userids?.[0]
      const booked = methodOf(b) === 'request' ? bookedMeeting(s) : undefined
      return booked && admin !== undefined && admin !== booked.admin_userid
        ? `meeting ${booked.meetingid} was booked with admin "${echo(booked.admin_userid)}", which a change cannot replace`
        : undefined
    },
    // The mail changes or cancels the meeting, so it answers what meeting/update or meeting/cancel answers then.
    [`${R}.schedule.schedule_id.change-started`]: (b, s) => (methodOf(b) === 'request' ? bookedStarted(s) : undefined),
    [`${R}.schedule.schedule_id.cancel-started`]: (b, s) => (methodOf(b) === 'cancel' ? bookedStarted(s) : undefined),
    // INFERRED (meeting/create's 400222): a meeting cannot be booked or moved into the past.
    [`${R}.schedule.start_time.future`]: (b, s) =>
      touchesMeeting(b, s) && b.schedule.start_time <= s.ctx.now
        ? `start_time ${b.schedule.start_time} is not after now (${s.ctx.now})`
        : undefined,
  },
})

export const composeSend = defineEndpoint('wecom.exmail.compose_send', {
  shape: { fallback: `${R}.types`, fields: SHAPE_RULES },
  handle(ctx) {
    const caller = wecomCaller(ctx)
    const { corp, app } = caller
    const body = ctx.body as WecomComposeSendRequest
    const { schedules, meetings, mailboxes } = ctx.env.stores
    const state: Check = { ctx, caller }
    check(body, state)
    const people = peopleOf(body, state).list
    const attachments = body.attachment_list ?? []
    const sizes = sizesOf(body, state)
    const kept: DeliveredMail['attachments'] = attachments.map((a, i) => ({ file_name: a.file_name, size: sizes[i]! }))
    const s = body.schedule
    const method = methodOf(body)
    const admin = body.meeting ? body.meeting.meeting_admins.userids![0]! : undefined
    const existing = state.existing

    // "仅第三方应用需要用到，企业自建应用可以忽略": a self-built app's templates stay as written.
    const trans = body.enable_id_trans === 1 && app.kind === 'third-party'
    const subject = trans ? translateIds(body.subject, corp) : body.subject
    const content = trans ? translateIds(body.content, corp) : body.content
    if (trans) for (const a of kept) a.file_name = translateIds(a.file_name, corp)
    const attendees = usersAmong(people)

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
      to: addressesAs(people, 'to'),
      cc: addressesAs(people, 'cc'),
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
