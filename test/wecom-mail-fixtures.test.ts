/** The meeting-mail fixtures stay valid: faker-built mails succeed, and each refusing rule has its invalid fixture. */
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { buildComposeSend, mailFaker } from '../fixtures/wecom/mail/factory.ts'
import { harnesses } from './support/harness.ts'
import { wecomPost, wecomTokenFor } from './support/wecom-app.ts'

describe.each(harnesses)('meeting-mail fixtures through $name', (factory) => {
  test.each([
    1, 2, 3, 4, 5, 6, 7, 8,
  ])('a faker-built meeting mail (seed %i) succeeds and books a meeting', async (seed) => {
    const h = await factory.make()
    h.control.setClock({ now: 1_800_000_000 })
    const body = buildComposeSend({}, mailFaker(seed))
    const r = await wecomPost(h, await wecomTokenFor(h))('/cgi-bin/exmail/app/compose_send', body)
    expect(r.json).toEqual({ errcode: 0, errmsg: 'ok' })
    const [s] = h.control.wecomMailSchedules()
    expect(s!.meetingid).not.toBeNull()
    expect(s!.admins).toEqual(body.meeting!.meeting_admins.userids)
    await h.close()
  })
})

test('the same faker seed builds the same meeting mail', () => {
  expect(buildComposeSend({}, mailFaker(3))).toEqual(buildComposeSend({}, mailFaker(3)))
})

test('every refusing rule of compose_send checkable from the body alone has an invalid fixture named after it', () => {
  const catalogue = JSON.parse(readFileSync('contracts/rules/wecom.exmail.compose_send.json', 'utf8'))
  // These need state or size: a schedule of another app, a cancelled one, the clock, 50 MB (tested inline).
  const inline = new Set([
    'wecom.exmail.compose_send.size.max',
    'wecom.exmail.compose_send.schedule.start_time.future',
    'wecom.exmail.compose_send.schedule.schedule_id.own-app',
    'wecom.exmail.compose_send.schedule.schedule_id.cancelled',
  ])
  const refusing = catalogue.rules.filter((r: { code: number; id: string }) => r.code !== 0 && !inline.has(r.id))
  for (const r of refusing) expect(existsSync(`fixtures/wecom/mail/invalid/${r.id}.json`), r.id).toBe(true)
})
