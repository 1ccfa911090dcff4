/**
 * The plain checks in contracts/rules say what the emulator refuses: each fails on the body its rule's
 * contract case sends (the body the emulator refuses under that rule), none fails on the doc examples or on
 * faker-built valid bodies, and a 40058 check's errmsg prefix is the one the emulator writes. The endpoints
 * evaluate these checks (src/core/rule-checks.ts); this keeps the data, the cases and the wire words agreeing.
 */
import { describe, expect, test } from 'vitest'
import { loadCases } from '../contracts/runner/cases.ts'
import { pick } from '../contracts/runner/expect.ts'
import { resolveValue, type Scope } from '../contracts/runner/placeholders.ts'
import { seedCredentials } from '../contracts/runner/targets.ts'
import feishuMailDoc from '../fixtures/feishu/mail/doc-example.json' with { type: 'json' }
import { buildStructuredMail, mailFaker as feishuMailFaker } from '../fixtures/feishu/mail/factories.ts'
import calendarAddDoc from '../fixtures/wecom/calendar/add.doc-example.json' with { type: 'json' }
import calendarUpdateDoc from '../fixtures/wecom/calendar/update.doc-example.json' with { type: 'json' }
import mailDoc from '../fixtures/wecom/mail/doc-example.json' with { type: 'json' }
import { buildComposeSend, mailFaker } from '../fixtures/wecom/mail/factory.ts'
import createDoc from '../fixtures/wecom/meeting/create.doc-example.json' with { type: 'json' }
import { validCreateRequests } from '../fixtures/wecom/meeting/factory.ts'
import updateDoc from '../fixtures/wecom/meeting/update.doc-example.json' with { type: 'json' }
import scheduleDocCorrected from '../fixtures/wecom/schedule/doc-example-corrected.json' with { type: 'json' }
import { buildScheduleAdd, scheduleFaker } from '../fixtures/wecom/schedule/factory.ts'
import { checkFailure } from '../src/core/rule-checks.ts'
import { type RuleEndpoint, type RuleEntry, rulesOf } from '../src/core/rules.ts'
import { defaultSeed } from '../src/core/seed.ts'
import { RULES } from '../src/generated/rules.ts'
import { wecomCheckOptions } from '../src/wecom/params.ts'
import { testCore } from './support/core.ts'

interface Invalid {
  rule: string
  /** Where the case sends it, when the case is one request that needs no state before it. */
  route?: string
  body: unknown
}

/** The test core's clock; the cases' `{{now}}` and `{{future}}` resolve against it. */
const NOW = 1_599_990_000
const credentials = seedCredentials(defaultSeed)
/** Resolves a case's body without a target: an earlier step's capture stands in as a string (checks see the body only). */
const scope: Scope = {
  now: NOW,
  future: NOW + 30 * 86_400,
  run: 'rulecheck',
  lookup: async (name) => pick(credentials, name).value,
  steps: new Proxy({}, { get: () => new Proxy({}, { get: () => 'x', has: () => true }) }),
}

/**
 * The body each single-rule contract case is refused for: its last step answering the rule's code (a GET
 * endpoint's query parameters stand in for a body).
 */
async function caseBodies(): Promise<Invalid[]> {
  const out: Invalid[] = []
  for (const { case: c } of loadCases()) {
    if (c.rules.length !== 1) continue
    const rule = (RULES as Record<string, RuleEntry | undefined>)[c.rules[0]!]
    if (!rule?.check) continue
    const steps = c.steps ?? []
    const step = steps.findLast((st) => st.request && st.expect?.code === rule.code)
    if (!step?.request) continue
    const r = step.request
    const raw = r.body ?? (r.method === 'GET' ? r.query : undefined)
    if (raw === undefined) continue
    const body = await resolveValue(raw, scope)
    const alone = steps.length === 1 && !JSON.stringify(raw).includes('{{steps.')
    out.push({ rule: rule.id, body, ...(alone && r.body !== undefined ? { route: r.path } : {}) })
  }
  return out
}

