/**
 * The recurrence arithmetic of meetings (src/wecom/calendar/recurrence.ts): closed form, so the inputs that
 * used to spin forever (issue 16: interval 0, monthly interval 1e9) return at once, and the results agree
 * with a plain walk of the calendar (the reference below, bounded by the 200-occurrence cap). Then the same
 * series through the stub server: refused at the door of create, update and compose_send, and the far-reaching
 * ones that are allowed read back finite values with a clock-derived status once their start has passed.
 */
import { beforeEach, describe, expect, test } from 'vitest'
import {
  clampRepeatUntil,
  LAST_INSTANT,
  localDay,
  occurrenceIndexAt,
  occurrenceStart,
  type Recurrence,
  repeatsInRange,
  seriesState,
} from '../src/wecom/calendar/recurrence.ts'
import { useStubServer } from './support/server.ts'

const DAY = 86_400
const CST = 8 * 3600

/** The reference: the first 200 occurrences by JS Date month arithmetic and a day-by-day weekday walk. */
function walkSeries(start: number, rec: Recurrence): number[] {
  const out: number[] = []
  if (rec.type === 7) {
    for (let t = start; out.length < 200; t += DAY) if (localDay(t).weekday <= 5) out.push(t)
    return out
  }
  for (let n = 0; n < 200; n++) {
    if (rec.type === 2 || rec.type === 5) {
      const d = new Date((start + CST) * 1000)
      const day = d.getUTCDate()
      d.setUTCDate(1)
      d.setUTCMonth(d.getUTCMonth() + n * rec.interval * (rec.type === 5 ? 12 : 1))
      const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
      d.setUTCDate(Math.min(day, last))
      out.push(d.getTime() / 1000 - CST)
    } else out.push(start + n * rec.interval * (rec.type === 1 ? 7 : 1) * DAY)
  }
  return out
}

/** A small seeded generator, so a failure names a start that can be replayed. */
function lcg(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648
    return s / 2_147_483_648
  }
}

const SERIES: Recurrence[] = [
  { type: 0, interval: 1 },
  { type: 0, interval: 3 },
  { type: 1, interval: 1 },
  { type: 1, interval: 2 },
  { type: 2, interval: 1 },
  { type: 2, interval: 5 },
  { type: 5, interval: 1 },
  { type: 7, interval: 1 },
]
const random = lcg(16)
// Starts from 2001 to 2090, and the 31st of a month at 23:30 local time (month-end and day-boundary edges).
const STARTS = [
  ...Array.from({ length: 40 }, () => 978_307_200 + Math.floor(random() * 2_800_000_000)),
  Date.UTC(2024, 0, 31, 15, 30) / 1000,
  Date.UTC(2023, 11, 31, 15, 59, 59) / 1000,
]

