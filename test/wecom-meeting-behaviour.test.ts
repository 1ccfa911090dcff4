/**
 * What meetings do beyond refusing: the doc examples as written, the documented normalisations read back
 * through get_info, update changing only what it is given, cancel, and isolation between apps and corps.
 */
import { describe, expect, test } from 'vitest'
import createExample from '../fixtures/wecom/meeting/create.doc-example.json' with { type: 'json' }
import { validCreateRequests } from '../fixtures/wecom/meeting/factory.ts'
import updateExample from '../fixtures/wecom/meeting/update.doc-example.json' with { type: 'json' }
import { harnesses } from './support/harness.ts'
import { type MeetingHarness, meetingHarness } from './support/wecom-meeting.ts'

const CREATE = '/cgi-bin/meeting/create'
const UPDATE = '/cgi-bin/meeting/update'
const GET_INFO = '/cgi-bin/meeting/get_info'
const CANCEL = '/cgi-bin/meeting/cancel'
const BASE = { admin_userid: 'zhangsan', title: '周会', meeting_start: 1_600_000_000, meeting_duration: 3600 }

async function book(h: MeetingHarness, body: object, as: [number, number] = [0, 0]): Promise<string> {
  const r = await h.post(CREATE, body, as)
  expect(r.json).toMatchObject({ errcode: 0, errmsg: 'ok' })
  return r.json.meetingid
}

const info = async (h: MeetingHarness, meetingid: string) => (await h.post(GET_INFO, { meetingid })).json

/** The update doc example with the three places it breaks its own rules put right. */
function fixedUpdateExample(meetingid: string) {
  return {
    ...updateExample,
    meetingid,
    invitees: { userid: ['lisi', 'wangwu', 'lis'] },
    settings: { ...updateExample.settings, auto_record_type: 'cloud', host_key: '123456' },
  }
}

