import { describe, expect, test } from 'vitest'
import { Random } from '../src/core/random.ts'
import { MeetingStore } from '../src/wecom/meetings/store.ts'

const CORP = 'wwdevcorp0000001'
const base = { admin_userid: 'zhangsan', title: 't', meeting_start: 2_000_000_000, meeting_duration: 3600 }

function store(max = 10, statusFromClock = true) {
  return new MeetingStore(new Random(7), { maxMeetings: max, statusFromClock })
}

describe('MeetingStore', () => {
  test('creates ids of the vendor shape, 9-digit codes and a link', () => {
    const m = store().create(CORP, 1000014, base, 1_900_000_000)
    expect(m.meetingid).toMatch(/^hy[A-Za-z0-9]{30}$/)
    expect(m.meeting_code).toMatch(/^[1-9]\d{8}$/)
    expect(m.meeting_link).toMatch(/^https:\/\//)
  })

  test('evicts the oldest meeting beyond the cap', () => {
    const s = store(2)
    const a = s.create(CORP, 1, base, 0)
    s.create(CORP, 1, { ...base, title: 'b' }, 0)
    s.create(CORP, 1, { ...base, title: 'c' }, 0)
    expect(s.size).toBe(2)
    expect(s.get(CORP, a.meetingid)).toBeUndefined()
    expect(s.getByCode(CORP, a.meeting_code)).toBeUndefined()
  })

  test('keeps meetings per corp: another corp does not see them', () => {
    const s = store()
    const m = s.create(CORP, 1, base, 0)
    expect(s.get('wwdevcorp0000002', m.meetingid)).toBeUndefined()
    expect(s.get(CORP, m.meetingid)).toBe(m)
  })

  test('derives the status from the clock, or keeps it scheduled when configured so', () => {
    const s = store()
    const m = s.create(CORP, 1, base, 0)
    expect(s.status(m, base.meeting_start - 1)).toBe('scheduled')
    expect(s.status(m, base.meeting_start)).toBe('in_progress')
    expect(s.status(m, base.meeting_start + 3600)).toBe('ended')
    s.cancel(CORP, m.meetingid)
    expect(s.status(m, 0)).toBe('cancelled')
    const lazy = store(10, false)
    expect(lazy.status(lazy.create(CORP, 1, base, 0), base.meeting_start + 99_999)).toBe('scheduled')
  })

  test('a daily series is scheduled between occurrences and ended after the last', () => {
    const s = store()
    const m = s.create(
      CORP,
      1,
      { ...base, reminders: { is_repeat: 1, repeat_type: 0, repeat_until_type: 1, repeat_until_count: 3 } },
      0,
    )
    expect(s.status(m, base.meeting_start + 86_400 + 10)).toBe('in_progress')
    expect(s.status(m, base.meeting_start + 86_400 + 7200)).toBe('scheduled')
    expect(s.status(m, base.meeting_start + 2 * 86_400 + 3600)).toBe('ended')
  })

  test('update changes only the given fields and merges settings', () => {
    const s = store()
    const m = s.create(
      CORP,
      1,
      { ...base, description: 'd', settings: { password: '1234', hosts: ['zhangsan', 'lisi'] } },
      0,
    )
    expect(m.settings.hosts).toEqual(['lisi'])
    s.update(CORP, m.meetingid, { title: 'new', settings: { enable_waiting_room: true } })
    expect(m).toMatchObject({ title: 'new', description: 'd', meeting_start: base.meeting_start })
    expect(m.settings).toEqual({ password: '1234', hosts: ['lisi'], enable_waiting_room: true })
  })

  test('finds a duplicate of the same app, admin, title, start and duration only', () => {
    const s = store()
    const m = s.create(CORP, 1, base, 0)
    expect(s.findDuplicate(CORP, 1, base)).toBe(m)
    expect(s.findDuplicate(CORP, 2, base)).toBeUndefined()
    expect(s.findDuplicate(CORP, 1, { ...base, title: 'other' })).toBeUndefined()
    s.cancel(CORP, m.meetingid)
    expect(s.findDuplicate(CORP, 1, base)).toBeUndefined()
  })
})