describe('recurrence arithmetic', () => {
  test.each(
    SERIES,
  )('occurrenceStart of type $type every $interval matches a calendar walk for 200 occurrences', (rec) => {
    for (const start of STARTS) {
      const computed = Array.from({ length: 200 }, (_, n) => occurrenceStart(start, rec, n))
      expect(computed, `start ${start}`).toEqual(walkSeries(start, rec))
    }
  })

  test.each(
    SERIES,
  )('occurrenceIndexAt of type $type every $interval names the last occurrence at or before an instant', (rec) => {
    for (const start of STARTS) {
      expect(occurrenceIndexAt(start, rec, start - 1)).toBe(-1)
      for (let i = 0; i < 30; i++) {
        const t = start + Math.floor(random() * 400 * DAY)
        const n = occurrenceIndexAt(start, rec, t)
        if (n >= 0) expect(occurrenceStart(start, rec, n), `start ${start}, t ${t}`).toBeLessThanOrEqual(t)
        expect(occurrenceStart(start, rec, n + 1), `start ${start}, t ${t}`).toBeGreaterThan(t)
      }
    }
  })

  test('a monthly series on the 31st lands on the last day of shorter months, at the same local time', () => {
    const jan31 = Date.UTC(2024, 0, 31, 2) / 1000 // 10:00 on 2024-01-31 in UTC+8
    expect(occurrenceStart(jan31, { type: 2, interval: 1 }, 1)).toBe(Date.UTC(2024, 1, 29, 2) / 1000)
    expect(occurrenceStart(jan31, { type: 2, interval: 1 }, 3)).toBe(Date.UTC(2024, 3, 30, 2) / 1000)
    expect(occurrenceStart(jan31, { type: 5, interval: 1 }, 1)).toBe(Date.UTC(2025, 0, 31, 2) / 1000)
  })

  test('an every-weekday series started on a weekend begins the Monday after and skips weekends', () => {
    const saturday = Date.UTC(2024, 5, 1, 1) / 1000 // 09:00 Saturday 2024-06-01 in UTC+8
    const monday = saturday + 2 * DAY
    expect(occurrenceStart(saturday, { type: 7, interval: 1 }, 0)).toBe(monday)
    expect(occurrenceStart(saturday, { type: 7, interval: 1 }, 5)).toBe(monday + 7 * DAY)
    expect(occurrenceIndexAt(saturday, { type: 7, interval: 1 }, monday - 1)).toBe(-1)
    expect(occurrenceIndexAt(saturday, { type: 7, interval: 1 }, monday + 5 * DAY)).toBe(4)
  })

  test('issue 16: the series that spun forever (interval 0, negative, NaN, monthly 1e9) return a state at once', () => {
    const start = 2_000_000_000
    for (const rec of [
      { type: 0, interval: 0 },
      { type: 0, interval: -1 },
      { type: 1, interval: Number.NaN },
      { type: 2, interval: 1_000_000_000 },
      { type: 2, interval: 1e300 },
      { type: 7, interval: 0 },
    ]) {
      const last = clampRepeatUntil(start, rec, undefined)
      expect(Number.isFinite(last), JSON.stringify(rec)).toBe(true)
      expect(seriesState(start, 3600, rec, last, start + 10)).toBe('during')
      expect(seriesState(start, 3600, rec, last, start + 7200)).toMatch(/^(between|after)$/)
      expect(seriesState(start, 3600, rec, Number.NaN, start + 7200)).toBe('between')
    }
  })

  test('clampRepeatUntil never passes the last uint32 instant: a series that cannot repeat by then ends at its start', () => {
    const start = 2_000_000_000
    expect(clampRepeatUntil(start, { type: 2, interval: 1_000_000_000 }, undefined)).toBe(start)
    expect(clampRepeatUntil(start, { type: 2, interval: 1_000_000_000 }, 4_000_000_000)).toBe(start)
    // Every 300 days: 200 occurrences would run to the 2160s, so the series stops at the last one by 2106.
    const every300 = clampRepeatUntil(start, { type: 0, interval: 300 }, undefined)
    expect(every300).toBe(start + Math.floor((LAST_INSTANT - start) / (300 * DAY)) * 300 * DAY)
    expect(every300 + 300 * DAY).toBeGreaterThan(LAST_INSTANT)
    // Within range the cap decides, as before.
    expect(clampRepeatUntil(start, { type: 0, interval: 1 }, undefined)).toBe(start + 199 * DAY)
    expect(clampRepeatUntil(start, { type: 0, interval: 1 }, start + DAY)).toBe(start + DAY)
  })

  test('repeatsInRange: the second occurrence must start by the last uint32 instant', () => {
    const start = 2_000_000_000
    expect(repeatsInRange(start, { type: 2, interval: 1_000_000_000 })).toBe(false)
    expect(repeatsInRange(start, { type: 0, interval: 26_000 })).toBe(true)
    expect(repeatsInRange(start, { type: 0, interval: 27_000 })).toBe(false)
    expect(repeatsInRange(LAST_INSTANT - 10, { type: 7, interval: 1 })).toBe(false)
  })

  test('seriesState agrees with stepping through the occurrences one by one', () => {
    for (const rec of SERIES)
      for (const start of STARTS.slice(0, 10)) {
        const last = clampRepeatUntil(start, rec, undefined)
        const walk = walkSeries(start, rec)
        for (let i = 0; i < 20; i++) {
          const now = start + Math.floor(random() * (last - start + 2 * DAY))
          // Occurrence 0 is the start, or for every weekday the first weekday from it.
          let occ = start
          for (const next of walk) {
            if (next > now || next > last) break
            occ = next
          }
          const want = now >= last + 1800 ? 'after' : now < occ + 1800 ? 'during' : 'between'
          expect(seriesState(start, 1800, rec, last, now), `${JSON.stringify(rec)} start ${start} now ${now}`).toBe(
            want,
          )
        }
      }
  })
})

/**
 * The reference for custom day lists: every day from the start at its local time of day, kept when its
 * weekday (day of month) is listed or is the start's own, and its week (month) is one the interval reaches.
 * JS Date does the calendar; at most `days` days are walked, so the list may come back shorter than `count`.
 */