describe.each(harnesses)('meetings through $name', (factory) => {
  test('the create doc example succeeds as written once the clock is before 1600000000, and get_info returns what was sent', async () => {
    const h = await meetingHarness(factory)
    const r = await h.post(CREATE, createExample)
    expect(r.status).toBe(200)
    expect(r.json.meetingid).toMatch(/^hy[A-Za-z0-9]{30}$/)
    expect(r.json).not.toHaveProperty('excess_users')
    const got = await info(h, r.json.meetingid)
    expect(got).toMatchObject({
      errcode: 0,
      admin_userid: 'zhangsan',
      title: '新建会议',
      meeting_start: 1_600_000_000,
      meeting_duration: 3600,
      description: '新建会议描述',
      location: '广州媒体港',
      status: 1,
      cal_id: 'wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA',
      settings: {
        remind_scope: 1,
        password: '1234',
        need_password: true,
        enable_waiting_room: false,
        allow_enter_before_host: true,
        enable_enter_mute: 1,
        enable_screen_watermark: false,
        hosts: { userid: ['lisi', 'wangwu'] },
        ring_users: { userid: ['zhangsan', 'lis'] },
      },
      reminders: {
        is_repeat: 1,
        repeat_type: 0,
        repeat_until: 1_606_976_813,
        repeat_interval: 1,
        remind_before: [0, 900],
      },
    })
    expect(got.attendees.member.map((m: { userid: string }) => m.userid)).toEqual(['zhangsan', 'lisi', 'wangwu'])
    expect(got.meeting_code).toMatch(/^\d{9}$/)
    expect(got.meeting_link).toMatch(/^https:\/\//)
    expect((await h.post(GET_INFO, { meeting_code: got.meeting_code })).json.title).toBe('新建会议')
    await h.close()
  })

  test('wecom.meeting.create.settings.hosts.admin-dropped: the admin named as a host is dropped silently', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, {
      ...BASE,
      invitees: { userid: ['lisi'] },
      settings: { hosts: { userid: ['zhangsan', 'lisi'] } },
    })
    expect((await info(h, id)).settings.hosts.userid).toEqual(['lisi'])
    await h.close()
  })

  test('wecom.meeting.create.reminders.remind_before.unsupported: unsupported values read back as 0', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, { ...BASE, reminders: { remind_before: [120, 900, 7] } })
    expect((await info(h, id)).reminders.remind_before).toEqual([0, 900])
    await h.close()
  })

  test('wecom.meeting.create.reminders.repeat_until.clamp: a far or absent repeat_until becomes the 200th daily / 50th monthly occurrence', async () => {
    const h = await meetingHarness(factory)
    const far = await book(h, { ...BASE, reminders: { is_repeat: 1, repeat_type: 0, repeat_until: 1_900_000_000 } })
    expect((await info(h, far)).reminders.repeat_until).toBe(BASE.meeting_start + 199 * 86_400)
    const weekly = await book(h, { ...BASE, title: 'w', reminders: { is_repeat: 1, repeat_type: 1 } })
    expect((await info(h, weekly)).reminders.repeat_until).toBe(BASE.meeting_start + 199 * 7 * 86_400)
    const monthly = await book(h, { ...BASE, title: 'm', reminders: { is_repeat: 1, repeat_type: 2 } })
    // 1600000000 is 2020-09-13 20:26:40 UTC+8; 49 months later is 2024-10-13 at the same local time.
    expect((await info(h, monthly)).reminders.repeat_until).toBe(Date.UTC(2024, 9, 13, 12, 26, 40) / 1000)
    await h.close()
  })

  test('wecom.meeting.create.reminders.repeat_interval.weekly-only: an interval on a daily repeat is ignored; weekly keeps it', async () => {
    const h = await meetingHarness(factory)
    const daily = await book(h, { ...BASE, reminders: { is_repeat: 1, repeat_type: 0, repeat_interval: 5 } })
    expect((await info(h, daily)).reminders.repeat_interval).toBe(1)
    const weekly = await book(h, {
      ...BASE,
      title: 'w',
      reminders: { is_repeat: 1, repeat_type: 1, repeat_interval: 2 },
    })
    expect((await info(h, weekly)).reminders.repeat_interval).toBe(2)
    await h.close()
  })

  test('wecom.meeting.create.settings.ring_users.scope: ring users are not checked unless remind_scope is 4', async () => {
    const h = await meetingHarness(factory)
    await book(h, { ...BASE, settings: { remind_scope: 3, ring_users: { userid: ['lis'] } } })
    const r = await h.post(CREATE, {
      ...BASE,
      title: 'b',
      settings: { remind_scope: 4, ring_users: { userid: ['lis'] } },
    })
    expect(r.json.errcode).toBe(400037)
    await h.close()
  })

  test('wecom.meeting.create.title.length: 40 Latin letters or 20 CJK characters pass, one more fails', async () => {
    const h = await meetingHarness(factory)
    const code = async (title: string) => (await h.post(CREATE, { ...BASE, title })).json.errcode
    expect(await code('a'.repeat(40))).toBe(0)
    expect(await code('a'.repeat(41))).toBe(400042)
    expect(await code('会'.repeat(20))).toBe(0)
    expect(await code('会'.repeat(21))).toBe(400042)
    expect(await code(`${'a'.repeat(30)}${'会'.repeat(5)}`)).toBe(0)
    expect(await code(`${'a'.repeat(31)}${'会'.repeat(5)}`)).toBe(400042)
    await h.close()
  })

  test('wecom.meeting.create.excess_users: a professional corp reports participants without a meeting account; others get no field', async () => {
    const h = await meetingHarness(factory)
    const pro = await h.post(CREATE, { ...BASE, invitees: { userid: ['lisi', 'noaccount'] } }, [0, 2])
    expect(pro.json).toMatchObject({ errcode: 0, excess_users: ['noaccount'] })
    const paid = await h.post(CREATE, BASE)
    expect(paid.json).not.toHaveProperty('excess_users')
    const upd = await h.post(UPDATE, { meetingid: pro.json.meetingid, title: 'x' }, [0, 2])
    expect(upd.json).toMatchObject({ errcode: 0, excess_users: ['noaccount'] })
    await h.close()
  })

  test('wecom.meeting.create.excess_users: a professional corp whose participants all have a meeting account gets no field (decision 16)', async () => {
    const h = await meetingHarness(factory)
    const all = await h.post(CREATE, { ...BASE, invitees: { userid: ['lisi'] } }, [0, 2])
    expect(all.json.errcode).toBe(0)
    expect(all.json).not.toHaveProperty('excess_users')
    const upd = await h.post(UPDATE, { meetingid: all.json.meetingid, title: 'x' }, [0, 2])
    expect(upd.json.errcode).toBe(0)
    expect(upd.json).not.toHaveProperty('excess_users')
    // Inviting someone without an account brings the field back.
    const more = await h.post(
      UPDATE,
      { meetingid: all.json.meetingid, invitees: { userid: ['lisi', 'noaccount'] } },
      [0, 2],
    )
    expect(more.json).toMatchObject({ errcode: 0, excess_users: ['noaccount'] })
    await h.close()
  })

  test('wecom.meeting.create.duplicate.skip: skip_duplicate_check books the same meeting again; a cancelled one is no duplicate', async () => {
    const h = await meetingHarness(factory)
    const first = await book(h, BASE)
    expect((await h.post(CREATE, BASE)).json.errcode).toBe(400301)
    const second = await book(h, { ...BASE, skip_duplicate_check: true })
    expect(second).not.toBe(first)
    expect((await h.post(CREATE, { ...BASE, meeting_duration: 1800 })).json.errcode).toBe(0)
    expect((await h.post(CREATE, BASE, [1, 0])).json.errcode).toBe(0)
    await h.post(CANCEL, { meetingid: first })
    await h.post(CANCEL, { meetingid: second })
    expect((await h.post(CREATE, BASE)).json.errcode).toBe(0)
    await h.close()
  })

  test('the update doc example breaks three rules and is refused; put right, it succeeds', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, createExample)
    // As written (with a real meetingid): cloud-only flags with auto_record_type "none" come first.
    expect((await h.post(UPDATE, { ...updateExample, meetingid: id })).json.errcode).toBe(400031)
    const fixed = fixedUpdateExample(id)
    // wecom.meeting.update.settings.host_key: 'meetinghostkey' is not 6 digits.
    expect(
      (await h.post(UPDATE, { ...fixed, settings: { ...fixed.settings, host_key: 'meetinghostkey' } })).json.errcode,
    ).toBe(400031)
    // wecom.meeting.update.settings.ring_users.participants: 'lis' rings but is not invited.
    expect((await h.post(UPDATE, { ...fixed, invitees: { userid: ['lisi', 'wangwu'] } })).json.errcode).toBe(400037)
    expect((await h.post(UPDATE, fixed)).json.errcode).toBe(0)
    const got = await info(h, id)
    expect(got.settings).toMatchObject({
      auto_record_type: 'cloud',
      attendee_join_auto_record: false,
      enable_host_pause_auto_record: false,
      host_key: '123456',
      enable_host_key: true,
      remind_scope: 4,
      watermark_type: 1,
      allow_external_user: false,
      ring_users: { userid: ['zhangsan', 'lis'] },
    })
    expect(got.settings).not.toHaveProperty('mute_all')
    expect(got.reminders).toMatchObject({
      is_repeat: 1,
      repeat_type: 0,
      is_custom_repeat: 1,
      repeat_until_type: 1,
      repeat_until_count: 10,
    })
    await h.close()
  })

  test('wecom.meeting.update.only-given-fields: update changes only the fields it is given', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, createExample)
    const before = await info(h, id)
    expect(
      (await h.post(UPDATE, { meetingid: id, title: '改名', settings: { enable_waiting_room: true } })).json.errcode,
    ).toBe(0)
    const after = await info(h, id)
    expect(after.title).toBe('改名')
    expect(after.settings.enable_waiting_room).toBe(true)
    // The title is each sub-meeting's too.
    expect(after.sub_meetings.every((s: { title: string }) => s.title === '改名')).toBe(true)
    const sub_meetings = after.sub_meetings.map((s: object) => ({ ...s, title: before.title }))
    expect({
      ...after,
      title: before.title,
      settings: { ...after.settings, enable_waiting_room: false },
      sub_meetings,
    }).toEqual(before)
    await h.close()
  })

  test('wecom.meeting.update.settings.host_key.generated: enable_host_key without a key gets 6 digits', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, BASE)
    await h.post(UPDATE, { meetingid: id, settings: { enable_host_key: true } })
    expect((await info(h, id)).settings.host_key).toMatch(/^\d{6}$/)
    await h.close()
  })

  test('wecom.meeting.update.settings.allow_external_user: defaults to true and keeps false', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, BASE)
    expect((await info(h, id)).settings.allow_external_user).toBe(true)
    await h.post(UPDATE, {
      meetingid: id,
      settings: { allow_external_user: false, allow_unmute_self: false, mute_all: true },
    })
    expect((await info(h, id)).settings).toMatchObject({ allow_external_user: false, allow_unmute_self: false })
    await h.close()
  })

  test('wecom.meeting.update.settings.hosts.admin-dropped: the admin named as a host on update is dropped', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, BASE)
    await h.post(UPDATE, { meetingid: id, settings: { hosts: { userid: ['zhangsan', 'wangwu'] } } })
    expect((await info(h, id)).settings.hosts.userid).toEqual(['wangwu'])
    await h.close()
  })

  test('wecom.meeting.update.reminders.start-day-added: a custom weekly or monthly repeat gains the start day', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, BASE)
    // 1600000000 is Sunday 2020-09-13 in UTC+8: weekday 7, day of month 13.
    const weekly = { is_repeat: 1, repeat_type: 1, is_custom_repeat: 1, repeat_interval: 1, repeat_day_of_week: [3] }
    await h.post(UPDATE, { meetingid: id, reminders: weekly })
    expect((await info(h, id)).reminders.repeat_day_of_week).toEqual([3, 7])
    const monthly = { is_repeat: 1, repeat_type: 2, is_custom_repeat: 1, repeat_interval: 1, repeat_day_of_month: [1] }
    await h.post(UPDATE, { meetingid: id, reminders: monthly })
    expect((await info(h, id)).reminders.repeat_day_of_month).toEqual([1, 13])
    await h.close()
  })

  test('wecom.meeting.update.reminders.repeat_until.clamp: clamped as on create; wecom.meeting.update.reminders.remind_before.unsupported: read back as 0', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, BASE)
    await h.post(UPDATE, {
      meetingid: id,
      reminders: { is_repeat: 1, repeat_type: 0, repeat_until: 2_000_000_000, remind_before: [60] },
    })
    expect((await info(h, id)).reminders).toMatchObject({
      repeat_until: BASE.meeting_start + 199 * 86_400,
      remind_before: [0],
    })
    await h.close()
  })

  test('wecom.meeting.update.excess_users: absent for a corp that is not professional', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, BASE)
    const r = await h.post(UPDATE, { meetingid: id, title: 'x' })
    expect(r.json).toEqual({ errcode: 0, errmsg: 'ok' })
    await h.close()
  })

  test('wecom.meeting.update.meeting_start.passed: with a new start the late one-off meeting is rebooked', async () => {
    const h = await meetingHarness(factory, { config: { wecom: { meetingStatusFromClock: false } } })
    const id = await book(h, BASE)
    h.control.setClock({ now: BASE.meeting_start + 60 })
    expect((await info(h, id)).status).toBe(1)
    const r = await h.post(UPDATE, { meetingid: id, meeting_start: BASE.meeting_start + 7200, meeting_duration: 1800 })
    expect(r.json.errcode).toBe(0)
    await h.close()
  })

  test('wecom.meeting.get_info.fields: status follows the clock and cancel (1, 2, 3, 4)', async () => {
    const h = await meetingHarness(factory)
    const a = await book(h, BASE)
    const b = await book(h, { ...BASE, title: 'b' })
    expect((await h.post(CANCEL, { meetingid: b })).json).toEqual({ errcode: 0, errmsg: 'ok' })
    expect((await info(h, b)).status).toBe(4)
    expect((await info(h, a)).status).toBe(1)
    h.control.setClock({ now: BASE.meeting_start })
    expect((await info(h, a)).status).toBe(2)
    h.control.setClock({ now: BASE.meeting_start + 3600 })
    expect((await info(h, a)).status).toBe(3)
    expect(h.control.meetings({ agentid: 1000014 }).map((m) => m.status)).toEqual(['ended', 'cancelled'])
    await h.close()
  })

  test('a meeting of one app cannot be read, changed or cancelled by another app of the corp (730005) or another corp (90602)', async () => {
    const h = await meetingHarness(factory)
    const id = await book(h, BASE)
    for (const path of [GET_INFO, UPDATE, CANCEL]) {
      expect((await h.post(path, { meetingid: id, title: 'x' }, [1, 0])).json.errcode).toBe(730005)
      expect((await h.post(path, { meetingid: id, title: 'x' }, [0, 1])).json.errcode).toBe(90602)
    }
    expect((await info(h, id)).title).toBe('周会')
    expect((await info(h, id)).status).toBe(1)
    await h.close()
  })

  test('the faker factory makes valid requests, the same for the same seed', async () => {
    expect(validCreateRequests(7, 5)).toEqual(validCreateRequests(7, 5))
    expect(validCreateRequests(7, 5)).not.toEqual(validCreateRequests(8, 5))
    const h = await meetingHarness(factory)
    for (const req of validCreateRequests(2024, 25)) {
      const r = await h.post(CREATE, req)
      expect(r.json, JSON.stringify(req)).toMatchObject({ errcode: 0 })
    }
    await h.close()
  })
})

