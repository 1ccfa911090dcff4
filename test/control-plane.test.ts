/** The control plane over HTTP (/__mock/*), on a started stub server. */
import { expect, test } from 'vitest'
import { useStubServer } from './support/server.ts'

const server = useStubServer()

/** fetch and parse; the shapes are asserted by the tests themselves. */
const getJson = async (input: string, init?: RequestInit): Promise<any> => (await fetch(input, init)).json()

const json = async (path: string, init?: RequestInit) => {
  const r = await fetch(server.url + path, {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  })
  return { status: r.status, body: (await r.json()) as any }
}

test('GET /__mock/defaults gives two WeCom apps and two Feishu users with their credentials', async () => {
  const { status, body } = await json('/__mock/defaults')
  expect(status).toBe(200)
  expect(body.wecom.corpid).toBe('wwdevcorp0000001')
  expect(body.wecom.apps.length).toBeGreaterThanOrEqual(2)
  expect(body.wecom.apps[0]).toEqual({
    agentid: 1000014,
    corpsecret: 'dev-secret-meetings-1000014',
    name: expect.any(String),
  })
  expect(body.feishu).toMatchObject({ app_id: 'cli_devapp00000001', app_secret: 'dev-feishu-secret-00000001' })
  expect(
    body.feishu.users.filter((u: { user_access_token: string | null }) => u.user_access_token).length,
  ).toBeGreaterThanOrEqual(2)
  expect(body.feishu.users[0]).toMatchObject({ user_access_token: 'u-dev-user-token-1', mailbox: 'user@xxx.xx' })
})

test('PUT /__mock/clock sets, advances and freezes the clock; GET reads it', async () => {
  expect(
    (await json('/__mock/clock', { method: 'PUT', body: JSON.stringify({ now: 1_600_000_000, frozen: true }) })).body,
  ).toEqual({
    now: 1_600_000_000,
    frozen: true,
  })
  expect((await json('/__mock/clock', { method: 'PUT', body: JSON.stringify({ advance: 60 }) })).body).toEqual({
    now: 1_600_000_060,
    frozen: true,
  })
  expect((await json('/__mock/clock')).body).toEqual({ now: 1_600_000_060, frozen: true })
  const unfrozen = (await json('/__mock/clock', { method: 'PUT', body: JSON.stringify({ frozen: false }) })).body
  expect(unfrozen.frozen).toBe(false)
  expect(Math.abs(unfrozen.now - 1_600_000_060)).toBeLessThanOrEqual(1)
  const bad = await json('/__mock/clock', { method: 'PUT', body: JSON.stringify({ now: 'soon' }) })
  expect(bad.status).toBe(400)
  expect(bad.body.error).toMatch(/now/)
})

test('tokens follow the clock: a token issued then aged 7200 s answers 42001', async () => {
  await json('/__mock/reset', { method: 'POST' })
  // Frozen, so a real second passing between the calls cannot age the token.
  await json('/__mock/clock', { method: 'PUT', body: JSON.stringify({ frozen: true }) })
  const t = await getJson(
    `${server.url}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014`,
  )
  await json('/__mock/clock', { method: 'PUT', body: JSON.stringify({ advance: 7199 }) })
  const still = await getJson(`${server.url}/cgi-bin/meeting/create?access_token=${t.access_token}`, {
    method: 'POST',
    body: '{}',
  })
  expect(still.errcode).not.toBe(42001)
  await json('/__mock/clock', { method: 'PUT', body: JSON.stringify({ advance: 1 }) })
  const expired = await getJson(`${server.url}/cgi-bin/meeting/create?access_token=${t.access_token}`, {
    method: 'POST',
    body: '{}',
  })
  expect(expired.errcode).toBe(42001)
})

test('POST /__mock/reset returns state, clock and journal to the seed', async () => {
  await json('/__mock/clock', { method: 'PUT', body: JSON.stringify({ now: 1_000, frozen: true }) })
  const t = await getJson(
    `${server.url}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014`,
  )
  const r = await json('/__mock/reset', { method: 'POST' })
  expect(r.status).toBe(200)
  expect(r.body.clock.frozen).toBe(false)
  expect(Math.abs(r.body.clock.now - Date.now() / 1000)).toBeLessThan(5)
  expect((await json('/__mock/requests')).body.total).toBe(0)
  // Tokens issued before the reset are gone.
  const after = await getJson(`${server.url}/cgi-bin/meeting/create?access_token=${t.access_token}`, {
    method: 'POST',
    body: '{}',
  })
  expect(after.errcode).toBe(40014)
})

