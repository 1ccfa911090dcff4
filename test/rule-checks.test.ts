/**
 * The plain-check evaluator (src/core/rule-checks.ts): each constraint on its own, with the edges the
 * hand-written checks had to get right (bytes vs characters vs the meeting docs' width, CJK and emoji,
 * absent vs null vs empty, items of arrays, inclusive bounds), then the runner over an endpoint's rules.
 */
import { describe, expect, test } from 'vitest'
import { VendorError } from '../src/core/errors.ts'
import {
  asyncRuleChecks,
  type CheckFailure,
  checkFailure,
  codePoints,
  docWidth,
  ruleChecks,
  utf8Bytes,
  waitingRuleChecks,
} from '../src/core/rule-checks.ts'
import { type RuleEntry, rule, rulesOf } from '../src/core/rules.ts'
import type { RuleCheck } from '../src/generated/contracts.ts'

/** A rule carrying `check`, as the generated table has them (the id is a real one; only the check matters). */
const withCheck = (check: RuleCheck): RuleEntry => ({ ...rule('wecom.meeting.create.title.length'), check })
const fails = (check: RuleCheck, body: unknown) => checkFailure(withCheck(check), body)
const holds = (check: RuleCheck, body: unknown) => fails(check, body) === undefined

function thrown(f: () => void): VendorError {
  try {
    f()
  } catch (e) {
    if (e instanceof VendorError) return e
    throw e
  }
  throw new Error('expected a refusal')
}

describe('counting text', () => {
  test('bytes are UTF-8 bytes, characters are code points, width is 1 per ASCII and 2 per anything else', () => {
    expect([utf8Bytes('abc'), codePoints('abc'), docWidth('abc')]).toEqual([3, 3, 3])
    expect([utf8Bytes('会议'), codePoints('会议'), docWidth('会议')]).toEqual([6, 2, 4])
    // An emoji is two UTF-16 units, four bytes, one character and two units wide.
    expect(['😀'.length, utf8Bytes('😀'), codePoints('😀'), docWidth('😀')]).toEqual([2, 4, 1, 2])
    expect([utf8Bytes('é'), codePoints('é'), docWidth('é')]).toEqual([2, 1, 2])
  })
})

describe('string lengths', () => {
  test('maxBytes counts UTF-8 bytes: two CJK characters are 6 bytes', () => {
    expect(holds({ path: 'cal_id', maxBytes: 6 }, { cal_id: '会议' })).toBe(true)
    expect(fails({ path: 'cal_id', maxBytes: 6 }, { cal_id: '会议a' })).toMatchObject({
      constraint: 'maxBytes',
      limit: 6,
      detail: 'cal_id is 7 bytes, at most 6',
    })
    expect(holds({ path: 'cal_id', maxBytes: 3 }, { cal_id: '😀' })).toBe(false)
  })

  test('maxChars counts code points, not UTF-16 units: two emoji are two characters', () => {
    expect(holds({ path: 'location', maxChars: 2 }, { location: '😀😀' })).toBe(true)
    expect(holds({ path: 'location', maxChars: 2 }, { location: '😀😀a' })).toBe(false)
    expect(holds({ path: 'location', maxChars: 128 }, { location: '会'.repeat(128) })).toBe(true)
    expect(fails({ path: 'location', maxChars: 128 }, { location: '会'.repeat(129) })?.detail).toBe(
      'location is 129 characters, at most 128',
    )
  })

  test('maxWidth lets 40 Latin letters or 20 CJK characters through, not one more', () => {
    const c = { path: 'title', maxWidth: 40 }
    expect(holds(c, { title: 'a'.repeat(40) })).toBe(true)
    expect(holds(c, { title: 'a'.repeat(41) })).toBe(false)
    expect(holds(c, { title: '会'.repeat(20) })).toBe(true)
    expect(holds(c, { title: `${'会'.repeat(19)}ab` })).toBe(true)
    expect(holds(c, { title: `${'会'.repeat(20)}a` })).toBe(false)
    expect(holds(c, { title: '😀'.repeat(20) })).toBe(true)
    expect(fails(c, { title: '😀'.repeat(21) })?.detail).toBe('title is 42 units wide (ASCII 1, other 2), at most 40')
  })

  test('minChars refuses the empty string, and the absent value is not its business', () => {
    const c = { path: 'title', minChars: 1, maxChars: 255 }
    expect(fails(c, { title: '' })).toMatchObject({
      constraint: 'minChars',
      detail: 'title is 0 characters, at least 1',
    })
    expect(holds(c, { title: 'x' })).toBe(true)
    expect(holds(c, {})).toBe(true)
    expect(holds(c, { title: null })).toBe(true)
  })

  test('a pattern must match the whole value where it is anchored; \\d is ASCII digits only', () => {
    const c = { path: 'settings.password', pattern: '^\\d{4,6}$' }
    expect(holds(c, { settings: { password: '1234' } })).toBe(true)
    expect(holds(c, { settings: { password: '123456' } })).toBe(true)
    expect(holds(c, { settings: { password: '123' } })).toBe(false)
    expect(holds(c, { settings: { password: '1234567' } })).toBe(false)
    expect(holds(c, { settings: { password: '１２３４' } })).toBe(false)
    expect(fails(c, { settings: { password: '12a4' } })?.detail).toBe(
      'settings.password "12a4" does not match ^\\d{4,6}$',
    )
  })
})

