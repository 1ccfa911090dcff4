/** The schedule factory stays valid: faker-built requests succeed and read back, the same seed the same request. */
import { describe, expect, test } from 'vitest'
import { buildScheduleAdd, scheduleFaker } from '../fixtures/wecom/schedule/factory.ts'
import { harnesses } from './support/harness.ts'
import { wecomPost, wecomTokenFor } from './support/wecom-app.ts'

describe.each(harnesses)('schedule fixtures through $name', (factory) => {
  test.each([
    1, 2, 3, 4, 5, 6, 7, 8,
  ])('a faker-built oa/schedule/add request (seed %i) succeeds and reads back', async (seed) => {
    const h = await factory.make()
    const post = wecomPost(h, await wecomTokenFor(h))
    const body = buildScheduleAdd({}, scheduleFaker(seed))
    const r = await post('/cgi-bin/oa/schedule/add', body)
    expect(r.json.errcode).toBe(0)
    const g = await post('/cgi-bin/oa/schedule/get', { schedule_id_list: [r.json.schedule_id] })
    expect(g.json.schedule_list[0].attendees.map((a: { userid: string }) => a.userid)).toEqual(
      body.schedule.attendees!.map((a) => a.userid),
    )
    await h.close()
  })
})

test('the same faker seed builds the same request', () => {
  expect(buildScheduleAdd({}, scheduleFaker(9))).toEqual(buildScheduleAdd({}, scheduleFaker(9)))
})
