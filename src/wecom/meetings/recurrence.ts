/**
 * Recurring meetings (reminders of 创建预约会议 / 修改预约会议, doc 99104 / 98154): the occurrence caps, the
 * clamped `repeat_until`, and whether an instant falls inside an occurrence. Calendar arithmetic is done in
 * China Standard Time (UTC+8, no daylight saving), the zone WeCom schedules in: "every weekday" and "the
 * same day each month" depend on the local date, not the UTC one.
 */

/** repeat_type values of the docs: 0 daily, 1 weekly, 2 monthly, 7 every weekday. */
export type RepeatType = 0 | 1 | 2 | 7

const DAY = 86_400
const CST = 8 * 3600

/** "每天\每个工作日\每周 最多重复200次会议；每月最多重复50次会议" (the create doc adds 每两周 to the 50 group). */
export function maxOccurrences(repeatType: number, interval = 1): number {
  if (repeatType === 2) return 50
  if (repeatType === 1 && interval >= 2) return 50
  return 200
}

/** Weekday 1..7 (Monday..Sunday) and day of month 1..31 of a unix instant, in UTC+8. */
export function localDay(unix: number): { weekday: number; dayOfMonth: number } {
  const d = new Date((unix + CST) * 1000)
  const js = d.getUTCDay()
  return { weekday: js === 0 ? 7 : js, dayOfMonth: d.getUTCDate() }
}

function addMonths(unix: number, months: number): number {
  const d = new Date((unix + CST) * 1000)
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() + months)
  // A meeting on the 31st lands on the month's last day in shorter months.
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, last))
  return Math.floor(d.getTime() / 1000) - CST
}

/** The start of occurrence `n` (0-based) of a series, or undefined past what the type can express. */
export function occurrenceStart(start: number, repeatType: number, interval: number, n: number): number {
  switch (repeatType) {
    case 1:
      return start + n * 7 * DAY * interval
    case 2:
      return addMonths(start, n * interval)
    case 7: {
      // Every weekday: step over Saturdays and Sundays.
      let t = start
      let seen = localDay(t).weekday <= 5 ? 0 : -1
      while (seen < n) {
        t += DAY
        if (localDay(t).weekday <= 5) seen++
      }
      return t
    }
    default:
      return start + n * DAY * interval
  }
}

/**
 * The latest allowed `repeat_until`: the start of the last occurrence the cap allows. "若会议结束时间超出最大结束时间
 * 或者未设置，则默认设置为最大结束时间": an absent or later value becomes this one, never an error.
 */
export function clampRepeatUntil(
  start: number,
  repeatType: number,
  interval: number,
  until: number | undefined,
): number {
  const max = occurrenceStart(start, repeatType, interval, maxOccurrences(repeatType, interval) - 1)
  return until === undefined || until === 0 || until > max ? max : until
}

/**
 * Whether `now` lies inside one occurrence, and whether the series is over. Custom day lists are not walked:
 * the series steps by its type and interval (a simplification that only matters for the clock-derived
 * status of a custom series).
 */
export function seriesState(
  start: number,
  duration: number,
  repeatType: number,
  interval: number,
  lastStart: number,
  now: number,
): 'before' | 'during' | 'between' | 'after' {
  if (now < start) return 'before'
  if (now >= lastStart + duration) return 'after'
  // Find the occurrence at or before now; the caps keep this to at most 200 steps.
  let n = 0
  let occ = start
  for (;;) {
    const next = occurrenceStart(start, repeatType, interval, n + 1)
    if (next > now || next > lastStart) break
    occ = next
    n++
  }
  return now < occ + duration ? 'during' : 'between'
}