describe('absent, null and empty', () => {
  const required = { path: 'meeting_start', required: true } as const
  const nonEmpty = { path: 'title', nonEmpty: true } as const

  test('required refuses an absent or null value and lets the empty string, 0 and false through', () => {
    expect(fails(required, {})).toMatchObject({ constraint: 'required', detail: 'meeting_start is required' })
    expect(holds(required, { meeting_start: null })).toBe(false)
    for (const v of ['', 0, false, [], {}]) expect(holds(required, { meeting_start: v }), JSON.stringify(v)).toBe(true)
  })

  test('nonEmpty also refuses the empty string and the empty array, not 0, a space or an empty object', () => {
    for (const body of [{}, { title: null }, { title: '' }, { title: [] }])
      expect(holds(nonEmpty, body), JSON.stringify(body)).toBe(false)
    expect(fails(nonEmpty, { title: '' })?.detail).toBe('title is empty')
    for (const v of [0, ' ', {}, ['x'], false]) expect(holds(nonEmpty, { title: v }), JSON.stringify(v)).toBe(true)
  })

  test('the other constraints skip absent and null values and values of another JSON type', () => {
    for (const body of [{}, { x: null }, { x: 12345 }, { x: ['a', 'b'] }])
      expect(holds({ path: 'x', maxChars: 3 }, body), JSON.stringify(body)).toBe(true)
    for (const body of [{}, { x: null }, { x: '99' }]) expect(holds({ path: 'x', max: 5 }, body)).toBe(true)
    for (const body of [{}, { x: null }, { x: 'many' }]) expect(holds({ path: 'x', maxItems: 1 }, body)).toBe(true)
  })

  test('a check on a.b applies only where a is an object: an absent parent is its own rule', () => {
    const admins = { path: 'meeting.meeting_admins.userids', nonEmpty: true, maxItems: 1 } as const
    expect(holds(admins, {})).toBe(true)
    expect(holds(admins, { meeting: null })).toBe(true)
    expect(holds(admins, { meeting: { meeting_admins: {} } })).toBe(false)
    expect(holds(admins, { meeting: { meeting_admins: { userids: ['a'] } } })).toBe(true)
    expect(fails(admins, { meeting: { meeting_admins: { userids: ['a', 'b'] } } })?.constraint).toBe('maxItems')
  })

  test('only own properties count: an inherited name is absent', () => {
    expect(holds({ path: 'constructor', required: true }, {})).toBe(false)
    expect(holds({ path: 'toString', nonEmpty: true }, JSON.parse('{"toString": "x"}'))).toBe(true)
    expect(holds({ path: '__proto__.x', required: true }, JSON.parse('{"__proto__": {"x": 1}}'))).toBe(true)
  })
})

