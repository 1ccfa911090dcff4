/**
 * Fault rules and the journal over HTTP (/__mock/faults, /__mock/requests, /__mock/config) on a started
 * stub server: the shapes, the refusals naming the field, and the journal's bound.
 */
import { beforeEach, expect, test } from 'vitest'
import { createEmulator } from '../src/index.ts'
import { useStubServer } from './support/server.ts'

const server = useStubServer({ config: { journal: { maxEntries: 5 } } })
const { emulator } = server
beforeEach(() => emulator.control.reset())

const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const r = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  return { status: r.status, body: (await r.json()) as any }
}
const gettoken = () =>
  fetch(`${server.url}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014`).then(
    (r) => r.json() as Promise<any>,
  )

test('POST /__mock/faults returns the rule with its id (201); GET lists it with remaining times', async () => {
  const rule = { match: { vendor: 'wecom', path: '/cgi-bin/gettoken' }, respond: { errcode: 45009 }, times: 2 }
  const created = await api('POST', '/__mock/faults', rule)
  expect(created.status).toBe(201)
  expect(created.body).toEqual({ id: 'f1', ...rule, hits: 0, remaining: 2 })
  expect((await gettoken()).errcode).toBe(45009)
  const list = await api('GET', '/__mock/faults')
  expect(list.status).toBe(200)
  expect(list.body).toEqual({ count: 1, faults: [{ id: 'f1', ...rule, hits: 1, remaining: 1 }] })
})

test('DELETE /__mock/faults/:id removes one rule, DELETE /__mock/faults all of them', async () => {
  const a = (await api('POST', '/__mock/faults', { respond: { errcode: -1 } })).body.id
  const b = (await api('POST', '/__mock/faults', { respond: { code: 99991400 } })).body.id
  await api('POST', '/__mock/faults', { delay_ms: 1 })
  const removed = await api('DELETE', `/__mock/faults/${a}`)
  expect(removed).toMatchObject({ status: 200, body: { removed: { id: a, respond: { errcode: -1 } } } })
  expect((await api('GET', '/__mock/faults')).body.faults.map((f: any) => f.id)).toEqual([b, 'f3'])
  expect((await gettoken()).errcode).toBe(0)
  expect(await api('DELETE', `/__mock/faults/${a}`)).toEqual({ status: 404, body: { error: `no fault rule "${a}"` } })
  expect(await api('DELETE', '/__mock/faults')).toEqual({ status: 200, body: { removed: 2 } })
  expect((await api('GET', '/__mock/faults')).body).toEqual({ count: 0, faults: [] })
})

test.each([
  [{ match: { vendor: 'dingtalk' }, drop: true }, /match\.vendor: must be one of \["wecom","feishu"\]/],
  [{ match: { path: 'cgi-bin/x' }, drop: true }, /match\.path: must match pattern/],
  [{ match: { corp: 'x' }, drop: true }, /match: unknown field "corp"/],
  [{ respond: { errcode: 'busy' } }, /respond\.errcode: must be integer/],
  [
    { respond: { errcode: 99999 } },
    /respond\.errcode: 99999 is not a WeCom code in its error catalogue \(contracts\/errors\/wecom\.json; installed: dist\/contracts\/errors\/wecom\.json\)/,
  ],
  [
    { respond: { code: 45009 } },
    /respond\.code: 45009 is not a Feishu code in its error catalogue \(contracts\/errors\/feishu\.json; installed: dist\/contracts\/errors\/feishu\.json\)/,
  ],
  [{ respond: { errcode: 45009, code: 99991400 } }, /respond: give errcode \(WeCom\) or code \(Feishu\), exactly one/],
  [{ respond: { status: 500 } }, /respond: give errcode \(WeCom\) or code \(Feishu\)/],
  [{ respond: { errcode: 0 } }, /respond\.errcode: 0 is success, not a fault/],
  [{ match: { vendor: 'feishu' }, respond: { errcode: 45009 } }, /cannot answer Feishu requests/],
  [{ respond: { code: 99991400 }, drop: true }, /drop: a dropped connection has no answer/],
  [{ respond: { code: 99991400, status: 99 } }, /respond\.status: must be >= 200/],
  [{ delay_ms: -1 }, /delay_ms: must be >= 0/],
  [{ drop: true, times: 0 }, /times: must be >= 1/],
  [{ drop: true, probability: 1.5 }, /probability: must be <= 1/],
  [{ match: { vendor: 'wecom' } }, /a fault needs respond, delay_ms or drop/],
  [{ drop: true, when: 'now' }, /\(root\): unknown field "when"/],
  [[{ drop: true }], /\(root\): must be object/],
])('POST /__mock/faults refuses %j with a 400 naming the field', async (rule, message) => {
  const r = await api('POST', '/__mock/faults', rule)
  expect(r.status).toBe(400)
  expect(r.body.error).toMatch(/^invalid fault rule: /)
  expect(r.body.error).toMatch(message)
  expect((await api('GET', '/__mock/faults')).body.count).toBe(0)
})

