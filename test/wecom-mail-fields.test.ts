/**
 * The pieces the meeting mail (exmail/app/compose_send) builds its schedule from and checks its recipients
 * with, against what they were before they were made cheaper: the schedule reminders field by field and in
 * oa/schedule/get's order, and the visible range walked up the department tree without a set of the
 * departments seen.
 */
import { describe, expect, test } from 'vitest'
import type { Corp, WecomMailReminders } from '../src/generated/contracts.ts'
import { repeatFields } from '../src/wecom/calendar/schedule-fields.ts'
import { type WecomApp, type WecomCorp, WecomDirectory } from '../src/wecom/directory.ts'
import { mailScheduleReminders } from '../src/wecom/mail/meeting-fields.ts'

/** mailScheduleReminders as it was: the reminder half, then repeatFields spread in, then the yearly months. */
function referenceReminders(r: WecomMailReminders | undefined) {
  const isRemind = r?.is_remind ?? 0
  const diff = isRemind === 1 ? -(r?.remind_before_event_mins ?? 0) * 60 : undefined
  return {
    is_remind: isRemind,
    remind_before_event_secs: diff === undefined ? 0 : Math.max(0, -diff),
    remind_time_diffs: diff === undefined ? [] : [diff],
    ...repeatFields(r),
    ...(r?.repeat_month_of_year?.length ? { repeat_month_of_year: [...r.repeat_month_of_year] } : {}),
  }
}

describe('mailScheduleReminders', () => {
  const inputs: (WecomMailReminders | undefined)[] = [
    undefined,
    {},
    { is_remind: 1, remind_before_event_mins: 15 },
    { is_remind: 1, remind_before_event_mins: -5 },
    { is_remind: 0, remind_before_event_mins: 15 },
    {
      is_remind: 1,
      remind_before_event_mins: 15,
      is_repeat: 1,
      is_custom_repeat: 1,
      timezone: 8,
      repeat_interval: 1,
      repeat_type: 1,
      repeat_day_of_week: [4, 5],
      repeat_day_of_month: [],
      repeat_week_of_month: [],
      repeat_month_of_year: [],
      repeat_until: 1_900_000_000,
    },
    { is_repeat: 1, repeat_type: 2, is_custom_repeat: 1, repeat_interval: 2, repeat_day_of_month: [1, 31] },
    { is_repeat: 1, repeat_type: 5, is_custom_repeat: 1, repeat_month_of_year: [3, 9], timezone: -3 },
  ]

  test.each(
    inputs.map((r) => [JSON.stringify(r) ?? 'undefined', r] as const),
  )('gives the fields and order the reminder half and repeatFields gave for %s', (_name, r) => {
    const got = mailScheduleReminders(r)
    const want = referenceReminders(r)
    expect(got).toStrictEqual(want)
    expect(Object.keys(got)).toEqual(Object.keys(want))
  })

  test('copies the lists it keeps, so a later change to the body reaches no schedule', () => {
    const r = { is_repeat: 1 as const, repeat_day_of_week: [4], repeat_day_of_month: [2], repeat_month_of_year: [3] }
    const got = mailScheduleReminders(r)
    r.repeat_day_of_week.push(5)
    r.repeat_day_of_month.push(3)
    r.repeat_month_of_year.push(4)
    expect([got.repeat_day_of_week, got.repeat_day_of_month, got.repeat_month_of_year]).toEqual([[4], [2], [3]])
  })
})

/** isVisible as it was: each department's chain of parents walked with a set of the ones seen. */
function referenceVisible(corp: WecomCorp, app: WecomApp, userid: string): boolean {
  const user = corp.users.get(userid)
  if (!user) return false
  if (app.visibleAll || app.visibleUsers.has(userid)) return true
  for (const dept of user.departments) {
    let id: number | undefined = dept
    const seen = new Set<number>()
    while (id !== undefined && id !== 0 && !seen.has(id)) {
      if (app.visibleDepartments.has(id)) return true
      seen.add(id)
      id = corp.departments.get(id)?.parentid
    }
  }
  return false
}

describe('WecomDirectory.isVisible', () => {
  // Trees, a chain, parents that loop (1 → 2 → 3 → 1, 5 → 5) and a parent no department is.
  const departments = [
    { id: 1, name: 'd1', parentid: 2 },
    { id: 2, name: 'd2', parentid: 3 },
    { id: 3, name: 'd3', parentid: 1 },
    { id: 4, name: 'd4', parentid: 0 },
    { id: 5, name: 'd5', parentid: 5 },
    { id: 6, name: 'd6', parentid: 4 },
    { id: 7, name: 'd7', parentid: 6 },
    { id: 8, name: 'd8', parentid: 99 },
  ]
  const userDepartments = [[1], [3], [4], [5], [6], [7], [8], [99], [], [5, 7], [8, 1]]
  const visibleLists = [[], [1], [3], [4], [5], [6], [99], [2, 7], [0]]
  const corp: Corp = {
    corpid: 'wwcycle',
    name: 'cycle',
    tier: 'ordinary',
    departments,
    users: userDepartments.map((department, i) => ({ userid: `u${i}`, name: `U${i}`, department })),
    apps: visibleLists.map((list, i) => ({
      agentid: 1000 + i,
      corpsecret: `s${i}`,
      visible: { departments: list },
    })),
  } as unknown as Corp
  const directory = new WecomDirectory([corp])
  const built = directory.corp('wwcycle')!

  test('answers as the walk with a set of the departments seen, cycles and missing parents included', () => {
    let visible = 0
    for (const app of built.apps.values()) {
      for (const userid of [...built.users.keys(), 'nobody']) {
        const want = referenceVisible(built, app, userid)
        expect(directory.isVisible(built, app, userid), `${userid} in app ${app.agentid}`).toBe(want)
        if (want) visible++
      }
    }
    // Both answers occur, so the comparison can fail either way.
    expect(visible).toBeGreaterThan(0)
    expect(visible).toBeLessThan(built.apps.size * (built.users.size + 1))
  })
})