describe('numbers and values', () => {
  test('min and max are inclusive, and work for negative bounds and non-integers', () => {
    const tz = { path: 'timezone', min: -12, max: 12 }
    for (const v of [-12, 0, 12]) expect(holds(tz, { timezone: v }), String(v)).toBe(true)
    expect(fails(tz, { timezone: -13 })).toMatchObject({
      constraint: 'min',
      detail: 'timezone -13 is below -12 (-12..12)',
    })
    expect(fails(tz, { timezone: 12.5 })).toMatchObject({ constraint: 'max', limit: 12 })
  })

  test('the uint32 range of meeting_start: 1 and 4294967295 pass, 0 and 4294967296 do not', () => {
    const c = { path: 'meeting_start', min: 1, max: 4294967295 }
    expect([1, 4294967295].map((v) => holds(c, { meeting_start: v }))).toEqual([true, true])
    expect([0, -5, 4294967296].map((v) => holds(c, { meeting_start: v }))).toEqual([false, false, false])
  })

  test('enum is strict equality, and a value of another JSON type is the schema business', () => {
    const c: RuleCheck = { path: 'reminders.is_repeat', enum: [0, 1] }
    expect(holds(c, { reminders: { is_repeat: 1 } })).toBe(true)
    expect(fails(c, { reminders: { is_repeat: 2 } })).toMatchObject({
      constraint: 'enum',
      limit: [0, 1],
      detail: 'reminders.is_repeat 2 is not one of 0, 1',
    })
    expect(holds(c, { reminders: { is_repeat: '1' } })).toBe(true)
    const types: RuleCheck = { path: 'auto_record_type', enum: ['none', 'local', 'cloud'] }
    expect(holds(types, { auto_record_type: 'NONE' })).toBe(false)
  })
})

describe('arrays', () => {
  const userid = { path: 'schedule.attendees[].userid', maxBytes: 64 }

  test('[] checks every item and names the first bad one with its index; the field drops the brackets', () => {
    const body = { schedule: { attendees: [{ userid: 'a' }, { userid: 'x'.repeat(65) }, { userid: 'y'.repeat(70) }] } }
    expect(checkFailure(withCheck(userid), body)).toMatchObject({
      at: 'schedule.attendees[1].userid',
      field: 'schedule.attendees.userid',
      detail: 'schedule.attendees[1].userid is 65 bytes, at most 64',
    })
    expect(holds(userid, { schedule: { attendees: [{ userid: '会'.repeat(21) }] } })).toBe(true)
    expect(holds(userid, { schedule: { attendees: [{ userid: '会'.repeat(22) }] } })).toBe(false)
  })

  test('an absent, empty or non-array list has no items to check; an item that is not an object has no field', () => {
    for (const body of [{}, { schedule: {} }, { schedule: { attendees: [] } }, { schedule: { attendees: 'x' } }])
      expect(holds(userid, body), JSON.stringify(body)).toBe(true)
    expect(holds({ path: 'a[].b', required: true }, { a: [null, 5] })).toBe(true)
    expect(fails({ path: 'a[].b', required: true }, { a: [{ b: 1 }, {}] })?.at).toBe('a[1].b')
  })

  test('a trailing [] checks the items of a list of numbers', () => {
    const days = { path: 'reminders.repeat_day_of_week[]', min: 1, max: 7 }
    expect(holds(days, { reminders: { repeat_day_of_week: [1, 7] } })).toBe(true)
    expect(fails(days, { reminders: { repeat_day_of_week: [1, 8, 0] } })).toMatchObject({
      at: 'reminders.repeat_day_of_week[1]',
      constraint: 'max',
    })
  })

  test('maxItems and minItems count the array, inclusive', () => {
    expect(holds({ path: 'admins', maxItems: 3 }, { admins: ['a', 'b', 'c'] })).toBe(true)
    expect(fails({ path: 'admins', maxItems: 3 }, { admins: ['a', 'b', 'c', 'd'] })?.detail).toBe(
      'admins has 4 items, at most 3',
    )
    expect(holds({ path: 'admins', minItems: 1 }, { admins: [] })).toBe(false)
  })
})

