/**
 * A schedule's fields as oa/schedule/add (https://developer.work.weixin.qq.com/document/path/93648) and
 * oa/schedule/update (https://developer.work.weixin.qq.com/document/path/97720) take them: their checks, and
 * the reminders in the shape oa/schedule/get returns (documented defaults filled in). The meeting mail
 * (exmail/app/compose_send) shares the repeat fields and the interval's range.
 */
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import type { WecomScheduleAddRequest, WecomScheduleReminders } from '../../generated/contracts.ts'
import type { WecomCorp } from '../directory.ts'
import { charLength, utf8Length } from '../params.ts'
import type { ScheduleRecord, ScheduleReminders } from '../schedules/store.ts'
import { occurrenceIndexAt, occurrenceStart, type Recurrence, repeatsInRange } from './recurrence.ts'

/** The `schedule` object of oa/schedule/add; oa/schedule/update's adds `schedule_id` and has no `cal_id`. */
export type ScheduleFields = Omit<WecomScheduleAddRequest['schedule'], 'cal_id'>

/** The summary a schedule shows when none is given (doc: 不填会默认显示为“新建事件”). */
export const DEFAULT_SUMMARY = '新建事件'
export const REMIND_BEFORE_SECS: ReadonlySet<number> = new Set([0, 300, 900, 3600, 86400])
const REMIND_DIFFS: ReadonlySet<number> = new Set([0, -300, -900, -3600, -86400])
/** Only a whole-day schedule may also remind at 09:00 that day, two days or a week before. */
const REMIND_DIFFS_WHOLE_DAY: ReadonlySet<number> = new Set([...REMIND_DIFFS, 32400, -172800, -604800])
const REPEAT_TYPES: ReadonlySet<number> = new Set([0, 1, 2, 5, 7])
export const DEFAULT_TIMEZONE = 8

/**
 * The range rules of `schedule.reminders`. Every field is checked when present, whatever `is_remind` /
 * `is_repeat` say (the server parses what it is sent); the one exception is the documented precedence:
 * a non-empty `remind_time_diffs` makes `remind_before_event_secs` ignored, so it is not checked either.
 */
export function checkReminders(r: WecomScheduleReminders, isWholeDay: boolean, start: number, rule: string): void {
  const diffs = r.remind_time_diffs ?? []
  if (
    diffs.length === 0 &&
    r.remind_before_event_secs !== undefined &&
    !REMIND_BEFORE_SECS.has(r.remind_before_event_secs)
  )
    fail(
      90471,
      `${rule}.reminders.remind_before_event_secs.values: ${r.remind_before_event_secs} is not one of 0, 300, 900, 3600, 86400`,
    )
  const allowed = isWholeDay ? REMIND_DIFFS_WHOLE_DAY : REMIND_DIFFS
  for (const d of diffs) {
    if (allowed.has(d)) continue
    if (!isWholeDay && REMIND_DIFFS_WHOLE_DAY.has(d))
      fail(90704, `${rule}.reminders.remind_time_diffs.whole-day: ${d} is not allowed unless is_whole_day=1`)
    fail(90704, `${rule}.reminders.remind_time_diffs.values: ${d} is not allowed (allowed: ${[...allowed].join(', ')})`)
  }
  if (r.repeat_type !== undefined && !REPEAT_TYPES.has(r.repeat_type))
    fail(90465, `${rule}.reminders.repeat_type.values: ${r.repeat_type} is not one of 0, 1, 2, 5, 7`)
  if (r.is_repeat === 1 && r.is_custom_repeat === 1 && !r.repeat_interval)
    fail(90486, `${rule}.reminders.repeat_interval.custom: a custom repeat needs repeat_interval`)
  if (!repeatIntervalInRange(r, start))
    fail(40058, `${rule}.reminders.repeat_interval.range: ${outOfRange(r)}`, { prefix: RANGE_PREFIX })
  for (const d of r.repeat_day_of_week ?? [])
    if (d < 1 || d > 7) fail(90467, `${rule}.reminders.repeat_day_of_week.range: ${d} is not in 1..7`)
  for (const d of r.repeat_day_of_month ?? [])
    if (d < 1 || d > 31) fail(90487, `${rule}.reminders.repeat_day_of_month.range: ${d} is not in 1..31`)
  if (r.timezone !== undefined && (r.timezone < -12 || r.timezone > 12))
    fail(90480, `${rule}.reminders.timezone.range: ${r.timezone} is not in -12..+12`)
}