test('GET /__mock/requests lists the journal newest last, filterable, with counts', async () => {
  await json('/__mock/reset', { method: 'POST' })
  await fetch(`${server.url}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=nope`)
  await fetch(`${server.url}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-second-1000015`)
  await fetch(`${server.url}/open-apis/mail/v1/user_mailboxes/me/messages/send`, {
    method: 'POST',
    body: '{"subject":"hi"}',
  })
  const all = (await json('/__mock/requests')).body
  expect(all.count).toBe(3)
  expect(all.capacity).toBe(1000)
  expect(all.entries.map((e: { path: string }) => e.path)).toEqual([
    '/cgi-bin/gettoken',
    '/cgi-bin/gettoken',
    '/open-apis/mail/v1/user_mailboxes/me/messages/send',
  ])
  const ok = (await json('/__mock/requests?vendor=wecom&code=0')).body
  expect(ok.count).toBe(1)
  expect(ok.entries[0]).toMatchObject({ app: 'wwdevcorp0000001/1000015', status: 200, code: 0, errcode: 0 })
  const feishu = (await json('/__mock/requests?vendor=feishu')).body
  expect(feishu.entries[0]).toMatchObject({ status: 400, code: 99991661, requestBody: '{"subject":"hi"}' })
  expect(feishu.entries[0].reason).toMatch(/Authorization/)
  expect((await json('/__mock/requests?code=abc')).status).toBe(400)
})

test('GET /__mock/requests refuses a misspelt filter and a route that is no route id, instead of answering all or none', async () => {
  const typo = await json('/__mock/requests?rout=wecom.meeting.create')
  expect(typo.status).toBe(400)
  expect(typo.body.error).toMatch(/unknown filter "rout"/)
  const path = await json('/__mock/requests?route=/cgi-bin/meeting/create')
  expect(path.status).toBe(400)
  expect(path.body.error).toMatch(/no route .*path=/)
  expect((await json('/__mock/requests?route=wecom.meeting.create')).status).toBe(200)
  expect((await json('/__mock/requests?route=feishu.gateway&limit=5')).status).toBe(200)
})

test('control.requests refuses a misspelt filter and a path given as route in process too, as the route does', () => {
  const { control } = server.emulator
  expect(() => control.requests({ rout: 'wecom.meeting.create' } as never)).toThrow(/unknown filter "rout"/)
  expect(() => control.requests({ route: '/cgi-bin/meeting/create' })).toThrow(/no route .*path=/)
  expect(control.requests({ route: 'wecom.meeting.create', limit: 1 }).entries.length).toBeLessThanOrEqual(1)
})

test('POST /__mock/feishu/oauth/codes issues a code; an unknown user is a 404 with a message', async () => {
  const r = await json('/__mock/feishu/oauth/codes', {
    method: 'POST',
    body: JSON.stringify({ mailbox: 'user@xxx.xx' }),
  })
  expect(r.status).toBe(201)
  expect(r.body).toMatchObject({ code: expect.any(String), expires_in: 300, app_id: 'cli_devapp00000001' })
  const bad = await json('/__mock/feishu/oauth/codes', {
    method: 'POST',
    body: JSON.stringify({ mailbox: 'nobody@x' }),
  })
  expect(bad.status).toBe(404)
  expect(bad.body.error).toMatch(/no Feishu user/)
})

test('POST /__mock/tokens/expire expires a token; unknown control paths and bad JSON answer clearly', async () => {
  const e = await json('/__mock/tokens/expire', {
    method: 'POST',
    body: JSON.stringify({ token: 'u-dev-user-token-1' }),
  })
  expect(e.status).toBe(200)
  const r = await fetch(`${server.url}/open-apis/mail/v1/user_mailboxes/me/messages/send`, {
    method: 'POST',
    headers: { authorization: 'Bearer u-dev-user-token-1' },
    body: '{}',
  })
  expect(r.status).toBe(401)
  expect((await json('/__mock/tokens/expire', { method: 'POST', body: JSON.stringify({ token: 'zzz' }) })).status).toBe(
    404,
  )
  expect((await json('/__mock/nothing-here')).status).toBe(404)
  expect((await json('/__mock/clock', { method: 'PUT', body: '{bad json' })).status).toBe(400)
  await json('/__mock/reset', { method: 'POST' })
})