describe('the runner over an endpoint rules', () => {
  const create = rulesOf('wecom.meeting.create')
  /** Every meeting/create rule the data does not check, as a hook that lets the request through. */
  const passAll = Object.fromEntries(
    create.filter((r) => r.kind === 'refusal' && !r.refusedAs && !r.check).map((r) => [r.id, () => undefined]),
  )
  const { 'wecom.meeting.create.body.types': _types, ...hooks } = passAll
  const spec = { hooks, elsewhere: ['wecom.meeting.create.body.types' as const] }
  const doc = { admin_userid: 'zhangsan', title: '新建会议', meeting_start: 1600000000, meeting_duration: 3600 }

  test('a body that keeps every rule passes', () => {
    expect(() => ruleChecks(create, spec)(doc, undefined)).not.toThrow()
  })

  test('the first rule broken in the file order refuses, with its code and its id first in the reason', () => {
    const check = ruleChecks(create, spec)
    const e = thrown(() => check({ ...doc, admin_userid: '', title: 'x'.repeat(41) }, undefined))
    expect(e.code).toBe(400040)
    expect(e.reason).toBe('wecom.meeting.create.admin_userid.required: admin_userid is empty')
    expect(thrown(() => check({ ...doc, title: 'x'.repeat(41) }, undefined)).reason).toMatch(
      /^wecom\.meeting\.create\.title\.length: title is 41 units wide/,
    )
  })

  test('a hook runs at its rule place in the file, between plain checks', () => {
    const order: string[] = []
    const check = ruleChecks(create, {
      ...spec,
      hooks: {
        ...hooks,
        'wecom.meeting.create.admin_userid.visible': (body: Record<string, unknown>) => {
          order.push('visible')
          return body.admin_userid === 'hidden' ? 'admin "hidden" is outside the visible range' : undefined
        },
      },
    })
    // admin_userid.visible comes after location.length in the file, before cal_id.length: the code looks
    // at the people once the plain fields are known to be well formed.
    const hidden = { ...doc, admin_userid: 'hidden' }
    expect(thrown(() => check({ ...hidden, location: 'x'.repeat(129) }, undefined)).reason).toMatch(
      /^wecom\.meeting\.create\.location\.length: /,
    )
    expect(order).toEqual([])
    const e = thrown(() => check({ ...hidden, cal_id: 'x'.repeat(65) }, undefined))
    expect([e.code, e.reason]).toEqual([
      400021,
      'wecom.meeting.create.admin_userid.visible: admin "hidden" is outside the visible range',
    ])
    expect(order).toEqual(['visible'])
  })

  test('a hook may pass vendor options, and failed plain checks get the options callback', () => {
    const seen: CheckFailure[] = []
    const check = ruleChecks(create, {
      ...spec,
      hooks: {
        ...hooks,
        'wecom.meeting.create.meeting_start.future': () => ({ detail: 'past', options: { prefix: 'p ' } }),
      },
      options: (f) => {
        seen.push(f)
        return { prefix: `${f.field} exceed max length ${String(f.limit)}. Invalid input ` }
      },
    })
    expect(thrown(() => check(doc, undefined)).options).toEqual({ prefix: 'p ' })
    const desc = { ...doc, meeting_start: undefined, description: 'x'.repeat(501) }
    const e = thrown(() => check(desc, undefined))
    expect(e.reason).toBe('wecom.meeting.create.meeting_start.required: meeting_start is required')
    expect(seen.map((f) => f.rule.id)).toEqual(['wecom.meeting.create.meeting_start.required'])
  })

  test('an async hook is awaited at its place: a later rule waits, an earlier one decides first', async () => {
    const seen: string[] = []
    const later = (id: string) => async () => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      seen.push(id)
      return id.endsWith('future') ? 'in the past, found late' : undefined
    }
    const check = asyncRuleChecks(create, {
      ...spec,
      hooks: {
        ...hooks,
        'wecom.meeting.create.meeting_start.future': later('wecom.meeting.create.meeting_start.future'),
        'wecom.meeting.create.admin_userid.visible': later('wecom.meeting.create.admin_userid.visible'),
      },
    })
    // meeting_start.future comes before meeting_duration.min: its refusal wins though it answers later.
    const refused = await check({ ...doc, meeting_duration: 10 }, undefined).then(
      () => undefined,
      (e: VendorError) => e,
    )
    expect(refused?.reason).toBe('wecom.meeting.create.meeting_start.future: in the past, found late')
    expect(seen).toEqual(['wecom.meeting.create.meeting_start.future'])
    // title.length comes before both: nothing is awaited.
    const early = await check({ ...doc, title: 'x'.repeat(41) }, undefined).then(
      () => undefined,
      (e: VendorError) => e,
    )
    expect(early?.reason).toMatch(/^wecom\.meeting\.create\.title\.length: /)
    expect(seen).toHaveLength(1)
  })

  test('waitingRuleChecks refuses what asyncRuleChecks refuses, and makes a promise only once a hook waits', async () => {
    const later = (id: string) => async () => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      return id.endsWith('future') ? 'in the past, found late' : undefined
    }
    const waitingHooks = {
      ...hooks,
      'wecom.meeting.create.meeting_start.future': later('wecom.meeting.create.meeting_start.future'),
    }
    const outcome = async (run: () => Promise<void> | undefined) => {
      try {
        const p = run()
        return {
          waited: p !== undefined,
          reason: await p?.then(
            () => undefined,
            (e: VendorError) => e.reason,
          ),
        }
      } catch (e) {
        return { waited: false, reason: (e as VendorError).reason }
      }
    }
    for (const h of [hooks, waitingHooks]) {
      const checkAsync = asyncRuleChecks(create, { ...spec, hooks: h })
      const checkWaiting = waitingRuleChecks(create, { ...spec, hooks: h })
      for (const body of [
        doc,
        { ...doc, meeting_duration: 10 },
        { ...doc, title: 'x'.repeat(41) },
        { ...doc, meeting_start: undefined },
      ]) {
        const a = await outcome(() => checkAsync(body, undefined))
        const w = await outcome(() => checkWaiting(body, undefined))
        expect(w.reason).toBe(a.reason)
        // No hook that waits: no promise. One that waits is reached by the body that passes every rule.
        if (h === hooks) expect(w.waited).toBe(false)
        if (body === doc) expect(w.waited).toBe(h === waitingHooks)
      }
    }
  })

  test('a rule left with neither a check, a hook nor an elsewhere entry fails when the runner is built', () => {
    const { 'wecom.meeting.create.duplicate.created': _gone, ...fewer } = hooks
    expect(() => ruleChecks(create, { ...spec, hooks: fewer })).toThrow(
      /wecom\.meeting\.create\.duplicate\.created has neither a check, a hook nor an elsewhere entry/,
    )
    expect(() => ruleChecks(create, { hooks })).toThrow(/wecom\.meeting\.create\.body\.types has neither/)
  })

  test('a hook for a rule the data checks, a behaviour, an alias or another endpoint rule fails when built', () => {
    const bad = (id: string) => () => ruleChecks(create, { ...spec, hooks: { ...hooks, [id]: () => undefined } })
    expect(bad('wecom.meeting.create.title.length')).toThrow(/is checked from its data: drop its hook/)
    expect(bad('wecom.meeting.create.duplicate.skip')).toThrow(/is not refused under its own id/)
    expect(bad('wecom.meeting.create.method.post')).toThrow(/is not refused under its own id/)
    expect(bad('wecom.meeting.update.title.length')).toThrow(/is not one of these rules/)
  })
})