function walkDays(start: number, rec: Recurrence, count: number, days = 40_000): number[] {
  const local = (t: number) => new Date((t + CST) * 1000)
  const weekdayOf = (d: Date) => ((d.getUTCDay() + 6) % 7) + 1
  const s = local(start)
  const monday = Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), s.getUTCDate() - weekdayOf(s) + 1)
  const out: number[] = []
  for (let t = start, i = 0; out.length < count && i < days; t += DAY, i++) {
    const d = local(t)
    if (rec.type === 1) {
      const week = Math.floor(
        (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - monday) / (7 * DAY * 1000),
      )
      const listed = [...(rec.daysOfWeek ?? []), weekdayOf(s)].includes(weekdayOf(d))
      if (week % rec.interval === 0 && listed) out.push(t)
    } else {
      const months = (d.getUTCFullYear() - s.getUTCFullYear()) * 12 + d.getUTCMonth() - s.getUTCMonth()
      const listed = [...(rec.daysOfMonth ?? []), s.getUTCDate()].includes(d.getUTCDate())
      if (months % rec.interval === 0 && listed) out.push(t)
    }
  }
  return out
}

const WEEKLY_LISTS: Recurrence[] = [
  { type: 1, interval: 1, daysOfWeek: [1, 2, 3, 4, 5] },
  { type: 1, interval: 1, daysOfWeek: [3, 7] },
  { type: 1, interval: 1, daysOfWeek: [1, 2, 3, 4, 5, 6, 7] },
  { type: 1, interval: 1, daysOfWeek: [] },
  { type: 1, interval: 2, daysOfWeek: [1, 3] },
  { type: 1, interval: 3, daysOfWeek: [2, 4, 6] },
]
const MONTHLY_LISTS: Recurrence[] = [
  { type: 2, interval: 1, daysOfMonth: [1, 15] },
  { type: 2, interval: 1, daysOfMonth: [29, 30, 31] },
  { type: 2, interval: 1, daysOfMonth: [31] },
  { type: 2, interval: 1, daysOfMonth: [] },
  { type: 2, interval: 2, daysOfMonth: [5, 30] },
  { type: 2, interval: 5, daysOfMonth: [1, 31] },
  { type: 2, interval: 1, daysOfMonth: Array.from({ length: 31 }, (_, i) => i + 1) },
  { type: 2, interval: 12, daysOfMonth: [29] },
]
// Month ends, a leap day, the last second of a local day and a Sunday night: where day lists go wrong.
const LIST_STARTS = [
  ...STARTS.slice(0, 12),
  Date.UTC(2024, 0, 31, 15, 30) / 1000, // 2024-01-31 23:30 UTC+8
  Date.UTC(2024, 1, 28, 16) / 1000, // 2024-02-29 00:00 UTC+8
  Date.UTC(2030, 2, 17, 15, 59, 59) / 1000, // Sunday 2030-03-17 23:59:59 UTC+8
  Date.UTC(2030, 3, 29, 16) / 1000, // 2030-04-30 00:00 UTC+8
]
const listRow = (rec: Recurrence) => ({ rec, days: JSON.stringify(rec.daysOfWeek ?? rec.daysOfMonth) })
const capOf = (rec: Recurrence) => (rec.type === 2 || rec.interval >= 2 ? 50 : 200)

