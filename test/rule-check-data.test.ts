/**
 * The plain checks in contracts/rules say what the hand code refuses today: each fails on its rule's
 * invalid fixture (the body the emulator refuses under that rule), none fails on the doc examples or on
 * faker-built valid bodies, and a 40058 check's errmsg prefix is the one the emulator writes. Phase 2 of
 * issue 11 evaluates the checks instead of the hand code; this is what keeps the two the same.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import mailDoc from '../fixtures/wecom/mail/doc-example.json' with { type: 'json' }
import { buildComposeSend, mailFaker } from '../fixtures/wecom/mail/factory.ts'
import createDoc from '../fixtures/wecom/meeting/create.doc-example.json' with { type: 'json' }
import { validCreateRequests } from '../fixtures/wecom/meeting/factory.ts'
import invalidCompanions from '../fixtures/wecom/meeting/invalid.companions.json' with { type: 'json' }
import invalidCreate from '../fixtures/wecom/meeting/invalid.create.json' with { type: 'json' }
import invalidUpdate from '../fixtures/wecom/meeting/invalid.update.json' with { type: 'json' }
import updateDoc from '../fixtures/wecom/meeting/update.doc-example.json' with { type: 'json' }
import scheduleDocCorrected from '../fixtures/wecom/schedule/doc-example-corrected.json' with { type: 'json' }
import { buildScheduleAdd, scheduleFaker } from '../fixtures/wecom/schedule/factory.ts'
import { checkFailure } from '../src/core/rule-checks.ts'
import { type RuleEndpoint, type RuleEntry, rulesOf } from '../src/core/rules.ts'
import { RULES } from '../src/generated/rules.ts'
import { wecomCheckOptions } from '../src/wecom/params.ts'
import { testCore } from './support/core.ts'

interface Invalid {
  rule: string
  route?: string
  body: unknown
}

function fileFixtures(dir: string): Invalid[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')))
    .map((x: { rule: string; route: string; request: unknown }) => ({ rule: x.rule, route: x.route, body: x.request }))
}

const keyed = (fixtures: Record<string, unknown>, route?: string): Invalid[] =>
  Object.entries(fixtures).map(([rule, body]) => ({ rule, body, ...(route ? { route } : {}) }))

/** Bodies that break exactly one rule, by rule id; query-parameter rules get theirs inline. */
const invalid = new Map<string, Invalid>(
  [
    ...keyed(invalidCreate, '/cgi-bin/meeting/create'),
    ...keyed(invalidUpdate),
    ...keyed(invalidCompanions),
    ...fileFixtures('fixtures/wecom/schedule/invalid'),
    ...fileFixtures('fixtures/wecom/mail/invalid'),
    { rule: 'wecom.gettoken.corpsecret.required', body: { corpid: 'wwdevcorp0000001' } },
    { rule: 'wecom.gettoken.corpid.required', body: { corpsecret: 'dev-secret-meetings-1000014', corpid: '' } },
    { rule: 'wecom.gateway.access_token.missing', body: {} },
    // Needs a schedule to reach in the emulator; the check itself looks at the body only.
    { rule: 'wecom.schedule.del.op_mode.values', body: { schedule_id: 'x', op_mode: 3 } },
  ].map((x) => [x.rule, x]),
)

const checked = (Object.values(RULES) as RuleEntry[]).filter((r) => r.check)

/** Bodies every rule of the endpoint accepts. */
const valid: Partial<Record<RuleEndpoint, unknown[]>> = {
  'wecom.meeting.create': [createDoc, ...validCreateRequests(7, 20)],
  // The update doc example's host_key "meetinghostkey" breaks settings.host_key (wecom-meeting-behaviour).
  'wecom.meeting.update': [{ ...updateDoc, settings: { ...updateDoc.settings, host_key: '123456' } }],
  'wecom.schedule.add': [
    scheduleDocCorrected,
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((s) => buildScheduleAdd({}, scheduleFaker(s))),
  ],
  'wecom.exmail.compose_send': [mailDoc, ...[1, 2, 3, 4, 5, 6, 7, 8].map((s) => buildComposeSend({}, mailFaker(s)))],
  'wecom.gettoken': [{ corpid: 'wwdevcorp0000001', corpsecret: 'dev-secret-meetings-1000014' }],
  'wecom.gateway': [{ access_token: 'x' }],
  'wecom.schedule.get': [{ schedule_id_list: ['17c7d2bd9f20d652840f72f59e796AAA'] }],
  'wecom.schedule.del': [{ schedule_id: 'x', op_mode: 2 }],
  'wecom.meeting.cancel': [{ meetingid: 'x' }],
}

describe('every plain check', () => {
  test('has a body that breaks it, and the endpoints with checks have valid bodies', () => {
    expect(checked.filter((r) => !invalid.has(r.id)).map((r) => r.id)).toEqual([])
    expect([...new Set(checked.map((r) => r.endpoint))].filter((e) => !valid[e])).toEqual([])
  })

  test.each(checked.map((r) => [r.id, r] as const))('%s fails on the body the emulator refuses under it', (_id, r) => {
    const failure = checkFailure(r, invalid.get(r.id)!.body)
    expect(failure, JSON.stringify(r.check)).toBeDefined()
  })

  test.each(
    Object.entries(valid),
  )('%s: no plain check fails on the doc example or a faker-built body', (endpoint, bodies) => {
    for (const r of rulesOf(endpoint as RuleEndpoint).filter((x) => x.check))
      for (const body of bodies!) expect(checkFailure(r, body), `${r.id} on ${JSON.stringify(body)}`).toBeUndefined()
  })
})

describe('a 40058 plain check', () => {
  /** Where the wording differs today; phase 2 keeps these as hand-written prefixes. */
  const OWN_WORDS: Record<string, string> = {
    'wecom.exmail.compose_send.meeting.meeting_admins.one': 'meeting.meeting_admins.userids must hold exactly 1 userid',
  }
  const rows = checked.filter((r) => r.code === 40058 && invalid.get(r.id)?.route).map((r) => [r.id, r] as const)

  test('the rows cover the meeting, schedule and mail checks', () => {
    expect(rows.length).toBeGreaterThanOrEqual(10)
  })

  test.each(rows)('%s: the errmsg starts with the prefix wecomCheckOptions gives', async (id, r) => {
    const t = testCore()
    t.control.setClock({ now: 1_599_990_000, frozen: true })
    const fixture = invalid.get(id)!
    const res = await t.wecom(fixture.route!, fixture.body)
    expect(res.headers['x-worksuite-mock-reason']).toMatch(new RegExp(`^${id.replaceAll('.', '\\.')}:`))
    const prefix = wecomCheckOptions(checkFailure(r, fixture.body)!)!.prefix!
    if (OWN_WORDS[id]) expect(res.json.errmsg).toMatch(new RegExp(`^${OWN_WORDS[id]}`))
    else expect(res.json.errmsg.slice(0, prefix.length)).toBe(prefix)
  })
})
