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
 *
 * A custom series with a day list (repeat_day_of_week / repeat_day_of_month, doc 98154) steps by period,
 * then by day: each listed day of every `interval`-th week or month is one meeting. Weeks all hold every
 * listed weekday, so the n-th meeting is whole weeks plus a position in the list. Months differ only in
 * whether they have the 29th, 30th and 31st, and the Gregorian calendar repeats every 400 years (4800
 * months): a list with such days is counted over at most one cycle of the months the interval visits,
 * plus whole cycles, so the work is bounded whatever `n` or the instant.
 */

/** repeat_type values of the docs: 0 daily, 1 weekly, 2 monthly, 7 every weekday; schedules add 5 yearly. */
export type RepeatType = 0 | 1 | 2 | 5 | 7

/** How a series steps: its type and interval, and for a custom weekly or monthly series its day list. */
export interface Recurrence {
  type: number
  interval: number
  /** A custom weekly series' weekdays, 1..7 = Monday..Sunday in UTC+8 (repeat_day_of_week); read for type 1. */
  daysOfWeek?: readonly number[]
  /** A custom monthly series' days of the month, 1..31 in UTC+8 (repeat_day_of_month); read for type 2. */
  daysOfMonth?: readonly number[]
}

const DAY = 86_400
const CST = 8 * 3600
/** Months in one cycle of the Gregorian calendar (400 years): month lengths repeat with this period. */
const CYCLE_MONTHS = 4800
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
  const { y, m, d } = civilFromDays(days)
  return { days, second: unix + CST - days * DAY, y, m, d }
}

/** Weekday 1..7 (Monday..Sunday) of a local (UTC+8) day count: 1970-01-01 was a Thursday. */
function weekdayOfDays(days: number): number {
  return floorMod(days + 3, 7) + 1
}

/** Weekday 1..7 (Monday..Sunday) of a unix instant, in UTC+8 (no civil date needed). */
function weekdayOf(unix: number): number {
  return weekdayOfDays(Math.floor((unix + CST) / DAY))
}

/** Weekday 1..7 (Monday..Sunday) and day of month 1..31 of a unix instant, in UTC+8. */
export function localDay(unix: number): { weekday: number; dayOfMonth: number } {
  const days = Math.floor((unix + CST) / DAY)
  return { weekday: weekdayOfDays(days), dayOfMonth: civilFromDays(days).d }
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
  const weekday = weekdayOf(start)
  return weekday >= 6 ? { base: start + (8 - weekday) * DAY, position: 0 } : { base: start, position: weekday - 1 }
}

function gcd(a: number, b: number): number {
  while (b > 0) [a, b] = [b, a % b]
  return a
}

/**
 * The days of a list that a series meets on: the start's own day (the docs: "会议开始时间对应的那天需要包含在
 * 该数组中…如果开发者没有指定，后台会补上") and the list's whole days from 1 to `max`, ascending, once each.
 */
function listedDays(list: readonly number[] | undefined, own: number, max: number): number[] {
  // A bit per day (bit 31 is the sign bit, which `&` reads like any other).
  let on = 1 << own
  if (Array.isArray(list)) for (const d of list) if (Number.isInteger(d) && d >= 1 && d <= max) on |= 1 << d
  const out: number[] = []
  for (let d = 1; d <= max; d++) if (on & (1 << d)) out.push(d)
  return out
}

/**
 * A custom weekly series on listed weekdays: the Monday of the start's week at the start's time of day, the
 * weekdays, the start's position among them, and the weeks per step. Meeting `j` counted from the Monday
 * (the start is `j = position`) is on weekday `days[j mod K]` of step `floor(j / K)`.
 */
function weekPlan(start: number, rec: Recurrence) {
  const weekday = weekdayOf(start)
  const days = listedDays(rec.daysOfWeek, weekday, 7)
  return { monday: start - (weekday - 1) * DAY, days, position: days.indexOf(weekday), weeks: stepOf(rec.interval) }
}

function weekListStart(start: number, rec: Recurrence, k: number): number {
  const { monday, days, position, weeks } = weekPlan(start, rec)
  const j = position + k
  const period = Math.floor(j / days.length)
  return monday + (period * weeks * 7 + days[j - period * days.length]! - 1) * DAY
}

function weekListIndexAt(start: number, rec: Recurrence, t: number): number {
  const { monday, days, position, weeks } = weekPlan(start, rec)
  // Days since the Monday, counted at the start's time of day: a meeting on day `d` has begun by t iff d <= day.
  const day = Math.floor((t - monday) / DAY)
  const week = Math.floor(day / 7)
  const period = Math.floor(week / weeks)
  // In a week the interval skips, the whole step before it has passed; in a meeting week, the days up to t's.
  let within = days.length
  if (week <= period * weeks) {
    within = 0
    for (const d of days) if (d - 1 <= day - week * 7) within++
  }
  return period * days.length + within - position - 1
}