/** Bodies that break exactly one rule, by rule id (the first case of each); query-parameter rules get theirs inline. */
const invalid = new Map<string, Invalid>()
for (const x of [
  ...(await caseBodies()),
  { rule: 'wecom.gettoken.corpsecret.required', body: { corpid: 'wwdevcorp0000001' } },
  { rule: 'wecom.gettoken.corpid.required', body: { corpsecret: 'dev-secret-meetings-1000014', corpid: '' } },
  { rule: 'wecom.gateway.access_token.missing', body: {} },
  // Needs a schedule to reach in the emulator; the check itself looks at the body only.
  { rule: 'wecom.schedule.del.op_mode.values', body: { schedule_id: 'x', op_mode: 3 } },
])
  if (!invalid.has(x.rule)) invalid.set(x.rule, x)

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
  // oa/schedule/update takes oa/schedule/add's fields and the id of the schedule it changes.
  'wecom.schedule.update': [
    scheduleDocCorrected,
    ...[1, 2, 3, 4].map((s) => buildScheduleAdd({}, scheduleFaker(s))),
  ].map((b) => ({ ...b, schedule: { ...b.schedule, schedule_id: '17c7d2bd9f20d652840f72f59e796AAA' } })),
  'wecom.exmail.compose_send': [mailDoc, ...[1, 2, 3, 4, 5, 6, 7, 8].map((s) => buildComposeSend({}, mailFaker(s)))],
  'wecom.gettoken': [{ corpid: 'wwdevcorp0000001', corpsecret: 'dev-secret-meetings-1000014' }],
  'wecom.gateway': [{ access_token: 'x' }],
  'wecom.schedule.get': [{ schedule_id_list: ['17c7d2bd9f20d652840f72f59e796AAA'] }],
  'wecom.schedule.del': [{ schedule_id: 'x', op_mode: 2 }],
  'wecom.meeting.cancel': [{ meetingid: 'x' }],
  'feishu.mail.send': [feishuMailDoc, ...[1, 2, 3, 4].map((s) => buildStructuredMail({}, feishuMailFaker(s)))],
  // The docs' request examples (https://developer.work.weixin.qq.com/document/path/93647, 97716, 97717).
  'wecom.calendar.add': [calendarAddDoc, { calendar: { summary: '会'.repeat(128), color: '#0000ff' } }],
  'wecom.calendar.update': [calendarUpdateDoc],
  'wecom.calendar.get': [{ cal_id_list: ['wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA'] }],
  // https://developer.work.weixin.qq.com/document/path/97723's request example.
  'wecom.schedule.get_by_calendar': [{ cal_id: 'wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA', offset: 100, limit: 1000 }],
  // https://developer.work.weixin.qq.com/document/path/97457's request example.
  'wecom.meeting.get_user_meetingid': [
    { userid: 'USERID', cursor: 'cursor', begin_time: 1586136317, end_time: 1586236317, limit: 100 },
  ],
  // A GET endpoint's query parameters stand in for a body.
  'feishu.mail.message.list': [
    { folder_id: 'INBOX', page_size: '20' },
    { folder_id: 'SENT', page_size: '1', only_unread: 'true' },
  ],
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
  /** Where the errmsg keeps words of its own (compose_send's options callback writes them). */
  const OWN_WORDS: Record<string, string> = {
    'wecom.exmail.compose_send.meeting.meeting_admins.one': 'meeting.meeting_admins.userids must hold exactly 1 userid',
  }
  const rows = checked.filter((r) => r.code === 40058 && invalid.get(r.id)?.route).map((r) => [r.id, r] as const)

  test('the rows cover the meeting, schedule and mail checks', () => {
    expect(rows.length).toBeGreaterThanOrEqual(10)
  })

  test.each(rows)('%s: the errmsg starts with the prefix wecomCheckOptions gives', async (id, r) => {
    const t = testCore()
    t.control.setClock({ now: NOW, frozen: true })
    const fixture = invalid.get(id)!
    const res = await t.wecom(fixture.route!, fixture.body)
    expect(res.headers['x-worksuite-mock-reason']).toMatch(new RegExp(`^${id.replaceAll('.', '\\.')}:`))
    const prefix = wecomCheckOptions(checkFailure(r, fixture.body)!)!.prefix!
    if (OWN_WORDS[id]) expect(res.json.errmsg).toMatch(new RegExp(`^${OWN_WORDS[id]}`))
    else expect(res.json.errmsg.slice(0, prefix.length)).toBe(prefix)
  })
})
