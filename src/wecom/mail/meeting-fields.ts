/**
 * How a meeting mail's fields become the schedule and the meeting it books: the mail's `subject` is the
 * title, `content` the description (doc 44633), the schedule's times give the meeting's start and
 * duration, and `meeting.option` maps onto meeting/create's settings. Kept here, beside the mail, so the
 * MeetingStore (issue 3) needs no mail-specific code: the mail calls its create/update/cancel.
 */
import type {
  WecomMailMeeting,
  WecomMailMeetingOption,
  WecomMailReminders,
  WecomMailSchedule,
} from '../../generated/contracts.ts'
import { DEFAULT_TIMEZONE } from '../calendar/schedule-fields.ts'
import type { MeetingFields, MeetingReminders, MeetingSettings } from '../meetings/store.ts'
import type { ScheduleReminders } from '../schedules/store.ts'

const AUTO_RECORD = ['none', 'local', 'cloud'] as const

function meetingSettings(o: WecomMailMeetingOption | undefined, hosts: string[] | undefined): MeetingSettings {
  const s: MeetingSettings = {}
  if (!o && !hosts) return s
  if (o?.password !== undefined) s.password = o.password
  if (o?.enable_waiting_room !== undefined) s.enable_waiting_room = o.enable_waiting_room
  if (o?.allow_enter_before_host !== undefined) s.allow_enter_before_host = o.allow_enter_before_host
  if (o?.enable_screen_watermark !== undefined) s.enable_screen_watermark = o.enable_screen_watermark
  if (o?.enable_enter_mute !== undefined) s.enable_enter_mute = o.enable_enter_mute
  if (o?.remind_scope !== undefined) s.remind_scope = o.remind_scope
  if (o?.water_mark_type !== undefined) s.watermark_type = o.water_mark_type
  if (o?.auto_record !== undefined) s.auto_record_type = AUTO_RECORD[o.auto_record]!
  // enter_restraint 2 = "仅企业内部用户可入会": external users may not join.
  if (o?.enter_restraint !== undefined) s.allow_external_user = o.enter_restraint !== 2
  if (hosts) s.hosts = [...hosts]
  return s
}

/** Minutes before the start (negative = after it) become meeting/create's seconds-before list. */
function meetingReminders(r: WecomMailReminders | undefined): MeetingReminders {
  const out: MeetingReminders = {}
  if (!r) return out
  if (r.is_remind === 1 && r.remind_before_event_mins !== undefined)
    out.remind_before = [Math.max(0, r.remind_before_event_mins * 60)]
  if (r.is_repeat === 1) {
    out.is_repeat = 1
    out.repeat_type = r.repeat_type ?? 0
    // repeat_interval "仅当指定为自定义重复时有效": a plain weekly mail repeats every week, whatever it says.
    if (r.is_custom_repeat === 1) {
      out.is_custom_repeat = 1
      if (r.repeat_interval) out.repeat_interval = r.repeat_interval
    }
    if (r.repeat_day_of_week?.length) out.repeat_day_of_week = [...r.repeat_day_of_week]
    if (r.repeat_day_of_month?.length) out.repeat_day_of_month = [...r.repeat_day_of_month]
    if (r.repeat_until) out.repeat_until = r.repeat_until
    if (out.repeat_type === 5) {
      // Meetings have no yearly repeat (doc 99104: 0, 1, 2, 7): the schedule keeps its yearly type, and the
      // meeting meets on the same days as a custom monthly series every 12 months (decision: a yearly meeting
      // mail books a 12-monthly meeting).
      out.repeat_type = 2
      out.is_custom_repeat = 1
      out.repeat_interval = 12 * (r.is_custom_repeat === 1 && r.repeat_interval ? r.repeat_interval : 1)
      delete out.repeat_day_of_week
      delete out.repeat_day_of_month
    }
  }
  return out
}

export function mailMeetingFields(
  subject: string,
  content: string,
  schedule: WecomMailSchedule,
  meeting: WecomMailMeeting,
  admin: string,
  invitees: string[],
  calId: string,
): MeetingFields {
  // Optional fields are left out, not undefined: the meeting store tells the two apart.
  const fields: MeetingFields = {
    admin_userid: admin,
    title: subject,
    meeting_start: schedule.start_time,
    meeting_duration: schedule.end_time - schedule.start_time,
    description: content,
  }
  if (schedule.location !== undefined) fields.location = schedule.location
  fields.invitees = invitees
  if (calId) fields.cal_id = calId
  fields.settings = meetingSettings(meeting.option, meeting.hosts?.userids)
  fields.reminders = meetingReminders(schedule.reminders)
  return fields
}

/** The mail's reminders in oa/schedule/get's shape: minutes become a seconds difference to the start. */
export function mailScheduleReminders(r: WecomMailReminders | undefined): ScheduleReminders {
  const isRemind = r?.is_remind ?? 0
  const diff = isRemind === 1 ? -(r?.remind_before_event_mins ?? 0) * 60 : undefined
  // Written out, not repeatFields spread in (a copy of an object made to be copied): the same fields,
  // defaults and order, oa/schedule/get's (test/wecom-mail-fields.test.ts holds the two together).
  const out: ScheduleReminders = {
    is_remind: isRemind,
    remind_before_event_secs: diff === undefined ? 0 : Math.max(0, -diff),
    remind_time_diffs: diff === undefined ? [] : [diff],
    is_repeat: r?.is_repeat ?? 0,
    repeat_type: r?.repeat_type ?? 0,
    repeat_until: r?.repeat_until ?? 0,
    is_custom_repeat: r?.is_custom_repeat ?? 0,
    repeat_interval: r?.repeat_interval ?? 0,
    repeat_day_of_week: r?.repeat_day_of_week ? [...r.repeat_day_of_week] : [],
    repeat_day_of_month: r?.repeat_day_of_month ? [...r.repeat_day_of_month] : [],
    timezone: r?.timezone ?? DEFAULT_TIMEZONE,
    exclude_time_list: [],
  }
  if (r?.repeat_month_of_year?.length) out.repeat_month_of_year = [...r.repeat_month_of_year]
  return out
}
