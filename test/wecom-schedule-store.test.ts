import { expect, test } from 'vitest'
import { StateBudget } from '../src/core/budget.ts'
import { Random } from '../src/core/random.ts'
import { type NewSchedule, ScheduleStore } from '../src/wecom/schedules/store.ts'

function schedule(agentid: number, summary: string): NewSchedule {
  return {
    corpid: 'wwdevcorp0000001',
    agentid,
    calId: 'cal',
    admins: ['zhangsan'],
    attendees: [],
    summary,
    description: '',
    location: '',
    startTime: 2_000_000_000,
    endTime: 2_000_003_600,
    isWholeDay: 0,
    reminders: {
      is_remind: 0,
      is_repeat: 0,
      remind_before_event_secs: 0,
      remind_time_diffs: [],
      repeat_type: 0,
      repeat_until: 0,
      is_custom_repeat: 0,
      repeat_interval: 1,
      repeat_day_of_week: [],
      repeat_day_of_month: [],
      timezone: 8,
      exclude_time_list: [],
    },
    origin: 'api',
    createdAt: 0,
  }
}

test('past wecom.maxSchedules each app keeps its newest, oldest first out, with the budget evicting too', () => {
  // A budget that holds about 40 schedules, so it evicts as well as the cap of 25 per app.
  const budget = new StateBudget(() => 40 * 1100)
  const s = new ScheduleStore(new Random(1), 25, budget)
  const made: { id: string; agentid: number; n: number }[] = []
  for (let n = 0; n < 3000; n++) {
    const agentid = n % 3 === 0 ? 2 : 1
    made.push({ id: s.add(schedule(agentid, `s${n}`)).id, agentid, n })
  }
  for (const agentid of [1, 2]) {
    const kept = s.list({ agentid }).map((r) => r.summary)
    const expected = made
      .filter((m) => m.agentid === agentid)
      .slice(-kept.length)
      .map((m) => `s${m.n}`)
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThanOrEqual(25)
    expect(kept).toEqual(expected)
  }
  expect(budget.state().usedBytes).toBeLessThanOrEqual(40 * 1100)
  expect(budget.state().evicted.records).toBeGreaterThan(0)
})
