/**
 * The console's calendar: WeCom meetings and schedules as occurrences within a window (a week), recurring
 * series expanded with the same closed-form arithmetic the meeting rules use (src/wecom/calendar/recurrence.ts),
 * each occurrence with its status on the emulator's clock. The detail of each item is what the vendor's own
 * read-back returns: meeting/get_info's body, oa/schedule/get's `schedule_list[]` entry.
 */
import type { Emulator } from '../core/emulator.ts'
import {
  LAST_INSTANT,
  occurrenceIndexAt,
  occurrenceStart,
  type Recurrence,
  seriesState,
} from '../wecom/calendar/recurrence.ts'
import { scheduleRecurrence } from '../wecom/calendar/schedule-fields.ts'
import { meetingInfo } from '../wecom/meetings/get-info.ts'
import { lastOccurrenceStart, type MeetingRecord, recurrenceOf } from '../wecom/meetings/store.ts'
import { type ScheduleRecord, scheduleView } from '../wecom/schedules/store.ts'

export type OccurrenceStatus = 'scheduled' | 'in_progress' | 'ended' | 'cancelled'

export interface Occurrence {
  start: number
  end: number
  status: OccurrenceStatus
}

export interface CalendarItem {
  kind: 'meeting' | 'schedule'
  id: string
  corpid: string
  agentid: number
  title: string
  /** The series' status now (a meeting: get_info's status in words; a schedule: cancelled or by the clock). */
  status: OccurrenceStatus
  repeats: boolean
  origin: 'api' | 'mail'
  /** The meeting a meeting mail booked with this schedule, or the schedule of a mail-booked meeting. */
  meetingid: string | null
  schedule_id: string | null
  occurrences: Occurrence[]
  detail: Record<string, unknown>
}

/** Occurrences listed per item, at most: a daily series in a week has 7, so this only stops a runaway window. */
const MAX_PER_ITEM = 400
/** Items per answer, at most (the newest first wins). */
export const MAX_ITEMS = 500

function statusAt(start: number, end: number, now: number, cancelled: boolean): OccurrenceStatus {
  if (cancelled) return 'cancelled'
  if (now < start) return 'scheduled'
  return now < end ? 'in_progress' : 'ended'
}

/** The occurrences of a series starting before `to` and ending after `from` (both Unix seconds). */
function expand(
  start: number,
  duration: number,
  rec: Recurrence,
  lastStart: number,
  from: number,
  to: number,
  skip: ReadonlySet<number>,
): number[] {
  const out: number[] = []
  // The first occurrence that may still be running at `from`.
  let n = Math.max(0, occurrenceIndexAt(start, rec, from - duration))
  for (let i = 0; i < MAX_PER_ITEM; i++, n++) {
    const s = occurrenceStart(start, rec, n)
    if (s > lastStart || s >= to) break
    if (s + duration > from && !skip.has(s)) out.push(s)
  }
  return out
}

function meetingItem(
  core: Emulator,
  m: MeetingRecord,
  scheduleOf: ReadonlyMap<string, string>,
  from: number,
  to: number,
  now: number,
): CalendarItem | undefined {
  const repeats = m.reminders.is_repeat === 1
  const rec = recurrenceOf(m.reminders)
  const starts = repeats
    ? expand(m.meeting_start, m.meeting_duration, rec, lastOccurrenceStart(m), from, to, new Set())
    : m.meeting_start < to && m.meeting_start + m.meeting_duration > from
      ? [m.meeting_start]
      : []
  if (starts.length === 0) return undefined
  const status = core.state.stores.meetings.status(m, now)
  const scheduleId = scheduleOf.get(m.meetingid)
  return {
    kind: 'meeting',
    id: m.meetingid,
    corpid: m.corpid,
    agentid: m.agentid,
    title: m.title,
    status,
    repeats,
    origin: scheduleId ? 'mail' : 'api',
    meetingid: m.meetingid,
    schedule_id: scheduleId ?? null,
    occurrences: starts.map((s) => ({
      start: s,
      end: s + m.meeting_duration,
      status: statusAt(s, s + m.meeting_duration, now, m.cancelled || m.cancelled_sub_meetings.includes(s)),
    })),
    detail: meetingInfo(core.state, m, now),
  }
}

/**
 * A schedule's status on the clock, as a meeting's: cancelled; scheduled before it and between two
 * occurrences of a series; in progress during one; ended after the last (a series without repeat_until
 * never ends).
 */
export function scheduleStatus(r: ScheduleRecord, now: number): OccurrenceStatus {
  if (r.status === 1) return 'cancelled'
  const duration = Math.max(0, r.endTime - r.startTime)
  const repeats = r.reminders.is_repeat === 1
  const lastStart = repeats ? r.reminders.repeat_until || LAST_INSTANT : r.startTime
  const state = seriesState(
    r.startTime,
    duration,
    repeats ? scheduleRecurrence(r.reminders) : { type: 0, interval: 1 },
    lastStart,
    now,
  )
  return state === 'during' ? 'in_progress' : state === 'after' ? 'ended' : 'scheduled'
}

function scheduleItem(r: ScheduleRecord, from: number, to: number, now: number): CalendarItem | undefined {
  const duration = Math.max(0, r.endTime - r.startTime)
  const repeats = r.reminders.is_repeat === 1
  const cancelled = r.status === 1
  // repeat_until 0: the series has no end (oa/schedule/add: 不填或填0表示一直重复).
  const lastStart = repeats ? r.reminders.repeat_until || LAST_INSTANT : r.startTime
  const skip = new Set(r.reminders.exclude_time_list.map((e) => e.start_time))
  const starts = repeats
    ? expand(r.startTime, duration, scheduleRecurrence(r.reminders), lastStart, from, to, skip)
    : r.startTime < to && r.endTime > from
      ? [r.startTime]
      : []
  if (starts.length === 0) return undefined
  return {
    kind: 'schedule',
    id: r.id,
    corpid: r.corpid,
    agentid: r.agentid,
    title: r.summary,
    status: scheduleStatus(r, now),
    repeats,
    origin: r.origin,
    meetingid: r.meetingid ?? null,
    schedule_id: r.id,
    occurrences: starts.map((s) => ({
      start: s,
      end: s + duration,
      status: statusAt(s, s + duration, now, cancelled),
    })),
    detail: scheduleView(r),
  }
}

export function calendar(
  core: Emulator,
  window: { from: number; to: number; corpid?: string; agentid?: number },
): { from: number; to: number; now: number; truncated: boolean; items: CalendarItem[] } {
  const now = core.clock.now()
  const owner = {
    ...(window.corpid !== undefined ? { corpid: window.corpid } : {}),
    ...(window.agentid !== undefined ? { agentid: window.agentid } : {}),
  }
  const schedules = core.state.stores.schedules.list(owner)
  // A meeting mail books a schedule and a meeting together: each names the other.
  const scheduleOf = new Map<string, string>()
  for (const s of schedules) if (s.meetingid) scheduleOf.set(s.meetingid, s.id)
  const items: CalendarItem[] = []
  for (const m of core.state.stores.meetings.list(owner)) {
    const item = meetingItem(core, m, scheduleOf, window.from, window.to, now)
    if (item) items.push(item)
  }
  for (const s of schedules) {
    const item = scheduleItem(s, window.from, window.to, now)
    if (item) items.push(item)
  }
  const truncated = items.length > MAX_ITEMS
  return { from: window.from, to: window.to, now, truncated, items: truncated ? items.slice(-MAX_ITEMS) : items }
}
