/**
 * Every refusing rule of meeting/create, meeting/update, get_info and cancel, by id, as a table run through
 * every harness. Bodies come from fixtures/wecom/meeting/invalid.*.json (one per rule id); rules that need a
 * state first (another app, a cancelled meeting, a moved clock) say how in `run`.
 */
import { describe, expect, test } from 'vitest'
import cancelRules from '../contracts/rules/wecom.meeting.cancel.json' with { type: 'json' }
import createRules from '../contracts/rules/wecom.meeting.create.json' with { type: 'json' }
import getInfoRules from '../contracts/rules/wecom.meeting.get_info.json' with { type: 'json' }
import updateRules from '../contracts/rules/wecom.meeting.update.json' with { type: 'json' }
import invalidCompanions from '../fixtures/wecom/meeting/invalid.companions.json' with { type: 'json' }
import invalidCreate from '../fixtures/wecom/meeting/invalid.create.json' with { type: 'json' }
import invalidUpdate from '../fixtures/wecom/meeting/invalid.update.json' with { type: 'json' }
import { harnesses } from './support/harness.ts'
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

type Reply = { status: number; json: any }
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
  'meeting.create.method.post': { run: (h) => get(h, CREATE) },
  'meeting.create.body.json': { run: (h) => badJson(h, CREATE) },
  'meeting.create.settings.hosts.advanced': {
    run: (h) =>
      h.post(CREATE, { ...BASE, invitees: { userid: ['lisi'] }, settings: { hosts: { userid: ['lisi'] } } }, [0, 1]),
  },
  'meeting.create.duplicate.creating': {
    run: async (h) => {
      await h.post(CREATE, BASE)
      h.control.setClock({ advance: 299 })
      return h.post(CREATE, BASE)
    },
  },
  'meeting.create.duplicate.created': {
    run: async (h) => {
      await h.post(CREATE, BASE)
      h.control.setClock({ advance: 300 })
      return h.post(CREATE, BASE)
    },
  },
  'meeting.update.method.post': { run: (h) => get(h, UPDATE) },
  'meeting.update.body.json': { run: (h) => badJson(h, UPDATE) },
  'meeting.update.meetingid.other-corp': {
    run: async (h) => h.post(UPDATE, { meetingid: await book(h), title: 'x' }, [0, 1]),
  },
  'meeting.update.meetingid.own-app': {
    run: async (h) => h.post(UPDATE, { meetingid: await book(h), title: 'x' }, [1, 0]),
  },
  'meeting.update.status.cancelled': {
    run: async (h) => {
      const id = await book(h)
      await h.post(CANCEL, { meetingid: id })
      return h.post(UPDATE, { meetingid: id, title: 'x' })
    },
  },
  'meeting.update.status.scheduled': {
    run: async (h) => {
      const id = await book(h)
      h.control.setClock({ now: BASE.meeting_start + 60 })
      return h.post(UPDATE, { meetingid: id, title: 'x' })
    },
  },
  'meeting.update.meeting_start.passed': {
    options: { config: { wecom: { meetingStatusFromClock: false } } },
    run: async (h) => {
      const id = await book(h)
      h.control.setClock({ now: BASE.meeting_start + 60 })
      return h.post(UPDATE, withId(invalidUpdate['meeting.update.meeting_start.passed'], id))
    },
  },
  'meeting.update.settings.hosts.advanced': {
    run: async (h) => {
      const id = await book(h, { ...BASE, invitees: { userid: ['lisi'] } }, [0, 1])
      return h.post(UPDATE, { meetingid: id, settings: { hosts: { userid: ['lisi'] } } }, [0, 1])
    },
  },
  'meeting.get_info.meetingid.own-app': {
    run: async (h) => h.post(GET_INFO, { meetingid: await book(h) }, [1, 0]),
  },
  'meeting.cancel.meetingid.own-app': {
    run: async (h) => h.post(CANCEL, { meetingid: await book(h) }, [1, 0]),
  },
  'meeting.cancel.status.cancelled': {
    run: async (h) => {
      const id = await book(h)
      await h.post(CANCEL, { meetingid: id })
      return h.post(CANCEL, { meetingid: id })
    },
  },
  'meeting.cancel.status.scheduled': {
    run: async (h) => {
      const id = await book(h)
      h.control.setClock({ now: BASE.meeting_start + BASE.meeting_duration + 1 })
      return h.post(CANCEL, { meetingid: id })
    },
  },
}

const fixtures: Record<string, unknown> = { ...invalidCreate, ...invalidUpdate, ...invalidCompanions }

function pathOf(id: string): string {
  if (id.startsWith('meeting.create.')) return CREATE
  if (id.startsWith('meeting.update.')) return UPDATE
  return id.startsWith('meeting.get_info.') ? GET_INFO : CANCEL
}

interface Row {
  id: string
  code: number
  run: Run
  options?: object
}

const rows: Row[] = [...createRules.rules, ...updateRules.rules, ...getInfoRules.rules, ...cancelRules.rules]
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

describe.each(harnesses)('meeting rules through $name', (factory) => {
  test.each(rows)('$id: answers errcode $code', async ({ code, run, options }) => {
    const h = await meetingHarness(factory, options)
    try {
      const r = await run(h)
      expect(r.status).toBe(200)
      expect(r.json.errcode).toBe(code)
      expect(r.json.errmsg).toMatch(/, hint: \[\d+\], from ip: /)
    } finally {
      await h.close()
    }
  })

  test('meeting.create.invitees.limit: an ordinary corp books at most 100 invitees, a paid one 300', async () => {
    const h = await meetingHarness(factory)
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`)
    // 100 unknown ids pass the headcount and fail visibility; 101 fail the headcount first.
    expect((await h.post(CREATE, { ...BASE, invitees: { userid: ids(100) } }, [0, 1])).json.errcode).toBe(400021)
    expect((await h.post(CREATE, { ...BASE, invitees: { userid: ids(101) } }, [0, 1])).json.errcode).toBe(400020)
    expect((await h.post(CREATE, { ...BASE, invitees: { userid: ids(300) } })).json.errcode).toBe(400021)
    await h.close()
  })

  test('meeting.create.body.types: the errmsg names the field before the catalogue text', async () => {
    const h = await meetingHarness(factory)
    const r = await h.post(CREATE, { ...BASE, description: 5 })
    expect(r.json.errcode).toBe(40058)
    expect(r.json.errmsg).toMatch(
      /^invalid type of description: must be string\. Invalid input invalid Request Parameter/,
    )
    await h.close()
  })
})