test('wecom.maxMeetings: the oldest meeting is evicted beyond the cap', async () => {
  const h = await meetingHarness(harnesses[0]!, { config: { wecom: { maxMeetings: 2 } } })
  const first = await book(h, BASE)
  await book(h, { ...BASE, title: 'b' })
  await book(h, { ...BASE, title: 'c' })
  expect((await h.post(GET_INFO, { meetingid: first })).json.errcode).toBe(90602)
  expect(h.control.meetings()).toHaveLength(2)
  await h.close()
})

test('wecom.meeting.create.meeting_start.valid / meeting_duration.min: a wrong JSON type there answers the field own code (400034 / 400035), not 40058', async () => {
  const { testCore } = await import('./support/core.ts')
  const t = testCore()
  const base = { admin_userid: 'zhangsan', title: '周会', meeting_start: 4102444800, meeting_duration: 3600 }
  for (const [patch, code] of [
    [{ meeting_start: 'tomorrow' }, 400034],
    [{ meeting_start: '4102444800' }, 400034],
    [{ meeting_start: 4102444800.5 }, 400034],
    [{ meeting_duration: '3600' }, 400035],
    [{ invitees: { userid: 'lisi' } }, 40058],
  ] as const) {
    const r = await t.wecom('/cgi-bin/meeting/create', { ...base, ...patch })
    expect([r.status, r.json.errcode], JSON.stringify(patch)).toEqual([200, code])
  }
})