/**
 * A custom repeat's interval ("仅当指定为自定义重复时有效") must let the series repeat within the uint32 time the docs type start_time
 * and repeat_until with: its second occurrence starts by 2106-02-07 06:28:15 UTC. INFERRED: no dedicated
 * code (90486 is a missing interval), so a bad parameter, 40058. The meeting mail shares it.
 */
export function repeatIntervalInRange(r: RepeatInput, start: number): boolean {
  if (r.is_repeat !== 1 || r.is_custom_repeat !== 1) return true
  return repeatsInRange(start, { type: r.repeat_type ?? 0, interval: r.repeat_interval ?? 1 })
}

const RANGE_PREFIX = 'schedule.reminders.repeat_interval out of range. Invalid input '

function outOfRange(r: RepeatInput): string {
  return `repeat_interval ${r.repeat_interval ?? 1} puts the second occurrence after 2106-02-07T06:28:15Z, the last uint32 second`
}

/** The interval's range rule, refused under the caller's id stem (the meeting mail's `schedule.reminders`). */
export function checkScheduleRepeatRange(r: RepeatInput, start: number, prefix: string): void {
  if (!repeatIntervalInRange(r, start))
    fail(40058, `${prefix}.repeat_interval.range: ${outOfRange(r)}`, { prefix: RANGE_PREFIX })
}

/** The repeat fields a schedule shares with the meeting mail's `schedule.reminders` (same names, same meaning). */
export type RepeatInput = Omit<WecomScheduleReminders, 'is_remind' | 'remind_before_event_secs' | 'remind_time_diffs'>

/** The repeat half of what oa/schedule/get returns, documented defaults filled in (also used by the meeting mail). */
export function repeatFields(
  r: RepeatInput | undefined,
): Omit<ScheduleReminders, 'is_remind' | 'remind_before_event_secs' | 'remind_time_diffs'> {
  return {
    is_repeat: r?.is_repeat ?? 0,
    repeat_type: r?.repeat_type ?? 0,
    repeat_until: r?.repeat_until ?? 0,
    is_custom_repeat: r?.is_custom_repeat ?? 0,
    repeat_interval: r?.repeat_interval ?? 0,
    repeat_day_of_week: [...(r?.repeat_day_of_week ?? [])],
    repeat_day_of_month: [...(r?.repeat_day_of_month ?? [])],
    timezone: r?.timezone ?? DEFAULT_TIMEZONE,
    exclude_time_list: [],
  }
}

/** What get returns: documented defaults filled in, and `remind_time_diffs` winning when non-empty. */
export function normaliseReminders(r: WecomScheduleReminders | undefined): ScheduleReminders {
  const diffs = r?.remind_time_diffs ?? []
  const isRemind = r?.is_remind ?? 0
  const secs = diffs.length > 0 ? Math.max(0, -(diffs[0] ?? 0)) : (r?.remind_before_event_secs ?? 0)
  return {
    is_remind: isRemind,
    remind_before_event_secs: secs,
    remind_time_diffs: diffs.length > 0 ? [...diffs] : isRemind === 1 ? [-secs] : [],
    ...repeatFields(r),
  }
}

/** What the checks of a schedule's fields give back: its people and whether it is a whole-day one. */
export interface CheckedSchedule {
  admins: string[]
  attendees: string[]
  isWholeDay: boolean
}

/**
 * The documented rules of the `schedule` object that oa/schedule/add and oa/schedule/update share (times,
 * admins among the attendees, people known to the corp, text lengths, reminders), each named by
 * `<rule>.<field>.<rule>` in the reason: `wecom.schedule.add` for add, `wecom.schedule.update` for update.
 */
