/** The meeting-mail factory stays valid: faker-built mails succeed and book a meeting, the same seed the same mail. */
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
