/**
 * A schedule's fields as oa/schedule/add (https://developer.work.weixin.qq.com/document/path/93648) and
 * oa/schedule/update (https://developer.work.weixin.qq.com/document/path/97720) take them: the rules of theirs
 * that need more than one field or the directory (each endpoint runs them as hooks, beside the plain rules of
 * its rule file), and the reminders in the shape oa/schedule/get returns (documented defaults filled in). The
 * meeting mail (exmail/app/compose_send) shares the repeat fields and the interval's range.
 */
import { echo } from '../../core/echo.ts'
import type { HookResult } from '../../core/rule-checks.ts'
import type { WecomScheduleAddRequest, WecomScheduleReminders } from '../../generated/contracts.ts'
import type { WecomCorp } from '../directory.ts'
import type { ScheduleRecord, ScheduleReminders } from '../schedules/store.ts'
import { occurrenceIndexAt, occurrenceStart, type Recurrence, repeatsInRange } from './recurrence.ts'

/** The `schedule` object of oa/schedule/add; oa/schedule/update's adds `schedule_id` and has no `cal_id`. */
export type ScheduleFields = Omit<WecomScheduleAddRequest['schedule'], 'cal_id'>

/** The summary a schedule shows when none is given (doc: 不填会默认显示为“新建事件”). */
export const DEFAULT_SUMMARY = '新建事件'
const REMIND_BEFORE_SECS: ReadonlySet<number> = new Set([0, 300, 900, 3600, 86400])
const REMIND_DIFFS: ReadonlySet<number> = new Set([0, -300, -900, -3600, -86400])
/** Only a whole-day schedule may also remind at 09:00 that day, two days or a week before. */
const REMIND_DIFFS_WHOLE_DAY: ReadonlySet<number> = new Set([...REMIND_DIFFS, 32400, -172800, -604800])
export const DEFAULT_TIMEZONE = 8

/** A 40058 with the field prefix WeCom writes (wording INFERRED, as every prefix). */
const badParam = (detail: string, prefix: string): HookResult => ({ detail, options: { prefix } })

/**
 * The hooks of the `schedule` rules: each answers the detail of its refusal, or undefined when its rule holds.
 * Every reminders field is checked when present, whatever `is_remind` / `is_repeat` say (the server parses
 * what it is sent); the one exception is the documented precedence: a non-empty `remind_time_diffs` makes
 * `remind_before_event_secs` ignored, so it is not checked either.
 */
export const scheduleRules = {
  // INFERRED: an end before the start is a bad parameter.
  timeOrder: (s: ScheduleFields): HookResult =>
    s.end_time < s.start_time
      ? badParam(
          `end_time ${s.end_time} is before start_time ${s.start_time}`,
          'schedule.end_time must not be earlier than start_time. Invalid input ',
        )
      : undefined,
  // INFERRED: an unknown userid answers 60111 "userid not found". Attendees are checked in turn, and an id
  // over 64 bytes (never a user) is the length rule's, checked right after this one.
  attendeeKnown: (corp: WecomCorp, s: ScheduleFields): HookResult => {
    for (const { userid } of s.attendees ?? []) {
      if (Buffer.byteLength(userid, 'utf8') > 64) return undefined
      if (!corp.users.has(userid))
        return {
          detail: `no user "${echo(userid)}" in corp ${corp.corpid}`,
          options: { prefix: `invalid string value \`${echo(userid)}\`. ` },
        }
    }
    return undefined
  },
  adminAmongAttendees: (s: ScheduleFields): HookResult => {
    const attendees = new Set((s.attendees ?? []).map((a) => a.userid))
    for (const admin of s.admins ?? [])
      if (!attendees.has(admin)) return `admin "${echo(admin)}" is not among the attendees`
    return undefined
  },
  remindBefore: (s: ScheduleFields): HookResult => {
    const r = s.reminders
    if (!r || (r.remind_time_diffs ?? []).length > 0 || r.remind_before_event_secs === undefined) return undefined
    return REMIND_BEFORE_SECS.has(r.remind_before_event_secs)
      ? undefined
      : `${r.remind_before_event_secs} is not one of 0, 300, 900, 3600, 86400`
  },
  /** The first difference not allowed, whichever of the two rules it breaks: each hook answers for its own. */
  remindDiffs: (s: ScheduleFields, wholeDayOnly: boolean): HookResult => {
    const wholeDay = s.is_whole_day === 1
    const allowed = wholeDay ? REMIND_DIFFS_WHOLE_DAY : REMIND_DIFFS
    const d = s.reminders?.remind_time_diffs?.find((x) => !allowed.has(x))
    if (d === undefined) return undefined
    const onlyWholeDay = !wholeDay && REMIND_DIFFS_WHOLE_DAY.has(d)
    if (onlyWholeDay !== wholeDayOnly) return undefined
    return onlyWholeDay
      ? `${d} is not allowed unless is_whole_day=1`
      : `${d} is not allowed (allowed: ${[...allowed].join(', ')})`
  },
  customInterval: (s: ScheduleFields): HookResult => {
    const r = s.reminders
    return r?.is_repeat === 1 && r.is_custom_repeat === 1 && !r.repeat_interval
      ? 'a custom repeat needs repeat_interval'
      : undefined
  },
  intervalRange: (r: RepeatInput | undefined, start: number): HookResult =>
    r && !repeatIntervalInRange(r, start) ? badParam(outOfRange(r), RANGE_PREFIX) : undefined,
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

/** A checked schedule's people: its admins and its attendees' userids. */
export function schedulePeople(s: ScheduleFields): { admins: string[]; attendees: string[] } {
  return { admins: [...(s.admins ?? [])], attendees: (s.attendees ?? []).map((a) => a.userid) }
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