test('POST /__mock/faults reads a form-urlencoded body as JSON when no page sent it (curl -d), and refuses it from a page with 415', async () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  const fromPage = await api('POST', '/__mock/faults', '{"drop":true}', { ...form, origin: server.url })
  expect(fromPage.status).toBe(415)
  expect(fromPage.body.error).toContain('content-type: application/json')
  expect((await api('GET', '/__mock/faults')).body.count).toBe(0)
  const curl = await api('POST', '/__mock/faults', '{"drop":true,"match":{"path":"/nowhere"}}', form)
  expect(curl.status).toBe(201)
  expect((await api('GET', '/__mock/faults')).body.count).toBe(1)
  await api('DELETE', '/__mock/faults')
})

test('past faults.maxRules the oldest used-up rule makes room; with none used up the rule is refused (409)', async () => {
  const small = createEmulator({ config: { faults: { maxRules: 2 } } })
  small.control.addFault({ match: { path: '/cgi-bin/gettoken' }, respond: { errcode: -1 }, times: 1 })
  small.control.addFault({ match: { path: '/nowhere' }, drop: true })
  const q = '/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014'
  await small.handle({ method: 'GET', url: q, headers: {}, body: new Uint8Array(0) })
  expect(small.control.addFault({ drop: true, match: { path: '/x' } }).id).toBe('f3')
  expect(small.control.faults().map((f) => f.id)).toEqual(['f2', 'f3'])
  expect(() => small.control.addFault({ drop: true })).toThrow(/at most 2 fault rules \(faults\.maxRules\)/)
})

test('POST /__mock/reset clears the fault rules', async () => {
  await api('POST', '/__mock/faults', { respond: { errcode: -1 } })
  await api('POST', '/__mock/reset')
  expect((await api('GET', '/__mock/faults')).body.count).toBe(0)
  expect((await gettoken()).errcode).toBe(0)
})

test('GET /__mock/requests filters by errcode (an alias of code) and by reason, with counts', async () => {
  await api('POST', '/__mock/faults', { match: { path: '/cgi-bin/gettoken' }, respond: { errcode: 45009 }, times: 2 })
  for (let i = 0; i < 3; i++) await gettoken()
  const faulted = (await api('GET', '/__mock/requests?errcode=45009')).body
  expect(faulted).toMatchObject({ count: 2, total: 3, capacity: 5 })
  expect(faulted.entries.map((e: any) => e.reason)).toEqual([
    'fault f1: injected errcode 45009',
    'fault f1: injected errcode 45009',
  ])
  expect((await api('GET', '/__mock/requests?code=45009')).body.count).toBe(2)
  expect((await api('GET', '/__mock/requests?reason=fault%20f1')).body.count).toBe(2)
  expect((await api('GET', '/__mock/requests?errcode=0&app=1000014')).body.count).toBe(1)
  expect((await api('GET', '/__mock/requests?errcode=x')).status).toBe(400)
})

test('GET /__mock/requests counts every match and returns the newest `limit` of them', async () => {
  for (let i = 0; i < 3; i++) await gettoken()
  const page = (await api('GET', '/__mock/requests?path=/cgi-bin/gettoken&limit=1')).body
  expect(page.count).toBe(3)
  expect(page.entries).toHaveLength(1)
  expect(page.entries[0].seq).toBe(3)
})

test('GET /__mock/requests filters by time: since and until in unix ms on the emulator clock', async () => {
  await api('PUT', '/__mock/clock', { now: 1_700_000_000, frozen: true })
  await gettoken()
  await api('PUT', '/__mock/clock', { advance: 60 })
  await gettoken()
  const since = (await api('GET', '/__mock/requests?since=1700000030000')).body
  expect(since.count).toBe(1)
  expect(since.entries[0].at).toBe(1_700_000_060_000)
  expect((await api('GET', '/__mock/requests?until=1700000000000')).body.count).toBe(1)
  expect((await api('GET', '/__mock/requests?since=1700000000000&until=1700000060000')).body.count).toBe(2)
})

test('the journal is bounded by journal.maxEntries: the oldest entries go first', async () => {
  for (let i = 0; i < 7; i++) await gettoken()
  const all = (await api('GET', '/__mock/requests')).body
  expect(all).toMatchObject({ count: 5, total: 5, capacity: 5 })
  expect(all.entries.map((e: any) => e.seq)).toEqual([3, 4, 5, 6, 7])
})

test('DELETE /__mock/requests empties the journal and leaves state and faults alone', async () => {
  const token = (await gettoken()).access_token
  await api('POST', '/__mock/faults', { delay_ms: 0 })
  expect(await api('DELETE', '/__mock/requests')).toEqual({ status: 200, body: { removed: 1 } })
  expect((await api('GET', '/__mock/requests')).body).toMatchObject({ count: 0, total: 0, entries: [] })
  expect((await api('GET', '/__mock/faults')).body.count).toBe(1)
  expect((await gettoken()).access_token).toBe(token)
})

test('GET /__mock/config shows the settings in effect', async () => {
  const r = await api('GET', '/__mock/config')
  expect(r.status).toBe(200)
  expect(r.body.journal).toEqual({ maxEntries: 5, maxBodyChars: 8192, maxBytes: 33554432 })
  expect(r.body.faults).toEqual({ maxRules: 100 })
  expect(r.body.wecom.tokenTtlSeconds).toBe(7200)
})
