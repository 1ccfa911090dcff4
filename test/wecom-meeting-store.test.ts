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

/**
 * The duplicate index as it was: one string key per meeting, set at creation (a later meeting with the same
 * key takes it over), deleted at eviction when the key of the meeting as it is then still points at it.
 */
class StringKeyIndex {
  private readonly index = new Map<string, string>()
  static key(corpid: string, agentid: number, f: typeof base): string {
    return `${corpid}\u0000${agentid}\u0000${f.admin_userid}\u0000${f.title}\u0000${f.meeting_start}\u0000${f.meeting_duration}`
  }
  created(m: { meetingid: string; corpid: string; agentid: number } & typeof base): void {
    this.index.set(StringKeyIndex.key(m.corpid, m.agentid, m), m.meetingid)
  }
  dropped(m: { meetingid: string; corpid: string; agentid: number } & typeof base): void {
    const k = StringKeyIndex.key(m.corpid, m.agentid, m)
    if (this.index.get(k) === m.meetingid) this.index.delete(k)
  }
  find(s: MeetingStore, corpid: string, agentid: number, f: typeof base) {
    const id = this.index.get(StringKeyIndex.key(corpid, agentid, f))
    const m = id === undefined ? undefined : s.get(corpid, id)
    if (!m || m.cancelled || StringKeyIndex.key(m.corpid, m.agentid, m) !== StringKeyIndex.key(corpid, agentid, f))
      return undefined
    return m
  }
}

test('the duplicate index finds what the string-keyed index found, through bookings, updates, cancels and evictions', () => {
  const r = new Random(11)
  for (const cap of [1, 3, 8, 40]) {
    const s = store(cap)
    const reference = new StringKeyIndex()
    const live = new Map<string, ReturnType<MeetingStore['create']>>()
    // Few values of each part, so keys meet again often: the same title at another start, another admin, …
    const pick = <T>(xs: readonly T[]) => xs[r.int(xs.length)]!
    const fields = () => ({
      admin_userid: pick(['zhangsan', 'lisi']),
      title: pick(['a', 'b', 'weekly']),
      meeting_start: pick([2_000_000_000, 2_000_003_600]),
      meeting_duration: pick([1800, 3600]),
    })
    for (let step = 0; step < 4000; step++) {
      const op = r.int(10)
      const corp = pick([CORP, 'wwdevcorp0000002'])
      const agent = pick([1, 2])
      if (op < 4) {
        const m = s.create(corp, agent, fields(), 0)
        reference.created(m)
        live.set(m.meetingid, m)
        for (const [id, kept] of live)
          if (!s.get(kept.corpid, id)) {
            reference.dropped(kept)
            live.delete(id)
          }
      } else if (op < 6 && live.size > 0) {
        const m = pick([...live.values()])
        s.update(
          m.corpid,
          m.meetingid,
          r.int(2) ? { title: fields().title } : { meeting_start: fields().meeting_start },
        )
      } else if (op < 7 && live.size > 0) {
        const m = pick([...live.values()])
        s.cancel(m.corpid, m.meetingid)
      } else {
        const f = fields()
        expect(s.findDuplicate(corp, agent, f)).toBe(reference.find(s, corp, agent, f))
      }
    }
  }
})
