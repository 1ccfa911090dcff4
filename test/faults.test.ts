/**
 * Fault injection through every adapter: each kind of fault (errcode / code answer, HTTP status, delay,
 * drop, times, probability) and each match field (vendor, path, app, user, mailbox), plus the shipped fetch
 * client, retry on, recovering after an injected 45009 (WeCom) and 99991400 (Feishu, HTTP 429).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createFeishuClient, createWecomClient } from '../contracts/client/fetch-client.ts'
import type { Call, Reply } from './support/core.ts'
import { type Harness, type HarnessFactory, harnesses } from './support/harness.ts'

const CORP = 'wwdevcorp0000001'
const SECRET_1 = 'dev-secret-meetings-1000014'
const SECRET_2 = 'dev-secret-second-1000015'
const USER_TOKEN_1 = 'u-dev-user-token-1' // user@xxx.xx
const USER_TOKEN_2 = 'u-dev-user-token-2' // jane@xxx.xx
const OPEN_ID_1 = 'ou_devuser000000000000000000000001'
const SEND_PATH = (mailbox: string) => `/open-apis/mail/v1/user_mailboxes/${mailbox}/messages/send`

const gettoken = (secret = SECRET_1): Call => ({
  path: '/cgi-bin/gettoken',
  query: { corpid: CORP, corpsecret: secret },
})
const tenantToken: Call = {
  method: 'POST',
  path: '/open-apis/auth/v3/tenant_access_token/internal',
  body: { app_id: 'cli_devapp00000001', app_secret: 'dev-feishu-secret-00000001' },
}
const meetingCreate = (token: string, body: unknown = { title: 't' }): Call => ({
  method: 'POST',
  path: '/cgi-bin/meeting/create',
  query: { access_token: token },
  body,
})
const mailSend = (token: string, mailbox = 'me'): Call => ({
  method: 'POST',
  path: SEND_PATH(mailbox),
  headers: { authorization: `Bearer ${token}` },
  body: { subject: 's' },
})

/** A dropped connection: the core says `drop`; over HTTP (stub server, Express, MSW) fetch rejects. */
async function expectDropped(h: Harness, name: string, c: Call): Promise<void> {
  if (name === 'core') {
    const r = await h.call(c)
    expect(r.drop).toBe(true)
  } else {
    await expect(h.call(c)).rejects.toThrow()
  }
}

const wecomCode = (r: Reply) => r.json?.errcode
/** Which fault rule answered, from the reason header; null when none did (the endpoint answered itself). */
const faultOf = (r: Reply) => decodeURI(r.headers['x-worksuite-mock-reason'] ?? '').match(/^fault (f\d+)/)?.[1] ?? null
const feishuCode = (r: Reply) => r.json?.code

