/**
 * The sub-meetings (子会议) of a recurring meeting, as get_info (获取会议详情,
 * https://developer.work.weixin.qq.com/document/path/98149) lists them and meeting/cancel (取消预约会议,
 * https://developer.work.weixin.qq.com/document/path/98153) names one by `sub_meetingid`.
 *
 * One sub-meeting per occurrence, its id the occurrence's start in Unix seconds as a decimal string
 * (decision: a sub-meeting's id is its start): stable across reads, derivable from the series, and checked
 * in closed form (src/wecom/calendar/recurrence.ts), so nothing is stored per occurrence but the ones
 * cancelled. A series has at most 200 occurrences (the cap), and every walk here is bounded by a page or by
 * the cancelled ones.
 *
 * `sub_meetings` is a page of SUB_MEETING_PAGE occurrences in start order, from the one get_info's
 * `sub_meetingid` names or else the first that has not ended (in progress or next, cancelled or not; the
 * series' first when none is left), a cancelled one marked status 1 (0 默认/存在, 1 已删除). The current
 * one (`current_sub_meetingid`) is the first of those not cancelled. `has_more_sub_meeting` says whether occurrences
 * follow the page (decision: sub_meetings pages from the current occurrence).
 */
import { occurrenceIndexAt, occurrenceStart } from '../calendar/recurrence.ts'
import { type MeetingRecord, type MeetingStore, occurrenceAt, occurrenceCount, recurrenceOf } from './store.ts'

/** Sub-meetings per get_info answer (Tencent Meeting's lists page by 20 too). */
export const SUB_MEETING_PAGE = 20

/** The occurrence a sub_meetingid names: its index and start, or undefined (one-off meetings have none). */
export function subMeeting(m: MeetingRecord, id: string): { index: number; start: number } | undefined {
  // The ids this emulator issues: a positive uint32, in decimal without leading zeros.
  if (!/^[1-9][0-9]{0,9}$/.test(id)) return undefined
  const start = Number(id)
  const index = occurrenceAt(m, start)
  return index < 0 ? undefined : { index, start }
}

/** The first occurrence that has not ended by `at` (in progress, or the next); the count when none is left. */
function openIndex(m: MeetingRecord, count: number, at: number): number {
  // Occurrence n has ended once its start is at or before at - duration.
  return Math.min(occurrenceIndexAt(m.meeting_start, recurrenceOf(m.reminders), at - m.meeting_duration) + 1, count)
}

/**
 * get_info's sub-meeting fields of a recurring meeting at `now` (none for a one-off one), the page starting
 * at occurrence `from` when get_info names one. `remain_sub_meetings` counts the occurrences from the
 * current one on that still take place; a cancelled series has none left and no current one.
 */
export function subMeetingFields(
  store: MeetingStore,
  m: MeetingRecord,
  now: number,
  from?: number,
): Record<string, unknown> {
  if (m.reminders.is_repeat !== 1) return {}
  const rec = recurrenceOf(m.reminders)
  const count = occurrenceCount(m)
  const startOf = (n: number) => occurrenceStart(m.meeting_start, rec, n)
  const cancelled = new Set(m.cancelled_sub_meetings)
  const open = openIndex(m, count, store.clockAt(now))
  // The current one: the first open occurrence that was not cancelled on its own (at most 200 steps).
  let current = m.cancelled ? count : open
  while (current < count && cancelled.has(startOf(current))) current++
  const left = current < count
  const remain = left ? count - current - m.cancelled_sub_meetings.filter((t) => t > startOf(current)).length : 0
  // A cancelled occurrence still to come is listed (status 1), so the page starts at the first open one.
  const first = from ?? (open < count ? open : 0)
  const repeatId = String(startOf(0))
  const page = []
  for (let n = first; n < Math.min(count, first + SUB_MEETING_PAGE); n++) {
    const start = startOf(n)
    page.push({
      sub_meetingid: String(start),
      status: m.cancelled || cancelled.has(start) ? 1 : 0,
      start_time: start,
      end_time: start + m.meeting_duration,
      title: m.title,
      repeat_id: repeatId,
    })
  }
  const r = m.reminders
  return {
    sub_meetings: page,
    has_more_sub_meeting: first + SUB_MEETING_PAGE < count ? 1 : 0,
    remain_sub_meetings: remain,
    current_sub_meetingid: left ? String(startOf(current)) : '',
    // One segment: nothing changes one occurrence's repeat, so the series never splits.
    sub_repeat_list: [
      {
        repeat_id: repeatId,
        repeat_type: r.repeat_type ?? 0,
        is_custom_repeat: r.is_custom_repeat ?? 0,
        repeat_interval: r.repeat_interval ?? 1,
        ...(r.repeat_day_of_week ? { repeat_day_of_week: [...r.repeat_day_of_week] } : {}),
        ...(r.repeat_day_of_month ? { repeat_day_of_month: [...r.repeat_day_of_month] } : {}),
        repeat_until_type: r.repeat_until_type ?? 0,
        repeat_until_count: count,
        repeat_until: r.repeat_until_type === 1 ? startOf(count - 1) : (r.repeat_until ?? startOf(count - 1)),
      },
    ],
  }
}