export function checkScheduleFields(corp: WecomCorp, s: ScheduleFields, rule: string): CheckedSchedule {
  // INFERRED: an end before the start is a bad parameter.
  if (s.end_time < s.start_time)
    fail(40058, `${rule}.time.order: end_time ${s.end_time} is before start_time ${s.start_time}`, {
      prefix: 'schedule.end_time must not be earlier than start_time. Invalid input ',
    })
  const admins = s.admins ?? []
  // INFERRED: no dedicated code for more than 3 admins; an over-long list is 40058.
  if (admins.length > 3)
    fail(40058, `${rule}.admins.max: ${admins.length} admins, at most 3`, {
      prefix: 'schedule.admins exceed max size 3. Invalid input ',
    })
  const attendees = (s.attendees ?? []).map((a) => a.userid)
  if (attendees.length > 1000) fail(90464, `${rule}.attendees.max: ${attendees.length} attendees, at most 1000`)
  for (const userid of attendees) {
    if (utf8Length(userid) > 64)
      fail(40058, `${rule}.attendees.userid.length: "${echo(userid)}" is over 64 bytes`, {
        prefix: 'schedule.attendees.userid exceed max length 64. Invalid input ',
      })
    // INFERRED: an unknown userid answers 60111 "userid not found".
    if (!corp.users.has(userid))
      fail(60111, `${rule}.attendees.userid.known: no user "${echo(userid)}" in corp ${corp.corpid}`, {
        prefix: `invalid string value \`${echo(userid)}\`. `,
      })
  }
  const attendeeSet = new Set(attendees)
  for (const admin of admins)
    if (!attendeeSet.has(admin))
      fail(90492, `${rule}.admins.among-attendees: admin "${echo(admin)}" is not among the attendees`)
  if (s.summary !== undefined && charLength(s.summary) > 128)
    fail(40058, `${rule}.summary.length: summary is over 128 characters`, {
      prefix: 'schedule.summary exceed max length 128. Invalid input ',
    })
  if (s.description !== undefined && charLength(s.description) > 1000)
    fail(40058, `${rule}.description.length: description is over 1000 characters`, {
      prefix: 'schedule.description exceed max length 1000. Invalid input ',
    })
  if (s.location !== undefined && charLength(s.location) > 128)
    fail(40058, `${rule}.location.length: location is over 128 characters`, {
      prefix: 'schedule.location exceed max length 128. Invalid input ',
    })
  const isWholeDay = s.is_whole_day === 1
  if (s.reminders) checkReminders(s.reminders, isWholeDay, s.start_time, rule)
  return { admins: [...admins], attendees, isWholeDay }
}

/** How a kept schedule repeats, for the recurrence arithmetic: a custom series keeps its interval and day list. */
export function scheduleRecurrence(r: ScheduleReminders): Recurrence {
  const custom = r.is_custom_repeat === 1
  return {
    type: r.repeat_type,
    interval: custom ? Math.max(1, r.repeat_interval) : 1,
    ...(custom && r.repeat_type === 1 && r.repeat_day_of_week.length > 0 ? { daysOfWeek: r.repeat_day_of_week } : {}),
    ...(custom && r.repeat_type === 2 && r.repeat_day_of_month.length > 0
      ? { daysOfMonth: r.repeat_day_of_month }
      : {}),
  }
}

/**
 * Whether `t` is the start of one occurrence of a kept schedule: on its series, not after its repeat_until
 * (0: forever), not taken out of it (exclude_time_list). A schedule that does not repeat has one, its start.
 */
export function isOccurrenceStart(record: ScheduleRecord, t: number): boolean {
  const r = record.reminders
  if (r.is_repeat !== 1) return t === record.startTime
  if (r.repeat_until > 0 && t > r.repeat_until) return false
  if (r.exclude_time_list.some((e) => e.start_time === t)) return false
  const rec = scheduleRecurrence(r)
  const n = occurrenceIndexAt(record.startTime, rec, t)
  return n >= 0 && occurrenceStart(record.startTime, rec, n) === t
}