describe.each(harnesses)('faults through $name', (factory: HarnessFactory) => {
  let h: Harness
  let token = ''
  let token2 = ''
  beforeAll(async () => {
    h = await factory.make({ fakerSeed: 7 })
  })
  afterAll(() => h.close())
  beforeEach(async () => {
    h.control.reset()
    token = (await h.call(gettoken())).json.access_token
    token2 = (await h.call(gettoken(SECRET_2))).json.access_token
  })

  test('a WeCom errcode answers HTTP 200 with the catalogue errmsg, a hint, and the fault id as reason', async () => {
    const f = h.control.addFault({ match: { path: '/cgi-bin/meeting/create' }, respond: { errcode: -1 } })
    expect(f).toMatchObject({ id: expect.stringMatching(/^f\d+$/), hits: 0, remaining: null })
    const r = await h.call(meetingCreate(token))
    expect(r.status).toBe(200)
    expect(r.json.errcode).toBe(-1)
    expect(r.json.errmsg).toMatch(/^system busy, hint: \[\d{25}\], from ip: .*more info at .*\?e=-1$/)
    expect(r.headers['error-code']).toBe('-1')
    expect(r.headers['x-worksuite-mock-reason']).toBe(`fault ${f.id}: injected errcode -1`)
    const j = h.control.requests({ reason: 'fault' })
    expect(j.count).toBe(1)
    expect(j.entries[0]).toMatchObject({ path: '/cgi-bin/meeting/create', status: 200, code: -1 })
    expect(j.entries[0]!.reason).toMatch(new RegExp(`^fault ${f.id}`))
  })

  test('a Feishu code answers with its catalogue HTTP status and msg (1236010 → 429)', async () => {
    h.control.addFault({ match: { vendor: 'feishu' }, respond: { code: 1236010 } })
    const r = await h.call(mailSend(USER_TOKEN_1))
    expect(r.status).toBe(429)
    expect(r.json).toMatchObject({ code: 1236010, msg: 'mail quota limit' })
    expect(r.headers['x-tt-logid']).toMatch(/^\d{14}[0-9A-F]{20}$/)
    expect(r.json.error.log_id).toBe(r.headers['x-tt-logid'])
  })

  test('99991400 answers HTTP 429 with the x-ogw-ratelimit headers', async () => {
    h.control.addFault({ respond: { code: 99991400 } })
    const r = await h.call(mailSend(USER_TOKEN_1))
    expect(r.status).toBe(429)
    expect(r.json).toMatchObject({ code: 99991400, msg: 'request trigger frequency limit' })
    expect(r.headers['x-ogw-ratelimit-limit']).toBe('100')
    expect(Number(r.headers['x-ogw-ratelimit-reset'])).toBeGreaterThan(0)
  })

  test('respond.status overrides the catalogue status, for either vendor', async () => {
    h.control.addFault({ match: { vendor: 'wecom' }, respond: { errcode: 45009, status: 503 } })
    h.control.addFault({ respond: { code: 1236019, status: 502 } })
    const w = await h.call(meetingCreate(token))
    expect([w.status, wecomCode(w)]).toEqual([503, 45009])
    const f = await h.call(mailSend(USER_TOKEN_1))
    expect([f.status, feishuCode(f)]).toEqual([502, 1236019])
  })

  test('a fault answers before auth would refuse: a request without a token still gets the fault', async () => {
    h.control.addFault({ match: { path: '/cgi-bin/meeting/create' }, respond: { errcode: 45009 } })
    const r = await h.call({ method: 'POST', path: '/cgi-bin/meeting/create', body: {} })
    expect(wecomCode(r)).toBe(45009)
  })

  test('delay_ms holds the answer, then the request goes on normally', async () => {
    h.control.addFault({ match: { path: '/cgi-bin/gettoken' }, delay_ms: 150 })
    const start = performance.now()
    const r = await h.call(gettoken())
    expect(performance.now() - start).toBeGreaterThanOrEqual(140)
    expect(r.json).toMatchObject({ errcode: 0, access_token: token })
  })

  test('delay_ms with respond waits, then answers the fault', async () => {
    h.control.addFault({ match: { path: '/cgi-bin/gettoken' }, delay_ms: 120, respond: { errcode: -1 } })
    const start = performance.now()
    const r = await h.call(gettoken())
    expect(performance.now() - start).toBeGreaterThanOrEqual(110)
    expect(wecomCode(r)).toBe(-1)
  })

  test('drop cuts the connection without an answer, and the journal says so', async () => {
    const f = h.control.addFault({ match: { path: '/cgi-bin/gettoken' }, drop: true, times: 1 })
    await expectDropped(h, factory.name, gettoken())
    const e = h.control.requests({ reason: 'dropped' }).entries
    expect(e).toHaveLength(1)
    expect(e[0]).toMatchObject({
      path: '/cgi-bin/gettoken',
      status: 0,
      code: null,
      reason: `fault ${f.id}: connection dropped`,
    })
    // The next request, after the one drop, is answered.
    expect(wecomCode(await h.call(gettoken()))).toBe(0)
  })

  test('drop works for Feishu too (after a delay)', async () => {
    h.control.addFault({ match: { vendor: 'feishu' }, drop: true, delay_ms: 30 })
    await expectDropped(h, factory.name, mailSend(USER_TOKEN_1))
    await expectDropped(h, factory.name, tenantToken)
  })

  test('times acts on the next N matches only; the list shows hits and remaining', async () => {
    const f = h.control.addFault({ match: { path: '/cgi-bin/meeting/create' }, respond: { errcode: 45009 }, times: 2 })
    const codes = []
    for (let i = 0; i < 4; i++) codes.push(wecomCode(await h.call(meetingCreate(token))))
    expect(codes.slice(0, 2)).toEqual([45009, 45009])
    expect(codes.slice(2)).not.toContain(45009)
    expect(h.control.requests({ reason: `fault ${f.id}` }).count).toBe(2)
    expect(h.control.faults()).toEqual([expect.objectContaining({ id: f.id, times: 2, hits: 2, remaining: 0 })])
  })

  test('probability 0 never acts and probability 1 always does', async () => {
    h.control.addFault({ match: { path: '/cgi-bin/gettoken' }, respond: { errcode: -1 }, probability: 0 })
    for (let i = 0; i < 5; i++) expect(wecomCode(await h.call(gettoken()))).toBe(0)
    h.control.clearFaults()
    h.control.addFault({ match: { path: '/cgi-bin/gettoken' }, respond: { errcode: -1 }, probability: 1 })
    for (let i = 0; i < 5; i++) expect(wecomCode(await h.call(gettoken()))).toBe(-1)
  })

  test('probability draws from the seeded random source: the same seed gives the same pattern', async () => {
    const pattern = async (target: Harness) => {
      target.control.reset()
      target.control.addFault({ match: { path: '/cgi-bin/gettoken' }, respond: { errcode: -1 }, probability: 0.5 })
      const out: number[] = []
      for (let i = 0; i < 30; i++) out.push(wecomCode(await target.call(gettoken())))
      return out
    }
    const first = await pattern(h)
    // One at a time: two MSW servers in one process would intercept each other's requests.
    await h.close()
    h = await factory.make({ fakerSeed: 7 })
    expect(await pattern(h)).toEqual(first)
    const faulted = first.filter((c) => c === -1).length
    expect(faulted).toBeGreaterThan(5)
    expect(faulted).toBeLessThan(25)
    expect(first.filter((c) => c === 0).length).toBe(30 - faulted)
  })

  test('match.vendor: a WeCom rule leaves Feishu alone, and an errcode rule implies WeCom', async () => {
    const vendor = h.control.addFault({ match: { vendor: 'wecom' }, respond: { errcode: 45009 }, times: 1 }).id
    const implied = h.control.addFault({ respond: { errcode: 45009 } }).id
    expect(faultOf(await h.call(meetingCreate(token)))).toBe(vendor)
    expect(faultOf(await h.call(gettoken()))).toBe(implied)
    expect(faultOf(await h.call(tenantToken))).toBeNull()
    expect(faultOf(await h.call(mailSend(USER_TOKEN_1)))).toBeNull()
  })

  test('match.path: exact, prefix with *, and the route pattern', async () => {
    const exact = h.control.addFault({
      match: { path: '/cgi-bin/meeting/create' },
      respond: { errcode: 45009 },
      times: 1,
    })
    const r = await h.call(meetingCreate(token))
    expect([wecomCode(r), faultOf(r)]).toEqual([45009, exact.id])
    expect(faultOf(await h.call(gettoken()))).toBeNull()
    const prefix = h.control.addFault({ match: { path: '/cgi-bin/meeting/*' }, respond: { errcode: 45009 } }).id
    expect(faultOf(await h.call(meetingCreate(token)))).toBe(prefix)
    expect(faultOf(await h.call({ ...meetingCreate(token), path: '/cgi-bin/meeting/update' }))).toBe(prefix)
    expect(faultOf(await h.call({ ...meetingCreate(token), path: '/cgi-bin/oa/schedule/add' }))).toBeNull()
    const pattern = h.control.addFault({
      match: { path: '/open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages/send' },
      respond: { code: 1236010 },
    }).id
    const f = await h.call(mailSend(USER_TOKEN_1, 'user@xxx.xx'))
    expect([feishuCode(f), faultOf(f)]).toEqual([1236010, pattern])
    expect(faultOf(await h.call(tenantToken))).toBeNull()
  })

  test('match.app: WeCom corpid/agentid, the agentid alone or the corpid alone; Feishu app_id', async () => {
    const full = h.control.addFault({ match: { app: `${CORP}/1000014` }, respond: { errcode: 45009 } }).id
    expect(faultOf(await h.call(meetingCreate(token)))).toBe(full)
    expect(faultOf(await h.call(meetingCreate(token2)))).toBeNull()
    h.control.removeFault(full)
    const agent = h.control.addFault({ match: { app: '1000015' }, respond: { errcode: 45009 } }).id
    expect(faultOf(await h.call(meetingCreate(token2)))).toBe(agent)
    expect(faultOf(await h.call(meetingCreate(token)))).toBeNull()
    h.control.removeFault(agent)
    const corp = h.control.addFault({ match: { app: CORP }, respond: { errcode: 45009 } }).id
    expect(faultOf(await h.call(meetingCreate(token)))).toBe(corp)
    expect(faultOf(await h.call(meetingCreate(token2)))).toBe(corp)
    const feishu = h.control.addFault({ match: { app: 'cli_devapp00000001' }, respond: { code: 99991400 } }).id
    expect(faultOf(await h.call(mailSend(USER_TOKEN_1)))).toBe(feishu)
    h.control.clearFaults()
    h.control.addFault({ match: { app: 'cli_otherapp' }, respond: { code: 99991400 } })
    expect(faultOf(await h.call(mailSend(USER_TOKEN_1)))).toBeNull()
  })

  test('match.user: the Feishu open_id behind the token; the WeCom admin_userid of the request', async () => {
    const feishu = h.control.addFault({ match: { user: OPEN_ID_1 }, respond: { code: 1236010 } }).id
    expect(faultOf(await h.call(mailSend(USER_TOKEN_1)))).toBe(feishu)
    expect(faultOf(await h.call(mailSend(USER_TOKEN_2)))).toBeNull()
    const wecom = h.control.addFault({ match: { user: 'lisi' }, respond: { errcode: 45009 } }).id
    const r = await h.call(meetingCreate(token, { admin_userid: 'lisi', title: 'x' }))
    expect([wecomCode(r), faultOf(r)]).toEqual([45009, wecom])
    expect(faultOf(await h.call(meetingCreate(token, { admin_userid: 'zhangsan', title: 'x' })))).toBeNull()
    expect(faultOf(await h.call(meetingCreate(token, 'not json')))).toBeNull()
    expect(h.control.requests({ user: 'lisi' }).entries.map((e) => e.code)).toEqual([45009])
  })

  test('match.mailbox: the mailbox in the path, with me resolved to the caller, case-insensitive', async () => {
    const id = h.control.addFault({ match: { mailbox: 'User@xxx.xx' }, respond: { code: 1236010 } }).id
    expect(faultOf(await h.call(mailSend(USER_TOKEN_1, 'user@xxx.xx')))).toBe(id)
    expect(faultOf(await h.call(mailSend(USER_TOKEN_1, 'me')))).toBe(id)
    expect(faultOf(await h.call(mailSend(USER_TOKEN_2, 'me')))).toBeNull()
    expect(faultOf(await h.call(mailSend(USER_TOKEN_2, 'jane@xxx.xx')))).toBeNull()
    expect(h.control.requests({ mailbox: 'user@xxx.xx', code: 1236010 }).count).toBe(2)
  })

  test('the first matching rule acts; a rule used up lets the next one act', async () => {
    h.control.addFault({ match: { vendor: 'wecom' }, respond: { errcode: 45009 }, times: 1 })
    h.control.addFault({ match: { vendor: 'wecom' }, respond: { errcode: -1 }, times: 1 })
    const codes = []
    for (let i = 0; i < 3; i++) codes.push(wecomCode(await h.call(gettoken())))
    expect(codes).toEqual([45009, -1, 0])
  })

  test('reset clears the fault rules with the rest of the state', async () => {
    h.control.addFault({ respond: { errcode: -1 } })
    h.control.reset()
    expect(h.control.faults()).toEqual([])
    expect(wecomCode(await h.call(gettoken()))).toBe(0)
  })

  test('the fetch client with retry recovers after an injected 45009 twice (WeCom gettoken)', async () => {
    h.control.addFault({ match: { path: '/cgi-bin/gettoken' }, respond: { errcode: 45009 }, times: 2 })
    const waits: number[] = []
    const wecom = createWecomClient({
      ...viaHarness(h),
      retry: { attempts: 5, baseDelayMs: 5 },
      sleep: fakeSleep(waits),
    })
    const result = await wecom.getToken({ corpid: CORP, corpsecret: SECRET_1 })
    expect(waits).toHaveLength(2)
    expect(waits).toEqual([5, 10])
    expect(result.body).toMatchObject({ errcode: 0, access_token: token })
    expect(h.control.requests({ path: '/cgi-bin/gettoken', errcode: 45009 }).count).toBe(2)
  })

  test('the fetch client with retry recovers after an injected 99991400 twice (Feishu, HTTP 429)', async () => {
    h.control.addFault({ match: { path: '/open-apis/auth/v3/*' }, respond: { code: 99991400 }, times: 2 })
    const waits: number[] = []
    const feishu = createFeishuClient({
      ...viaHarness(h),
      retry: { attempts: 5, baseDelayMs: 5 },
      sleep: fakeSleep(waits),
    })
    const result = await feishu.tenantAccessToken(tenantToken.body as Record<string, unknown>)
    expect(waits).toHaveLength(2)
    expect(result.status).toBe(200)
    expect(result.body).toMatchObject({ code: 0, tenant_access_token: expect.any(String) })
    expect(h.control.requests({ vendor: 'feishu', status: 429 }).count).toBe(2)
  })

  test('without retry the fetch client answers the injected 45009 as it came', async () => {
    h.control.addFault({ match: { path: '/cgi-bin/gettoken' }, respond: { errcode: 45009 }, times: 2 })
    const wecom = createWecomClient(viaHarness(h))
    expect((await wecom.getToken({ corpid: CORP, corpsecret: SECRET_1 })).body.errcode).toBe(45009)
  })
})

/** The shipped fetch client's transport over a harness: each fetch becomes the harness's call. */
function viaHarness(h: Harness): { baseUrl: string; fetch: typeof fetch } {
  const fetchVia: typeof fetch = async (input, init) => {
    const req = new Request(input, init)
    const url = new URL(req.url)
    const headers: Record<string, string> = {}
    req.headers.forEach((v, k) => {
      headers[k] = v
    })
    const text = req.method === 'GET' ? '' : await req.text()
    const reply = await h.call({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      ...(text ? { body: text } : {}),
    })
    return new Response(reply.text, { status: reply.status, headers: reply.headers })
  }
  return { baseUrl: 'http://emulator.test', fetch: fetchVia }
}

/** Records the waits instead of sleeping (the gateway's x-ogw-ratelimit-reset may say a whole minute). */
function fakeSleep(waits: number[]): (ms: number) => Promise<void> {
  return async (ms) => {
    waits.push(ms)
  }
}
