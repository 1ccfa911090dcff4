/**
 * A meeting a meeting mail booked (exmail/app/compose_send, https://developer.work.weixin.qq.com/document/path/97868)
 * and the schedule it booked it with are one booking: whichever API touches the meeting, the schedule follows
 * (decision: a mail-booked meeting and its schedule are one thing). The schedule APIs refuse a mail's schedule
 * (90497), so only the mail and the meeting APIs change it; the meeting APIs may touch the app's own meeting
 * (doc 98153 / 98154 give no ground to refuse it), and their change reaches the schedule here.
 */
import { lastOccurrenceStart, type MeetingRecord } from '../meetings/store.ts'
import type { SchedulePatch, ScheduleRecord, ScheduleReminders, ScheduleStore } from '../schedules/store.ts'

/** The live schedule a meeting mail booked this meeting with, if any (a meeting/create meeting has none). */
export function mailScheduleOf(schedules: ScheduleStore, m: MeetingRecord): ScheduleRecord | undefined {
  const s = schedules.ofMeeting(m.meetingid)
  return s && s.corpid === m.corpid && s.origin === 'mail' && s.status === 0 ? s : undefined
}

/** meeting/cancel of a mail-booked meeting cancels its schedule too (oa/schedule/get reads status 1). */
export function cancelBooking(schedules: ScheduleStore, m: MeetingRecord): void {
  const s = mailScheduleOf(schedules, m)
  if (s) schedules.cancel(s.id)
}

/**
 * The occurrences a mail-booked meeting cancelled on its own are the ones its schedule excludes
 * (exclude_time_list): after meeting/cancel of one, and after a change mail reset the schedule's reminders.
 */
export function excludeFromBooking(schedules: ScheduleStore, m: MeetingRecord): void {
  const s = mailScheduleOf(schedules, m)
  if (s) schedules.update(s.id, { reminders: { ...s.reminders, exclude_time_list: excluded(m) } })
}

/** The meeting's cancelled occurrences as a schedule's exclude_time_list: the meeting decides them. */
export function excluded(m: MeetingRecord): { start_time: number }[] {
  return m.cancelled_sub_meetings.map((start_time) => ({ start_time }))
}

/**
 * meeting/update of a mail-booked meeting changes its schedule the same way: the title is the summary (the
 * mail's subject is both), the description, location, times and people follow; the repeat follows when the
 * update sends `reminders`. A new start alone moves the schedule's times and keeps its repeat fields, as a
 * change mail does. The schedule's calendar never changes (oa/schedule/update cannot move one either).
 */
export function followMeeting(schedules: ScheduleStore, m: MeetingRecord, remindersChanged: boolean): void {
  const s = mailScheduleOf(schedules, m)
  if (!s) return
  const patch: SchedulePatch = {
    summary: m.title,
    description: m.description ?? '',
    location: m.location ?? '',
    startTime: m.meeting_start,
    endTime: m.meeting_start + m.meeting_duration,
    // The schedule's admins must be among its attendees (90492), and the admin is in the meeting anyway.
    attendees: m.invitees.includes(m.admin_userid) ? [...m.invitees] : [...m.invitees, m.admin_userid],
    // The occurrences the meeting still cancels: a new start or repeat may have dropped some.
    reminders: remindersChanged
      ? scheduleReminders(m, s.reminders)
      : { ...s.reminders, exclude_time_list: excluded(m) },
  }
  schedules.update(s.id, patch)
}

/**
 * The meeting's reminders in oa/schedule/get's shape, meeting on the same days: seconds before the start as
 * differences to it, the series' last start as repeat_until, and a plain every-two-weeks meeting as a custom
 * weekly schedule with interval 2 (a schedule reads its interval only when custom).
 */
function scheduleReminders(m: MeetingRecord, prev: ScheduleReminders): ScheduleReminders {
  const r = m.reminders
  const before = r.remind_before ?? []
  const repeat = r.is_repeat === 1
  const type = repeat ? (r.repeat_type ?? 0) : 0
  const interval = r.repeat_interval ?? 1
  const custom = repeat && (r.is_custom_repeat === 1 || (type === 1 && interval > 1))
  const { repeat_month_of_year: _yearly, ...kept } = prev
  return {
    ...kept,
    is_remind: before.length > 0 ? 1 : 0,
    remind_before_event_secs: before[0] ?? 0,
    remind_time_diffs: before.map((v) => (v === 0 ? 0 : -v)),
    is_repeat: repeat ? 1 : 0,
    repeat_type: type,
    is_custom_repeat: custom ? 1 : 0,
    repeat_interval: custom ? interval : 0,
    repeat_day_of_week: custom ? [...(r.repeat_day_of_week ?? [])] : [],
    repeat_day_of_month: custom ? [...(r.repeat_day_of_month ?? [])] : [],
    repeat_until: repeat ? lastOccurrenceStart(m) : 0,
    exclude_time_list: excluded(m),
  }
}
