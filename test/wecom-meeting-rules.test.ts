/**
 * Every refusing rule of meeting/create, meeting/update, get_info and cancel, by id, as a table run through
 * every harness. Bodies come from fixtures/wecom/meeting/invalid.*.json (one per rule id); rules that need a
 * state first (another app, a cancelled meeting, a moved clock) say how in `run`.
 */
import { afterEach, describe, expect, test } from 'vitest'
import companionRules from '../contracts/rules/wecom.meeting.companions.json' with { type: 'json' }
import createRules from '../contracts/rules/wecom.meeting.create.json' with { type: 'json' }
import updateRules from '../contracts/rules/wecom.meeting.update.json' with { type: 'json' }
import invalidCompanions from '../fixtures/wecom/meeting/invalid.companions.json' with { type: 'json' }
import invalidCreate from '../fixtures/wecom/meeting/invalid.create.json' with { type: 'json' }
import invalidUpdate from '../fixtures/wecom/meeting/invalid.update.json' with { type: 'json' }
import { checkedHarnesses } from './support/checked.ts'
import { expectRefusal, raisedAs, reasonRule } from './support/harness.ts'
import { type MeetingHarness, meetingHarness } from './support/wecom-meeting.ts'

const CREATE = '/cgi-bin/meeting/create'
const UPDATE = '/cgi-bin/meeting/update'
const GET_INFO = '/cgi-bin/meeting/get_info'
const CANCEL = '/cgi-bin/meeting/cancel'
const BASE = {
  admin_userid: 'zhangsan',
  title: '周会',
  meeting_start: 1_600_000_000,
  meeting_duration: 3600,
  invitees: { userid: ['lisi', 'wangwu'] },
}

type Reply = { status: number; json: any; headers: Record<string, string> }
type Run = (h: MeetingHarness) => Promise<Reply>

async function book(h: MeetingHarness, body: object = BASE, as: [number, number] = [0, 0]): Promise<string> {
  const r = await h.post(CREATE, { ...body, skip_duplicate_check: true }, as)
  expect(r.json.errcode).toBe(0)
  return r.json.meetingid
}

function withId(body: unknown, id: string): unknown {
  return JSON.parse(JSON.stringify(body).replaceAll('{{meetingid}}', id))
}

const get = (h: MeetingHarness, path: string) =>
  h.token().then((t) => h.call({ method: 'GET', path, query: { access_token: t } }))
const badJson = (h: MeetingHarness, path: string) =>
  h.token().then((t) => h.call({ method: 'POST', path, query: { access_token: t }, body: '{"meetingid": ' }))

const special: Record<string, { run: Run; options?: object }> = {
  'wecom.meeting.create.method.post': { run: (h) => get(h, CREATE) },
  'wecom.meeting.create.body.json': { run: (h) => badJson(h, CREATE) },
  'wecom.meeting.create.settings.hosts.advanced': {
    run: (h) =>
      h.post(CREATE, { ...BASE, invitees: { userid: ['lisi'] }, settings: { hosts: { userid: ['lisi'] } } }, [0, 1]),
  },
  'wecom.meeting.create.duplicate.creating': {
    run: async (h) => {
      await h.post(CREATE, BASE)
      h.control.setClock({ advance: 299 })
      return h.post(CREATE, BASE)
    },
  },
  'wecom.meeting.create.duplicate.created': {
    run: async (h) => {
      await h.post(CREATE, BASE)
      h.control.setClock({ advance: 300 })
      return h.post(CREATE, BASE)
    },
  },
  'wecom.meeting.update.method.post': { run: (h) => get(h, UPDATE) },
  'wecom.meeting.update.body.json': { run: (h) => badJson(h, UPDATE) },
  'wecom.meeting.update.meetingid.other-corp': {
    run: async (h) => h.post(UPDATE, { meetingid: await book(h), title: 'x' }, [0, 1]),
  },
  'wecom.meeting.update.meetingid.own-app': {
    run: async (h) => h.post(UPDATE, { meetingid: await book(h), title: 'x' }, [1, 0]),
  },
  'wecom.meeting.update.status.cancelled': {
    run: async (h) => {
      const id = await book(h)
      await h.post(CANCEL, { meetingid: id })
      return h.post(UPDATE, { meetingid: id, title: 'x' })
    },
  },
  'wecom.meeting.update.status.scheduled': {
    run: async (h) => {
      const id = await book(h)
      h.control.setClock({ now: BASE.meeting_start + 60 })
      return h.post(UPDATE, { meetingid: id, title: 'x' })
    },
  },
  'wecom.meeting.update.meeting_start.passed': {
    options: { config: { wecom: { meetingStatusFromClock: false } } },
    run: async (h) => {
      const id = await book(h)
      h.control.setClock({ now: BASE.meeting_start + 60 })
      return h.post(UPDATE, withId(invalidUpdate['wecom.meeting.update.meeting_start.passed'], id))
    },
  },
  'wecom.meeting.update.settings.hosts.advanced': {
    run: async (h) => {
      const id = await book(h, { ...BASE, invitees: { userid: ['lisi'] } }, [0, 1])
      return h.post(UPDATE, { meetingid: id, settings: { hosts: { userid: ['lisi'] } } }, [0, 1])
    },
  },
  'wecom.meeting.get_info.meetingid.own-app': {
    run: async (h) => h.post(GET_INFO, { meetingid: await book(h) }, [1, 0]),
  },
  'wecom.meeting.cancel.meetingid.own-app': {
    run: async (h) => h.post(CANCEL, { meetingid: await book(h) }, [1, 0]),
  },
  'wecom.meeting.cancel.status.cancelled': {
    run: async (h) => {
      const id = await book(h)
      await h.post(CANCEL, { meetingid: id })
      return h.post(CANCEL, { meetingid: id })
    },
  },
  'wecom.meeting.cancel.status.scheduled': {
    run: async (h) => {
      const id = await book(h)
      h.control.setClock({ now: BASE.meeting_start + BASE.meeting_duration + 1 })
      return h.post(CANCEL, { meetingid: id })
    },
  },
}