describe('custom day lists (issue 13)', () => {
  test.each(
    [...WEEKLY_LISTS, ...MONTHLY_LISTS].map(listRow),
  )('occurrenceStart of type $rec.type every $rec.interval on days $days matches a day-by-day walk up to its cap', ({
    rec,
  }) => {
    for (const start of LIST_STARTS) {
      const walk = walkDays(start, rec, capOf(rec))
      expect(walk.length, `start ${start}`).toBeGreaterThan(10)
      const computed = walk.map((_, n) => occurrenceStart(start, rec, n))
      expect(computed, `start ${start}`).toEqual(walk)
    }
  })

  test.each(
    [...WEEKLY_LISTS, ...MONTHLY_LISTS].map(listRow),
  )('occurrenceIndexAt of type $rec.type every $rec.interval on days $days counts the walked meetings at or before an instant', ({
    rec,
  }) => {
    for (const start of LIST_STARTS) {
      const walk = walkDays(start, rec, capOf(rec))
      expect(occurrenceIndexAt(start, rec, start - 1)).toBe(-1)
      for (let i = 0; i < 40; i++) {
        const t = start + Math.floor(random() * (walk.at(-1)! - start + DAY))
        const want = walk.filter((o) => o <= t).length - 1
        expect(occurrenceIndexAt(start, rec, t), `start ${start}, t ${t}`).toBe(want)
      }
      // Each meeting's own start, and the second before it.
      for (const [n, o] of walk.entries()) {
        expect(occurrenceIndexAt(start, rec, o), `start ${start}, meeting ${n}`).toBe(n)
        expect(occurrenceIndexAt(start, rec, o - 1), `start ${start}, meeting ${n}`).toBe(n - 1)
      }
    }
  })

  test.each(
    [...WEEKLY_LISTS, ...MONTHLY_LISTS.slice(0, 7)].map(listRow),
  )('clampRepeatUntil of type $rec.type every $rec.interval on days $days lands on the last meeting the cap allows', ({
    rec,
  }) => {
    for (const start of LIST_STARTS) {
      const walk = walkDays(start, rec, capOf(rec))
      expect(walk.length).toBe(capOf(rec))
      expect(clampRepeatUntil(start, rec, undefined), `start ${start}`).toBe(walk.at(-1))
      expect(clampRepeatUntil(start, rec, walk[3]! + 1), `start ${start}`).toBe(walk[3]! + 1)
    }
  })

  test('seriesState of a day-list series agrees with the walked meetings', () => {
    for (const rec of [...WEEKLY_LISTS, ...MONTHLY_LISTS])
      for (const start of LIST_STARTS.slice(-6)) {
        const walk = walkDays(start, rec, capOf(rec))
        const last = walk.at(-1)!
        for (let i = 0; i < 60; i++) {
          const now = start + Math.floor(random() * (last - start + 2 * DAY))
          const occ = walk.filter((o) => o <= now).at(-1)!
          const want = now >= last + 7200 ? 'after' : now < occ + 7200 ? 'during' : 'between'
          const label = `${JSON.stringify(rec)} start ${start} now ${now}`
          expect(seriesState(start, 7200, rec, last, now), label).toBe(want)
        }
      }
  })

  test('wecom.meeting.update.reminders.repeat_day_of_month.missing-day: a listed day a month lacks has no meeting that month', () => {
    const jan31 = Date.UTC(2030, 0, 31, 2) / 1000 // 10:00 on 2030-01-31 in UTC+8
    const rec = { type: 2, interval: 1, daysOfMonth: [30, 31] }
    const at = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 2) / 1000
    expect([1, 2, 3, 4, 5].map((n) => occurrenceStart(jan31, rec, n))).toEqual([
      at(2030, 3, 30),
      at(2030, 3, 31),
      at(2030, 4, 30),
      at(2030, 5, 30),
      at(2030, 5, 31),
    ])
    // February has neither day: 2030-02-28 10:30 is between meetings, not inside one.
    expect(seriesState(jan31, 3600, rec, LAST_INSTANT, at(2030, 2, 28) + 1800)).toBe('between')
    // The plain monthly series (no list) keeps its start day clamped to the month's end.
    expect(occurrenceStart(jan31, { type: 2, interval: 1 }, 1)).toBe(at(2030, 2, 28))
  })

  test('a day list is read as the start day plus its valid whole days, in any order and with repeats', () => {
    const monday = Date.UTC(2030, 2, 18, 3) / 1000 // Monday 2030-03-18 11:00 UTC+8
    const messy = { type: 1, interval: 1, daysOfWeek: [5, 0, 3, 8, 3, 1.5, Number.NaN, -2] }
    const clean = { type: 1, interval: 1, daysOfWeek: [1, 3, 5] }
    for (let n = 0; n < 20; n++) expect(occurrenceStart(monday, messy, n)).toBe(occurrenceStart(monday, clean, n))
    const monthly = { type: 2, interval: 1, daysOfMonth: [40, 18.5, 0, 20, 20] }
    expect(occurrenceStart(monday, monthly, 1)).toBe(monday + 2 * DAY)
    expect(occurrenceStart(monday, monthly, 2)).toBe(Date.UTC(2030, 3, 18, 3) / 1000)
  })

  test('far meetings of a day-list series are computed, not walked: occurrence n and the index at its start agree', () => {
    const feb29 = Date.UTC(2028, 1, 29, 2) / 1000 // 2028-02-29 10:00 UTC+8
    // Walking to these one meeting at a time would take minutes; each answer stays exact to the second.
    const cases: [Recurrence, number][] = [
      [{ type: 2, interval: 12, daysOfMonth: [29] }, 1_000_000],
      [{ type: 2, interval: 1, daysOfMonth: [29, 30, 31] }, 100_000_000],
      [{ type: 2, interval: 7, daysOfMonth: [1, 31] }, 99_999_999],
      [{ type: 2, interval: 1000, daysOfMonth: [29, 31] }, 1_000_001],
      [{ type: 1, interval: 3, daysOfWeek: [1, 2, 7] }, 1_000_000_000],
    ]
    for (const [rec, n] of cases) {
      const o = occurrenceStart(feb29, rec, n)
      expect(o, JSON.stringify(rec)).toBeLessThan(2 ** 53)
      expect(occurrenceIndexAt(feb29, rec, o), JSON.stringify(rec)).toBe(n)
      expect(occurrenceIndexAt(feb29, rec, o - 1), JSON.stringify(rec)).toBe(n - 1)
      expect(Number.isFinite(clampRepeatUntil(feb29, rec, undefined))).toBe(true)
    }
    // Every leap day from 2028: the 500th lies 2000-odd years on, on a 29 February at 10:00 UTC+8.
    const leap = new Date((occurrenceStart(feb29, { type: 2, interval: 12, daysOfMonth: [29] }, 500) + CST) * 1000)
    expect([leap.getUTCMonth(), leap.getUTCDate(), leap.getUTCHours()]).toEqual([1, 29, 10])
    // 400 Gregorian years hold 97 leap days: the 97th leap day after 2028-02-29 is 2428-02-29.
    expect(occurrenceStart(feb29, { type: 2, interval: 12, daysOfMonth: [29] }, 97)).toBe(
      Date.UTC(2428, 1, 29, 2) / 1000,
    )
  })
})