/**
 * A custom monthly series on listed days of the month. A listed day a month lacks (the 31st in April) has
 * no meeting that month (decision: a missing day is skipped, as RFC 5545 (https://www.rfc-editor.org/rfc/rfc5545#section-3.3.10) ignores invalid dates; the
 * doc lists days by number, "分别表示1~31号"). So a month holds the listed days up to its length, a prefix of
 * the list: `perLength[len - 28]` meetings. `cycle` steps return to the same point of the 400-year calendar.
 */
function monthPlan(start: number, rec: Recurrence) {
  const l = local(start)
  const days = listedDays(rec.daysOfMonth, l.d, 31)
  const months = stepOf(rec.interval)
  const perLength = [28, 29, 30, 31].map((len) => days.filter((d) => d <= len).length)
  return {
    first: l.y * 12 + l.m - 1,
    second: l.second,
    days,
    position: days.indexOf(l.d),
    months,
    perLength,
    cycle: CYCLE_MONTHS / gcd(months % CYCLE_MONTHS, CYCLE_MONTHS),
  }
}
type MonthPlan = ReturnType<typeof monthPlan>

function monthLength(index: number): number {
  const y = Math.floor(index / 12)
  return daysInMonth(y, index - y * 12 + 1)
}

/** Meetings of step `p` (counting the listed days before the start in step 0). */
function meetingsIn(plan: MonthPlan, p: number): number {
  return plan.perLength[monthLength(plan.first + p * plan.months) - 28]!
}

/** Meetings of steps 0..p-1: whole cycles times a cycle's meetings, plus the steps left (under one cycle). */
function meetingsBefore(plan: MonthPlan, p: number): number {
  const walk = (steps: number) => {
    let sum = 0
    for (let i = 0; i < steps; i++) sum += meetingsIn(plan, i)
    return sum
  }
  if (p <= plan.cycle) return walk(p)
  const cycles = Math.floor(p / plan.cycle)
  return cycles * walk(plan.cycle) + walk(p - cycles * plan.cycle)
}

/** The step and the listed day of meeting `j` counted from step 0's first listed day. */
function locateMeeting(plan: MonthPlan, j: number): { step: number; day: number } {
  let before = 0
  for (let p = 0; p < plan.cycle; p++) {
    const here = meetingsIn(plan, p)
    if (j < before + here) return { step: p, day: plan.days[j - before]! }
    before += here
  }
  // Past one cycle: whole cycles (each holds `before` meetings, at least the start's), then the rest within one.
  const cycles = Math.floor(j / before)
  const rest = locateMeeting(plan, j - cycles * before)
  return { step: cycles * plan.cycle + rest.step, day: rest.day }
}

function monthDayStart(plan: MonthPlan, index: number, day: number): number {
  const y = Math.floor(index / 12)
  return daysFromCivil(y, index - y * 12 + 1, day) * DAY + plan.second - CST
}

function monthListStart(start: number, rec: Recurrence, k: number): number {
  const plan = monthPlan(start, rec)
  const j = plan.position + k
  const K = plan.days.length
  if (plan.perLength[0] === K) {
    // Every listed day exists in every month: whole steps plus a position in the list.
    const step = Math.floor(j / K)
    return monthDayStart(plan, plan.first + step * plan.months, plan.days[j - step * K]!)
  }
  const { step, day } = locateMeeting(plan, j)
  return monthDayStart(plan, plan.first + step * plan.months, day)
}

function monthListIndexAt(start: number, rec: Recurrence, t: number): number {
  const plan = monthPlan(start, rec)
  const month = monthIndex(t)
  const step = Math.floor((month - plan.first) / plan.months)
  const index = plan.first + step * plan.months
  const before = plan.perLength[0] === plan.days.length ? step * plan.days.length : meetingsBefore(plan, step)
  // In t's own month, the listed days that exist and have begun by t; in a month the interval skips, all of its step.
  const within =
    index === month
      ? plan.days.filter((d) => d <= monthLength(index) && monthDayStart(plan, index, d) <= t).length
      : meetingsIn(plan, step)
  return before + within - plan.position - 1
}

/** Whether the series walks a day list: a custom weekly or monthly one that carries its list. */
function listKind(rec: Recurrence): 'week' | 'month' | undefined {
  if (rec.type === 1 && rec.daysOfWeek !== undefined) return 'week'
  if (rec.type === 2 && rec.daysOfMonth !== undefined) return 'month'
  return undefined
}

/** The start of occurrence `n` (0-based; a negative or non-finite `n` is occurrence 0) of a series. */
export function occurrenceStart(start: number, rec: Recurrence, n: number): number {
  const k = Number.isFinite(n) && n > 0 ? Math.floor(n) : 0
  if (k === 0 && rec.type !== 7) return start
  const list = listKind(rec)
  if (list === 'week') return weekListStart(start, rec, k)
  if (list === 'month') return monthListStart(start, rec, k)
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
  const list = listKind(rec)
  if (list === 'week') return weekListIndexAt(start, rec, t)
  if (list === 'month') return monthListIndexAt(start, rec, t)
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

/** Whether `now` lies inside one occurrence (a custom series' listed days included), and whether the series is over. */
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