const fixtures: Record<string, unknown> = { ...invalidCreate, ...invalidUpdate, ...invalidCompanions }

function pathOf(id: string): string {
  if (id.startsWith('wecom.meeting.create.')) return CREATE
  if (id.startsWith('wecom.meeting.update.')) return UPDATE
  return id.startsWith('wecom.meeting.get_info.') ? GET_INFO : CANCEL
}

interface Row {
  id: string
  code: number
  run: Run
  options?: object
}

const rows: Row[] = [...createRules.rules, ...updateRules.rules, ...companionRules.rules]
  .filter((r) => r.code !== 0)
  .map((r) => {
    const s = special[r.id]
    if (s) return { id: r.id, code: r.code, run: s.run, ...(s.options ? { options: s.options } : {}) }
    const body = fixtures[r.id]
    if (body === undefined) throw new Error(`no invalid fixture and no special run for rule ${r.id}`)
    const path = pathOf(r.id)
    const needsMeeting = JSON.stringify(body).includes('{{meetingid}}')
    return {
      id: r.id,
      code: r.code,
      run: async (h: MeetingHarness) => h.post(path, needsMeeting ? withId(body, await book(h)) : body),
    }
  })

describe.each(checkedHarnesses)('meeting rules through $name', (factory) => {
  afterEach(() => {
    expect(factory.problems.splice(0), 'answers that break their response schema').toEqual([])
  })

  test.each(rows)('$id: answers errcode $code, the rule named in the reason', async ({ id, code, run, options }) => {
    const h = await meetingHarness(factory, options)
    try {
      const r = await run(h)
      expect(r.status).toBe(200)
      expect(r.json.errcode).toBe(code)
      expect(reasonRule(r), 'the rule x-worksuite-mock-reason names').toBe(raisedAs(id))
      expect(r.json.errmsg).toMatch(/, hint: \[\d+\], from ip: /)
    } finally {
      await h.close()
    }
  })

  test('wecom.meeting.create.invitees.limit: an ordinary corp books at most 100 invitees, a paid one 300', async () => {
    const h = await meetingHarness(factory)
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`)
    // 100 unknown ids pass the headcount and fail visibility; 101 fail the headcount first.
    expectRefusal(
      await h.post(CREATE, { ...BASE, invitees: { userid: ids(100) } }, [0, 1]),
      'wecom.meeting.create.invitees.visible',
    )
    expectRefusal(
      await h.post(CREATE, { ...BASE, invitees: { userid: ids(101) } }, [0, 1]),
      'wecom.meeting.create.invitees.limit',
    )
    expectRefusal(
      await h.post(CREATE, { ...BASE, invitees: { userid: ids(300) } }),
      'wecom.meeting.create.invitees.visible',
    )
    await h.close()
  })

  test('wecom.meeting.create.body.types: the errmsg names the field before the catalogue text', async () => {
    const h = await meetingHarness(factory)
    const r = await h.post(CREATE, { ...BASE, description: 5 })
    expectRefusal(r, 'wecom.meeting.create.body.types')
    expect(r.json.errmsg).toMatch(
      /^invalid type of description: must be string\. Invalid input invalid Request Parameter/,
    )
    await h.close()
  })
})
