/**
 * Recurring meetings (reminders of 创建预约会议 / 修改预约会议, doc 99104 / 98154): the occurrence caps, the
 * clamped `repeat_until`, and whether an instant falls inside an occurrence. Calendar arithmetic is done in
 * China Standard Time (UTC+8, no daylight saving), the zone WeCom schedules in: "every weekday" and "the
 * same day each month" depend on the local date, not the UTC one.
 *
 * Everything here is closed form, so no input can make it loop: occurrence `n` and the occurrence at or
 * before an instant are computed, not walked to (daily and weekly by division, monthly and yearly by month
 * arithmetic on civil dates without `Date`, every weekday by whole weeks plus days). An interval below 1
 * (refused at the door) counts as 1, and every result is a finite number, however far out.
 */

/** repeat_type values of the docs: 0 daily, 1 weekly, 2 monthly, 7 every weekday; schedules add 5 yearly. */
export type RepeatType = 0 | 1 | 2 | 5 | 7

/**
 * How a series steps: its type and interval. The stored custom day lists (repeat_day_of_week /
 * repeat_day_of_month) are not walked yet; they would join here, stepping by period and then by day.
 */
export interface Recurrence {
  type: number
  interval: number
}

const DAY = 86_400
const CST = 8 * 3600
/** The last instant the docs' uint32 times can hold (2106-02-07 06:28:15 UTC). */
export const LAST_INSTANT = 0xffff_ffff

/** "每天\每个工作日\每周 最多重复200次会议；每月最多重复50次会议" (the create doc adds 每两周 to the 50 group). */
export function maxOccurrences(repeatType: number, interval = 1): number {
  if (repeatType === 2) return 50
  if (repeatType === 1 && interval >= 2) return 50
  return 200
}

/** The interval the arithmetic uses: a whole number from 1 to LAST_INSTANT (beyond that nothing fits anyway). */
function stepOf(interval: number): number {
  return Number.isFinite(interval) && interval >= 1 ? Math.min(Math.floor(interval), LAST_INSTANT) : 1
}

function floorMod(a: number, b: number): number {
  return a - Math.floor(a / b) * b
}

/** Civil date of a day count since 1970-01-01 (Hinnant's civil_from_days): exact for any whole number. */
function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const m = mp < 10 ? mp + 3 : mp - 9
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d: doy - Math.floor((153 * mp + 2) / 5) + 1 }
}

/** Day count since 1970-01-01 of a civil date (Hinnant's days_from_civil), `m` 1..12. */
function daysFromCivil(year: number, m: number, d: number): number {
  const y = m <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31
}

/** The local (UTC+8) day count, second of the day and civil date of a unix instant. */
function local(unix: number) {
  const days = Math.floor((unix + CST) / DAY)
  return { days, second: unix + CST - days * DAY, ...civilFromDays(days) }
}

/** Weekday 1..7 (Monday..Sunday) and day of month 1..31 of a unix instant, in UTC+8. */
export function localDay(unix: number): { weekday: number; dayOfMonth: number } {
  const l = local(unix)
  // 1970-01-01 was a Thursday.
  return { weekday: floorMod(l.days + 3, 7) + 1, dayOfMonth: l.d }
}

/** Months since year 0 of an instant's local date: what "the same day each month" counts in. */
function monthIndex(unix: number): number {
  const l = local(unix)
  return l.y * 12 + l.m - 1
}

function addMonths(unix: number, months: number): number {
  const l = local(unix)
  const index = l.y * 12 + l.m - 1 + months
  const y = Math.floor(index / 12)
  const m = index - y * 12 + 1
  // A meeting on the 31st lands on the month's last day in shorter months.
  return daysFromCivil(y, m, Math.min(l.d, daysInMonth(y, m))) * DAY + l.second - CST
}

/** Months per step of a calendar series (monthly, yearly); 0 for the others. */
function monthsPerStep(type: number): number {
  return type === 2 ? 1 : type === 5 ? 12 : 0
}