/** Clock, calls and read-back against a stub server (app 1000014 of the dev corp). */
function stubClient(server: ReturnType<typeof useStubServer>) {
  async function clock(now: number): Promise<void> {
    const r = await fetch(`${server.url}/__mock/clock`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now, frozen: true }),
    })
    expect(r.status).toBe(200)
  }
  // A fresh token per call: the tests move the clock past a token's lifetime.
  async function post(path: string, body: unknown): Promise<any> {
    const t = await fetch(
      `${server.url}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014`,
    )
    const token = ((await t.json()) as { access_token: string }).access_token
    const r = await fetch(`${server.url}${path}?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return r.json()
  }
  const listed = async (): Promise<any[]> =>
    ((await (await fetch(`${server.url}/__mock/wecom/meetings`)).json()) as { meetings: any[] }).meetings
  const book = async (body: object): Promise<string> => {
    const r = await post('/cgi-bin/meeting/create', body)
    expect(r).toMatchObject({ errcode: 0 })
    return r.meetingid
  }
  return { clock, post, listed, book }
}

describe('recurring series over HTTP (issue 16)', () => {
  const server = useStubServer()
  const START = 1_899_943_200 // Sunday 2030-03-17 10:00 in UTC+8
  const BOOK = { admin_userid: 'zhangsan', title: '周会', meeting_start: START, meeting_duration: 3600 }
  const custom = (repeat_type: number, repeat_interval: number) => ({
    is_repeat: 1,
    repeat_type,
    is_custom_repeat: 1,
    repeat_interval,
  })
  const { clock, post, listed, book } = stubClient(server)
  beforeEach(async () => {
    server.emulator.control.reset()
    await clock(START - 10_000)
  })

  test('wecom.meeting.create.body.types: a day list that is not an array of integers answers 40058, not a failure', async () => {
    for (const bad of ['1,3', 3, [1, 'x'], { 0: 1 }]) {
      const r = await post('/cgi-bin/meeting/create', {
        ...BOOK,
        reminders: { ...custom(1, 1), repeat_day_of_week: bad },
      })
      expect(r.errcode, JSON.stringify(bad)).toBe(40058)
      const m = await post('/cgi-bin/meeting/create', {
        ...BOOK,
        reminders: { ...custom(2, 1), repeat_day_of_month: bad },
      })
      expect(m.errcode, JSON.stringify(bad)).toBe(40058)
    }
    expect(await listed()).toEqual([])
  })

  test('wecom.meeting.create.reminders.repeat_interval.custom / .range: 0, -1 and a monthly 1e9 are refused with 400033 and nothing is booked', async () => {
    for (const [reminders, rule] of [
      [custom(0, 0), 'repeat_interval.custom'],
      [custom(0, -1), 'repeat_interval.custom'],
      [custom(2, 1_000_000_000), 'repeat_interval.range'],
      [custom(0, 30_000), 'repeat_interval.range'],
    ] as const) {
      const r = await post('/cgi-bin/meeting/create', { ...BOOK, reminders })
      expect(r.errcode, JSON.stringify(reminders)).toBe(400033)
      expect(r.errmsg).toMatch(/^不合法的repeat_interval参数/)
      expect(server.emulator.control.requests({ route: 'wecom.meeting.create' }).entries.at(-1)?.reason).toContain(rule)
    }
    expect(await listed()).toEqual([])
  })

  test('wecom.meeting.update.reminders.repeat_interval.range: update refuses the same intervals, and a new start that leaves the stored one no second occurrence', async () => {
    const id = await book({ ...BOOK, reminders: custom(2, 900) })
    expect((await post('/cgi-bin/meeting/update', { meetingid: id, reminders: custom(0, 0) })).errcode).toBe(400033)
    const far = { meetingid: id, reminders: custom(2, 1_000_000_000) }
    expect((await post('/cgi-bin/meeting/update', far)).errcode).toBe(400033)
    // Every 900 months from 2030 repeats in 2105; from 2033 it would be 2108, past uint32 time.
    const moved = { meetingid: id, meeting_start: 2_000_000_000, meeting_duration: 3600 }
    expect((await post('/cgi-bin/meeting/update', moved)).errcode).toBe(400033)
    expect((await listed())[0]).toMatchObject({ meeting_start: START, reminders: { repeat_interval: 900 } })
  })

  test('a far-reaching custom series reads back a finite repeat_until and a clock-derived status through get_info, update and the control plane once its start has passed', async () => {
    const monthly = await book({ ...BOOK, reminders: custom(2, 900) })
    const daily = await book({ ...BOOK, title: '日会', reminders: custom(0, 300) })
    const weekdays = await book({ ...BOOK, title: '站会', reminders: { is_repeat: 1, repeat_type: 7 } })
    const info = async (meetingid: string) => post('/cgi-bin/meeting/get_info', { meetingid })

    // Every 900 months from 2030: one repeat, in 2105, then none within uint32 time.
    const repeat2105 = occurrenceStart(START, { type: 2, interval: 900 }, 1)
    expect(new Date(repeat2105 * 1000).toISOString()).toBe('2105-03-17T02:00:00.000Z')
    expect((await info(monthly)).reminders.repeat_until).toBe(repeat2105)
    await clock(START + 60)
    // The booked Sunday start counts for the every-weekday series too, as it always did.
    for (const id of [monthly, daily, weekdays]) expect((await info(id)).status, id).toBe(2)
    expect((await listed()).map((m) => m.status)).toEqual(['in_progress', 'in_progress', 'in_progress'])
    expect((await post('/cgi-bin/meeting/update', { meetingid: daily, title: 'x' })).errcode).toBe(400221)

    await clock(START + 86_400 + 60) // Monday 10:01: the weekday series' first weekday
    expect((await listed()).map((m) => m.status)).toEqual(['scheduled', 'scheduled', 'in_progress'])

    await clock(START + 2 * 86_400 + 7200) // Tuesday noon: between occurrences of all three
    expect((await post('/cgi-bin/meeting/update', { meetingid: daily, title: '日会 2' })).errcode).toBe(0)
    const got = await info(daily)
    expect(got).toMatchObject({ errcode: 0, title: '日会 2', status: 1 })
    // Every 300 days: 200 occurrences would run past 2106, so the series stops at the last one before.
    expect(got.reminders.repeat_until).toBe(START + Math.floor((LAST_INSTANT - START) / (300 * DAY)) * 300 * DAY)
    expect((await info(weekdays)).status).toBe(1)

    await clock(LAST_INSTANT)
    expect((await listed()).map((m) => m.status)).toEqual(['ended', 'ended', 'ended'])
  })

  test('wecom.exmail.compose_send.schedule.reminders.repeat_interval.range: a meeting mail whose custom interval cannot repeat by 2106 is refused with 40058; a plain weekly mail books an every-week meeting', async () => {
    const mail = (reminders: object) => ({
      to: { userids: ['lisi'] },
      subject: '评审',
      content: '正文',
      schedule: { start_time: START, end_time: START + 3600, reminders },
      meeting: { meeting_admins: { userids: ['lisi'] } },
    })
    const refused = await post('/cgi-bin/exmail/app/compose_send', mail(custom(2, 1_000_000_000)))
    expect(refused.errcode).toBe(40058)
    expect(await listed()).toEqual([])
    // repeat_interval "仅当指定为自定义重复时有效": a plain weekly mail's 5 does not reach the meeting.
    expect(
      await post('/cgi-bin/exmail/app/compose_send', mail({ is_repeat: 1, repeat_type: 1, repeat_interval: 5 })),
    ).toMatchObject({ errcode: 0 })
    expect(await post('/cgi-bin/exmail/app/compose_send', mail(custom(2, 900)))).toMatchObject({ errcode: 0 })
    const [weekly, monthly] = await listed()
    expect(weekly.reminders).toMatchObject({ repeat_type: 1, repeat_interval: 1, repeat_until: START + 199 * 7 * DAY })
    expect(monthly.reminders).toMatchObject({
      repeat_type: 2,
      repeat_interval: 900,
      repeat_until: occurrenceStart(START, { type: 2, interval: 900 }, 1),
    })
    await clock(START + 60)
    expect((await listed()).map((m) => m.status)).toEqual(['in_progress', 'in_progress'])
  })
})

describe('custom day lists over HTTP (issue 13)', () => {
  const server = useStubServer()
  const { clock, post, listed, book } = stubClient(server)
  const MONDAY = Date.UTC(2030, 2, 18, 3) / 1000 // Monday 2030-03-18 11:00 in UTC+8
  const BOOK = { admin_userid: 'zhangsan', title: '例会', meeting_start: MONDAY, meeting_duration: 7200 }
  const weekly = (days: number[], repeat_interval = 1) => ({
    is_repeat: 1,
    repeat_type: 1,
    is_custom_repeat: 1,
    repeat_interval,
    repeat_day_of_week: days,
  })
  const monthly = (days: number[]) => ({
    is_repeat: 1,
    repeat_type: 2,
    is_custom_repeat: 1,
    repeat_interval: 1,
    repeat_day_of_month: days,
  })
  const info = async (meetingid: string) => post('/cgi-bin/meeting/get_info', { meetingid })
  const update = async (body: object) => (await post('/cgi-bin/meeting/update', body)).errcode
  beforeEach(async () => {
    server.emulator.control.reset()
    await clock(MONDAY - 10 * DAY)
  })

  test('wecom.meeting.update.reminders.repeat_day_of_week.meetings: the repeat_until clamp of a custom Mon–Fri weekly series lands on its 200th meeting (50th every two weeks)', async () => {
    const id = await book(BOOK)
    expect(await update({ meetingid: id, reminders: weekly([1, 2, 3, 4, 5]) })).toBe(0)
    // 200 meetings are 40 weeks of five: the last is the Friday of week 40 (not 199 weeks on, meeting 995).
    expect((await info(id)).reminders.repeat_until).toBe(MONDAY + (39 * 7 + 4) * DAY)
    expect(await update({ meetingid: id, reminders: weekly([1, 2, 3, 4, 5], 2) })).toBe(0)
    expect((await info(id)).reminders.repeat_until).toBe(MONDAY + (9 * 14 + 4) * DAY)
    // Counted from a new start (Tuesday a week on), the 50th meeting is a Monday. (Reminders merge over the
    // stored ones, so repeat_until 0 asks for the clamp again.)
    const tuesday = MONDAY + 8 * DAY
    const reminders = { ...weekly([1, 3, 5, 4], 2), repeat_until: 0 }
    const moved = { meetingid: id, meeting_start: tuesday, meeting_duration: 7200, reminders }
    expect(await update(moved)).toBe(0)
    expect((await info(id)).reminders).toMatchObject({
      repeat_day_of_week: [1, 2, 3, 4, 5],
      repeat_until: tuesday - DAY + 10 * 14 * DAY,
    })
  })

  test('wecom.meeting.update.reminders.repeat_day_of_month.meetings: the repeat_until clamp of a custom monthly series on the 1st and 15th lands on its 50th meeting', async () => {
    const first = Date.UTC(2030, 3, 1, 3) / 1000 // 2030-04-01 11:00 in UTC+8
    const id = await book({ ...BOOK, meeting_start: first })
    expect(await update({ meetingid: id, reminders: { ...monthly([15]), repeat_until: 4_000_000_000 } })).toBe(0)
    // 50 meetings are 25 months of two: the last is the 15th, 24 months on (not 49 months on, meeting 98).
    expect((await info(id)).reminders).toMatchObject({
      repeat_day_of_month: [1, 15],
      repeat_until: Date.UTC(2032, 3, 15, 3) / 1000,
    })
  })

  test("wecom.meeting.update.status.scheduled: on a Wednesday at 12:10, inside a Mon+Wed series' 11:00–13:00 meeting, update answers 400221 as on the Monday", async () => {
    const id = await book({ ...BOOK, reminders: weekly([1, 3]) })
    const at = (day: number, hh: number, mm: number) => MONDAY + day * DAY + (hh - 11) * 3600 + mm * 60
    await clock(at(0, 12, 10))
    expect(await update({ meetingid: id, title: '周一' })).toBe(400221)
    await clock(at(1, 12, 10))
    expect(await update({ meetingid: id, title: '周二' })).toBe(0)
    expect((await info(id)).status).toBe(1)
    await clock(at(2, 12, 10))
    expect(await update({ meetingid: id, title: '周三' })).toBe(400221)
    expect((await info(id)).status).toBe(2)
    expect((await listed())[0]).toMatchObject({ title: '周二', status: 'in_progress' })
    await clock(at(2, 13, 10))
    expect(await update({ meetingid: id, title: '周三下午' })).toBe(0)
    // Week 2: Monday and Wednesday again, Thursday not.
    await clock(at(9, 11, 0))
    expect((await info(id)).status).toBe(2)
    await clock(at(10, 12, 10))
    expect((await info(id)).status).toBe(1)
  })

  test('wecom.meeting.update.reminders.repeat_day_of_month.missing-day: a custom monthly series on the 31st has no meeting in February, and is in progress again on 31 March', async () => {
    const jan31 = Date.UTC(2030, 0, 31, 3) / 1000 // 2030-01-31 11:00 in UTC+8
    await clock(jan31 - DAY)
    const id = await book({ ...BOOK, meeting_start: jan31, reminders: monthly([]) })
    expect((await info(id)).reminders.repeat_day_of_month).toEqual([31])
    await clock(Date.UTC(2030, 1, 28, 4) / 1000) // 2030-02-28 12:00
    expect(await update({ meetingid: id, title: '二月' })).toBe(0)
    await clock(Date.UTC(2030, 2, 31, 4) / 1000) // 2030-03-31 12:00
    expect(await update({ meetingid: id, title: '三月' })).toBe(400221)
    // 50 meetings on the 31st: seven 31-day months a year make 49 from 2030 to 2036, and the 50th is January 2037.
    expect(new Date((await info(id)).reminders.repeat_until * 1000).toISOString()).toBe('2037-01-31T03:00:00.000Z')
  })

  test('a meeting mail with a custom weekly day list books a meeting whose clamp and status follow its listed days', async () => {
    const mail = {
      to: { userids: ['lisi'] },
      subject: '评审',
      content: '正文',
      schedule: { start_time: MONDAY, end_time: MONDAY + 7200, reminders: weekly([3, 1]) },
      meeting: { meeting_admins: { userids: ['lisi'] } },
    }
    expect(await post('/cgi-bin/exmail/app/compose_send', mail)).toMatchObject({ errcode: 0 })
    // 200 meetings are 100 weeks of two: the last is the Wednesday of week 100.
    expect((await listed())[0].reminders).toMatchObject({
      repeat_day_of_week: [1, 3],
      repeat_until: MONDAY + (99 * 7 + 2) * DAY,
    })
    await clock(MONDAY + 2 * DAY + 4200) // Wednesday 12:10
    expect((await listed())[0].status).toBe('in_progress')
    await clock(MONDAY + 3 * DAY + 4200) // Thursday 12:10
    expect((await listed())[0].status).toBe('scheduled')
  })

  test('decision: a yearly meeting mail books a 12-monthly custom meeting, which get_info can express', async () => {
    const mail = {
      to: { userids: ['lisi'] },
      subject: '年会',
      content: '正文',
      schedule: { start_time: MONDAY, end_time: MONDAY + 7200, reminders: { is_repeat: 1, repeat_type: 5 } },
      meeting: { meeting_admins: { userids: ['lisi'] } },
    }
    expect(await post('/cgi-bin/exmail/app/compose_send', mail)).toMatchObject({ errcode: 0 })
    const [meeting] = await listed()
    expect(meeting.reminders).toMatchObject({ repeat_type: 2, is_custom_repeat: 1, repeat_interval: 12 })
    const info = await post('/cgi-bin/meeting/get_info', { meetingid: meeting.meetingid })
    expect(info).toMatchObject({ errcode: 0, reminders: { repeat_type: 2, repeat_interval: 12 } })
    await clock(MONDAY + 30 * DAY + 4200) // a month on: no meeting
    expect((await listed())[0].status).toBe('scheduled')
    await clock(MONDAY + 365 * DAY + 4200) // 2031-03-18 12:10, a year on: the second meeting
    expect((await listed())[0].status).toBe('in_progress')
  })
})