/** Seconds per step of a fixed-length series (daily, weekly). */
function secondsPerStep(type: number): number {
  return type === 1 ? 7 * DAY : DAY
}

/**
 * An every-weekday series: its first occurrence (the start, or the Monday after a weekend start, at the
 * same time of day) and that day's position 0..4 in its week.
 */
function weekdayBase(start: number): { base: number; position: number } {
  const weekday = localDay(start).weekday
  return weekday >= 6 ? { base: start + (8 - weekday) * DAY, position: 0 } : { base: start, position: weekday - 1 }
}

/** The start of occurrence `n` (0-based; a negative or non-finite `n` is occurrence 0) of a series. */
export function occurrenceStart(start: number, rec: Recurrence, n: number): number {
  const k = Number.isFinite(n) && n > 0 ? Math.floor(n) : 0
  if (k === 0 && rec.type !== 7) return start
  const step = stepOf(rec.interval)
  if (rec.type === 7) {
    // Every weekday: each week boundary crossed (five weekdays from the week's Monday) adds a weekend.
    const { base, position } = weekdayBase(start)
    return base + (k + 2 * Math.floor((position + k) / 5)) * DAY
  }
  const months = monthsPerStep(rec.type)
  if (months > 0) return addMonths(start, k * step * months)
  return start + k * step * secondsPerStep(rec.type)
}

/** The index of the last occurrence starting at or before `t`; -1 before the first one. */
export function occurrenceIndexAt(start: number, rec: Recurrence, t: number): number {
  if (!(t >= start)) return -1
  const step = stepOf(rec.interval)
  if (rec.type === 7) {
    const { base, position } = weekdayBase(start)
    if (t < base) return -1
    // Weekdays among the days from the week's Monday to t's day, less the ones before the first occurrence.
    const day = position + Math.floor((t - base) / DAY)
    return Math.floor(day / 7) * 5 + Math.min(floorMod(day, 7), 4) + 1 - position - 1
  }
  const months = monthsPerStep(rec.type)
  if (months > 0) {
    // The occurrence in t's month (or the one before) is the candidate; it may still lie after t that month.
    const n = Math.floor((monthIndex(t) - monthIndex(start)) / (step * months))
    return occurrenceStart(start, rec, n) > t ? n - 1 : n
  }
  return Math.floor((t - start) / (step * secondsPerStep(rec.type)))
}

/**
 * The latest allowed `repeat_until`: the start of the last occurrence the cap allows, and no later than the
 * last uint32 instant. "若会议结束时间超出最大结束时间或者未设置，则默认设置为最大结束时间": an absent or
 * later value becomes this one, never an error.
 */
export function clampRepeatUntil(start: number, rec: Recurrence, until: number | undefined): number {
  const cap = maxOccurrences(rec.type, rec.interval) - 1
  const max = occurrenceStart(start, rec, Math.min(cap, occurrenceIndexAt(start, rec, LAST_INSTANT)))
  return until === undefined || until === 0 || until > max ? max : until
}

/** Whether the series can repeat at all within uint32 time: its second occurrence starts by LAST_INSTANT. */
export function repeatsInRange(start: number, rec: Recurrence): boolean {
  return occurrenceStart(start, rec, 1) <= LAST_INSTANT
}

/**
 * Whether `now` lies inside one occurrence, and whether the series is over. Custom day lists are not walked:
 * the series steps by its type and interval (a simplification that only matters for the clock-derived
 * status of a custom series).
 */
export function seriesState(
  start: number,
  duration: number,
  rec: Recurrence,
  lastStart: number,
  now: number,
): 'before' | 'during' | 'between' | 'after' {
  if (now < start) return 'before'
  if (now >= lastStart + duration) return 'after'
  const n = occurrenceIndexAt(start, rec, Math.min(now, lastStart))
  const occ = n >= 0 ? occurrenceStart(start, rec, n) : start
  return now < occ + duration ? 'during' : 'between'
}
