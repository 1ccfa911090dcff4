/**
 * The auth rules of both vendors (the gateway and token endpoints' rules files) and their contract cases
 * (contracts/cases/auth.{wecom,feishu}.json), through every adapter.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { catalogues } from '../src/core/errors.ts'
import { createEmulator } from '../src/index.ts'
import { casesOf, describeCases } from './support/contract-cases.ts'
import { type Harness, harnesses, reasonRule } from './support/harness.ts'

const CORP = 'wwdevcorp0000001'
const SECRET = 'dev-secret-meetings-1000014'
const SECRET2 = 'dev-secret-second-1000015'
const MEETING_CREATE = '/cgi-bin/meeting/create'
const MAIL_SEND = '/open-apis/mail/v1/user_mailboxes/me/messages/send'

describeCases('auth and gateway contract cases', casesOf('auth.wecom.json', 'auth.feishu.json'))

describe.each(harnesses)('auth through $name', (factory) => {
  let h: Harness
  beforeAll(async () => {
    h = await factory.make()
  })
  afterAll(() => h.close())

  const gettoken = (query: Record<string, string>) => h.call({ path: '/cgi-bin/gettoken', query })

  test('wecom.gettoken.corpsecret.required: no parameters → 41004 (the secret is checked first)', async () => {
    const r = await gettoken({})
    expect([r.status, r.json.errcode]).toEqual([200, 41004])
    expect(reasonRule(r)).toBe('wecom.gettoken.corpsecret.required')
    expect(r.json.errmsg).toMatch(
      /^corpsecret missing, hint: \[\d{25}\], from ip: [\d.:a-f]+, more info at https:\/\/open\.work\.weixin\.qq\.com\/devtool\/query\?e=41004$/,
    )
    expect(r.headers['error-code']).toBe('41004')
    expect(r.headers['error-msg']).toBe(r.json.errmsg)
  })

  test('wecom.gettoken.corpid.required: a secret without corpid → 41002', async () => {
    const r = await gettoken({ corpsecret: SECRET })
    expect([r.status, r.json.errcode]).toEqual([200, 41002])
    expect(reasonRule(r)).toBe('wecom.gettoken.corpid.required')
  })

  test('wecom.gettoken.corpid.known: an unknown corpid → 40013', async () => {
    const r = await gettoken({ corpid: 'wwnosuchcorp', corpsecret: SECRET })
    expect([r.status, r.json.errcode]).toEqual([200, 40013])
    expect(reasonRule(r)).toBe('wecom.gettoken.corpid.known')
    expect(r.json.errmsg).toMatch(/^invalid corpid, hint:/)
  })

  test('wecom.gettoken.corpsecret.valid: a wrong secret → 40001', async () => {
    const r = await gettoken({ corpid: CORP, corpsecret: 'wrong' })
    expect([r.status, r.json.errcode]).toEqual([200, 40001])
    expect(reasonRule(r)).toBe('wecom.gettoken.corpsecret.valid')
  })

  test('wecom.gettoken.success: a token with expires_in 7200, the same one while it is valid', async () => {
    const a = await gettoken({ corpid: CORP, corpsecret: SECRET })
    expect(a.status).toBe(200)
    expect(a.json).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200 })
    expect(a.json.access_token).toMatch(/^[A-Za-z0-9]{64}$/)
    expect(a.headers['error-code']).toBe('0')
    const b = await gettoken({ corpid: CORP, corpsecret: SECRET })
    expect(b.json.access_token).toBe(a.json.access_token)
  })

  test('wecom.gateway.access_token.per-app: each app of a corp has its own token', async () => {
    const a = await gettoken({ corpid: CORP, corpsecret: SECRET })
    const b = await gettoken({ corpid: CORP, corpsecret: SECRET2 })
    expect(b.json.errcode).toBe(0)
    expect(b.json.access_token).not.toBe(a.json.access_token)
  })

  test('wecom.gateway.access_token.missing: no access_token → 41001, also when sent as a Bearer header', async () => {
    const tok = (await gettoken({ corpid: CORP, corpsecret: SECRET })).json.access_token
    const r = await h.call({
      method: 'POST',
      path: MEETING_CREATE,
      body: {},
      headers: { authorization: `Bearer ${tok}` },
    })
    expect([r.status, r.json.errcode]).toEqual([200, 41001])
    expect(reasonRule(r)).toBe('wecom.gateway.access_token.missing')
    expect(r.json.errmsg).toMatch(/^access_token missing, hint:/)
  })

  test('wecom.gateway.access_token.unknown: a token never issued → 40014', async () => {
    const r = await h.call({ method: 'POST', path: MEETING_CREATE, query: { access_token: 'nope' }, body: {} })
    expect([r.status, r.json.errcode]).toEqual([200, 40014])
    expect(reasonRule(r)).toBe('wecom.gateway.access_token.unknown')
    expect(r.json.errmsg).toMatch(/^invalid access_token, hint:/)
  })

  test('wecom.gateway.access_token.expired: past its lifetime on the emulator clock → 42001, and gettoken then issues a new one', async () => {
    h.control.reset()
    const tok = (await gettoken({ corpid: CORP, corpsecret: SECRET })).json.access_token
    h.control.setClock({ advance: 7200 })
    const r = await h.call({ method: 'POST', path: MEETING_CREATE, query: { access_token: tok }, body: {} })
    expect([r.status, r.json.errcode]).toEqual([200, 42001])
    expect(reasonRule(r)).toBe('wecom.gateway.access_token.expired')
    expect(r.json.errmsg).toMatch(/^access_token expired, hint:/)
    const fresh = await gettoken({ corpid: CORP, corpsecret: SECRET })
    expect(fresh.json.access_token).not.toBe(tok)
    h.control.reset()
  })

  test('wecom.gateway.method.post-only: GET on a POST endpoint → 40058', async () => {
    const tok = (await gettoken({ corpid: CORP, corpsecret: SECRET })).json.access_token
    const r = await h.call({ method: 'GET', path: MEETING_CREATE, query: { access_token: tok } })
    expect([r.status, r.json.errcode]).toEqual([200, 40058])
    expect(reasonRule(r)).toBe('wecom.gateway.method.post-only')
    expect(r.json.errmsg).toMatch(/^invalid Request Parameter, hint:/)
  })

  test('wecom.gateway.body.json: a body that is not JSON → 40058', async () => {
    const tok = (await gettoken({ corpid: CORP, corpsecret: SECRET })).json.access_token
    const r = await h.call({ method: 'POST', path: MEETING_CREATE, query: { access_token: tok }, body: '{"title": ' })
    expect([r.status, r.json.errcode]).toEqual([200, 40058])
    expect(reasonRule(r)).toBe('wecom.gateway.body.json')
  })

  test('wecom.gateway.path.unknown: an unknown path → HTTP 404', async () => {
    const r = await h.call({ path: '/cgi-bin/no/such/api' })
    expect(r.status).toBe(404)
    expect(reasonRule(r)).toBe('wecom.gateway.path.unknown')
  })

  const tenantToken = (body: unknown) =>
    h.call({ method: 'POST', path: '/open-apis/auth/v3/tenant_access_token/internal', body })

  test('feishu.auth.tenant_access_token.app_id.valid: missing or unknown credentials → HTTP 200 code 10003', async () => {
    for (const body of [{}, { app_id: 'cli_devapp00000001' }, { app_id: 'cli_nosuch', app_secret: 'x' }]) {
      const r = await tenantToken(body)
      expect([r.status, r.json.code, r.json.msg]).toEqual([200, 10003, 'invalid param'])
      expect(reasonRule(r)).toBe('feishu.auth.tenant_access_token.app_id.valid')
      expect(reasonRule(r)).toBe('feishu.auth.tenant_access_token.app_id.valid')
      expect(r.json.data).toEqual({})
    }
  })

  test('feishu.auth.tenant_access_token.app_secret.valid: a wrong secret for a known app → HTTP 200 code 10014', async () => {
    const r = await tenantToken({ app_id: 'cli_devapp00000001', app_secret: 'wrong' })
    expect([r.status, r.json.code]).toEqual([200, 10014])
    expect(reasonRule(r)).toBe('feishu.auth.tenant_access_token.app_secret.valid')
  })

  test('feishu.auth.tenant_access_token.success: top-level tenant_access_token and expire, and app_access_token', async () => {
    const r = await tenantToken({ app_id: 'cli_devapp00000001', app_secret: 'dev-feishu-secret-00000001' })
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ code: 0, msg: 'ok', tenant_access_token: expect.stringMatching(/^t-/), expire: 7200 })
    const a = await h.call({
      method: 'POST',
      path: '/open-apis/auth/v3/app_access_token/internal',
      body: { app_id: 'cli_devapp00000001', app_secret: 'dev-feishu-secret-00000001' },
    })
    expect(a.json).toMatchObject({
      code: 0,
      msg: 'ok',
      expire: expect.any(Number),
      app_access_token: expect.stringMatching(/^t-/),
    })
  })

  test('feishu.gateway.authorization.missing: no Authorization, or one without "Bearer " → HTTP 400 99991661', async () => {
    for (const headers of [{}, { authorization: 'u-dev-user-token-1' }, { authorization: 'Bearer ' }] as Record<
      string,
      string
    >[]) {
      const r = await h.call({ method: 'POST', path: MAIL_SEND, body: {}, headers })
      expect([r.status, r.json.code]).toEqual([400, 99991661])
      expect(reasonRule(r)).toBe('feishu.gateway.authorization.missing')
      expect(r.json.msg).toBe('Missing access token for authorization. Please make a request with token attached.')
      expect(r.json.error.log_id).toMatch(/^\d{14}[0-9A-F]{20}$/)
      expect(r.headers['x-tt-logid']).toBe(r.json.error.log_id)
      expect(r.headers['x-request-id']).toBeTruthy()
      expect(r.json.error.troubleshooter).toContain(r.json.error.log_id)
    }
  })

  test('feishu.gateway.authorization.unknown-user: an unknown user token → HTTP 400 99991668', async () => {
    const r = await h.call({
      method: 'POST',
      path: MAIL_SEND,
      body: {},
      headers: { authorization: 'Bearer u-nosuchtoken' },
    })
    expect([r.status, r.json.code]).toEqual([400, 99991668])
    expect(reasonRule(r)).toBe('feishu.gateway.authorization.unknown-user')
  })

  test('feishu.gateway.authorization.tenant-on-user-api: a tenant token → HTTP 400 99991663', async () => {
    const t = (await tenantToken({ app_id: 'cli_devapp00000001', app_secret: 'dev-feishu-secret-00000001' })).json
      .tenant_access_token
    for (const token of [t, 't-fake-tenant-token']) {
      const r = await h.call({
        method: 'POST',
        path: MAIL_SEND,
        body: {},
        headers: { authorization: `Bearer ${token}` },
      })
      expect([r.status, r.json.code]).toEqual([400, 99991663])
      expect(reasonRule(r)).toBe('feishu.gateway.authorization.tenant-on-user-api')
      expect(r.json.msg).toBe('Invalid access token for authorization. Please make a request with token attached.')
    }
  })

  test('feishu.authen.oauth_token.success: a code from the control plane exchanges for a user token that works until it expires', async () => {
    h.control.reset()
    const { code } = h.control.issueOAuthCode({ mailbox: 'jane@xxx.xx' })
    const r = await h.call({
      method: 'POST',
      path: '/open-apis/authen/v2/oauth/token',
      body: {
        grant_type: 'authorization_code',
        client_id: 'cli_devapp00000001',
        client_secret: 'dev-feishu-secret-00000001',
        code,
      },
    })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ code: 0, expires_in: 7200, token_type: 'Bearer', refresh_token_expires_in: 604800 })
    const token = r.json.access_token as string
    // The token authenticates: the request gets past auth (whatever the endpoint then says of the empty body).
    const ok = await h.call({
      method: 'POST',
      path: MAIL_SEND,
      body: {},
      headers: { authorization: `Bearer ${token}` },
    })
    expect([99991661, 99991663, 99991668, 99991677]).not.toContain(ok.json.code)
    // feishu.gateway.authorization.expired: past its lifetime → HTTP 401 99991677
    h.control.setClock({ advance: 7200 })
    const expired = await h.call({
      method: 'POST',
      path: MAIL_SEND,
      body: {},
      headers: { authorization: `Bearer ${token}` },
    })
    expect([expired.status, expired.json.code]).toEqual([401, 99991677])
    expect(reasonRule(expired)).toBe('feishu.gateway.authorization.expired')
    expect(expired.json.msg).toBe('Authentication token expired. Please request a new one.')
    // The refresh token still works, once.
    const refresh = {
      grant_type: 'refresh_token',
      client_id: 'cli_devapp00000001',
      client_secret: 'dev-feishu-secret-00000001',
      refresh_token: r.json.refresh_token,
    }
    const refreshed = await h.call({ method: 'POST', path: '/open-apis/authen/v2/oauth/token', body: refresh })
    expect(refreshed.json.code).toBe(0)
    const again = await h.call({ method: 'POST', path: '/open-apis/authen/v2/oauth/token', body: refresh })
    expect([again.status, again.json.code]).toEqual([400, 20026])
    expect(reasonRule(again)).toBe('feishu.authen.oauth_token.refresh_token.valid')
    h.control.reset()
  })

  test('feishu.authen.oauth_token.code.valid: a used or unknown code → HTTP 400 invalid_grant 20003', async () => {
    const { code } = h.control.issueOAuthCode({ mailbox: 'user@xxx.xx' })
    const body = {
      grant_type: 'authorization_code',
      client_id: 'cli_devapp00000001',
      client_secret: 'dev-feishu-secret-00000001',
      code,
    }
    expect((await h.call({ method: 'POST', path: '/open-apis/authen/v2/oauth/token', body })).json.code).toBe(0)
    const used = await h.call({ method: 'POST', path: '/open-apis/authen/v2/oauth/token', body })
    expect([used.status, used.json.code, used.json.error]).toEqual([400, 20003, 'invalid_grant'])
    expect(reasonRule(used)).toBe('feishu.authen.oauth_token.code.valid')
    const unknown = await h.call({
      method: 'POST',
      path: '/open-apis/authen/v2/oauth/token',
      body: { ...body, code: 'nope' },
    })
    expect([unknown.status, unknown.json.code]).toEqual([400, 20003])
    expect(reasonRule(unknown)).toBe('feishu.authen.oauth_token.code.valid')
  })

  test("the OAuth token endpoint answers a missing parameter with HTTP 400 invalid_request 20001 in the catalogue's words", async () => {
    const r = await h.call({
      method: 'POST',
      path: '/open-apis/authen/v2/oauth/token',
      body: { grant_type: 'authorization_code', client_id: 'cli_devapp00000001' },
    })
    expect([r.status, r.json.code, r.json.error]).toEqual([400, 20001, 'invalid_request'])
    expect(r.json.error_description).toBe(catalogues.feishu.get(20001)!.message)
  })

  test('feishu.authen.oauth_token.client_secret.valid: wrong client credentials → HTTP 400 invalid_client', async () => {
    const { code } = h.control.issueOAuthCode({ mailbox: 'user@xxx.xx' })
    const r = await h.call({
      method: 'POST',
      path: '/open-apis/authen/v2/oauth/token',
      body: { grant_type: 'authorization_code', client_id: 'cli_devapp00000001', client_secret: 'wrong', code },
    })
    expect([r.status, r.json.code, r.json.error]).toEqual([400, 20002, 'invalid_client'])
    expect(reasonRule(r)).toBe('feishu.authen.oauth_token.client_secret.valid')
    expect(reasonRule(r)).toBe('feishu.authen.oauth_token.client_secret.valid')
  })

  test('feishu.gateway.authorization.expired: a seeded user token expired through the control plane → HTTP 401 99991677', async () => {
    h.control.expireToken('u-dev-user-token-2')
    const r = await h.call({
      method: 'POST',
      path: MAIL_SEND,
      body: {},
      headers: { authorization: 'Bearer u-dev-user-token-2' },
    })
    expect([r.status, r.json.code]).toEqual([401, 99991677])
    expect(reasonRule(r)).toBe('feishu.gateway.authorization.expired')
    h.control.reset()
  })

  /** A user token for Mike through the login page and the v2 exchange, granted `scope`. */
  const userTokenWith = async (scope?: string) => {
    const { code } = h.control.issueOAuthCode({ mailbox: 'user@xxx.xx', ...(scope !== undefined ? { scope } : {}) })
    const r = await h.call({
      method: 'POST',
      path: '/open-apis/authen/v2/oauth/token',
      body: {
        grant_type: 'authorization_code',
        client_id: 'cli_devapp00000001',
        client_secret: 'dev-feishu-secret-00000001',
        code,
      },
    })
    expect(r.json.code).toBe(0)
    return r.json as { access_token: string; scope: string }
  }
  const sendAs = (token: string) =>
    h.call({
      method: 'POST',
      path: MAIL_SEND,
      body: { subject: 'scoped', to: [{ mail_address: 'jane@xxx.xx' }], body_plain_text: 'hi' },
      headers: { authorization: `Bearer ${token}` },
    })

  test('feishu.gateway.authorization.scope: a user token granted without mail:user_mailbox.message:send → HTTP 400 99991679', async () => {
    const granted = await userTokenWith('contact:user.base:readonly')
    expect(granted.scope).toBe('contact:user.base:readonly')
    const r = await sendAs(granted.access_token)
    expect([r.status, r.json.code]).toEqual([400, 99991679])
    expect(reasonRule(r)).toBe('feishu.gateway.authorization.scope')
    expect(r.json.msg).toMatch(
      /^Unauthorized\. You do not have permission to perform the requested operation on the resource\. Please request user re-authorization and try again\. required one of these privileges under the user identity: \[mail:user_mailbox\.message:send\]/,
    )
    expect(r.json.error.permission_violations).toEqual([
      { type: 'action_privilege_required', subject: 'mail:user_mailbox.message:send' },
    ])
    // Nothing was sent.
    expect(h.control.mailbox('jane@xxx.xx').filter((m) => m.subject === 'scoped')).toEqual([])
  })

  test('feishu.gateway.authorization.scope: the scope the code was issued with is what the token carries, and it sends', async () => {
    for (const scope of [
      undefined,
      'mail:user_mailbox.message:send',
      'offline_access mail:user_mailbox.message:send',
    ]) {
      const granted = await userTokenWith(scope)
      const r = await sendAs(granted.access_token)
      expect([r.status, r.json.code], scope).toEqual([200, 0])
    }
    // Seeded user tokens carry it too.
    expect((await sendAs('u-dev-user-token-1')).json.code).toBe(0)
    h.control.reset()
  })

  test('feishu.gateway.authorization.scope: reading a message back needs mail:user_mailbox.message:readonly', async () => {
    const granted = await userTokenWith('mail:user_mailbox.message:send')
    const sent = await sendAs(granted.access_token)
    expect(sent.json.code).toBe(0)
    const read = (token: string) =>
      h.call({
        path: `/open-apis/mail/v1/user_mailboxes/me/messages/${sent.json.data.message_id}`,
        headers: { authorization: `Bearer ${token}` },
      })
    const r = await read(granted.access_token)
    expect([r.status, r.json.code]).toEqual([400, 99991679])
    expect(reasonRule(r)).toBe('feishu.gateway.authorization.scope')
    expect(r.json.error.permission_violations).toEqual([
      { type: 'action_privilege_required', subject: 'mail:user_mailbox.message:readonly' },
    ])
    expect((await read((await userTokenWith()).access_token)).json.code).toBe(0)
    h.control.reset()
  })

  test('feishu.gateway.authorization.scope: a refreshed token keeps the grant it was refreshed from', async () => {
    const { code } = h.control.issueOAuthCode({ mailbox: 'user@xxx.xx', scope: 'offline_access' })
    const client = { client_id: 'cli_devapp00000001', client_secret: 'dev-feishu-secret-00000001' }
    const first = await h.call({
      method: 'POST',
      path: '/open-apis/authen/v2/oauth/token',
      body: { grant_type: 'authorization_code', ...client, code },
    })
    const refreshed = await h.call({
      method: 'POST',
      path: '/open-apis/authen/v2/oauth/token',
      body: { grant_type: 'refresh_token', ...client, refresh_token: first.json.refresh_token },
    })
    expect(refreshed.json.scope).toBe('offline_access')
    expect((await sendAs(refreshed.json.access_token)).json.code).toBe(99991679)
  })

  test('feishu.gateway.path.unknown: an unknown path or a wrong method → 404 text/plain', async () => {
    for (const c of [
      { path: '/open-apis/no/such/api' },
      { method: 'PUT', path: MAIL_SEND },
      { method: 'GET', path: '/open-apis/auth/v3/tenant_access_token/internal' },
    ]) {
      const r = await h.call(c)
      expect(r.status).toBe(404)
      expect(reasonRule(r)).toBe('feishu.gateway.path.unknown')
      expect(r.text).toBe('404 page not found')
      expect(r.headers['content-type']).toMatch(/^text\/plain/)
    }
  })

  test('feishu.gateway.path.unknown: GET on the send path answers 404 before any auth, though the read-back pattern fits it', async () => {
    // `…/messages/send` also fits `…/messages/:message_id` (a GET): the literal segment names the route.
    for (const authorization of [undefined, 'Bearer u-nosuchtoken', 'Bearer u-dev-user-token-1']) {
      const r = await h.call({
        method: 'GET',
        path: MAIL_SEND,
        ...(authorization ? { headers: { authorization } } : {}),
      })
      expect(r.status).toBe(404)
      expect(reasonRule(r)).toBe('feishu.gateway.path.unknown')
      expect(r.text).toBe('404 page not found')
      expect(r.headers['content-type']).toMatch(/^text\/plain/)
    }
    // The read-back itself still answers on its own path.
    const read = await h.call({
      path: '/open-apis/mail/v1/user_mailboxes/me/messages/no-such-message',
      headers: { authorization: 'Bearer u-dev-user-token-1' },
    })
    expect([read.status, read.json.code]).toEqual([404, 1234034])
  })

  test('wecom.gateway.method.post-only: WeCom routes a wrong method all the same, so auth answers first (40014)', async () => {
    const r = await h.call({ method: 'DELETE', path: MEETING_CREATE, query: { access_token: 'x' } })
    expect([r.status, r.json.errcode]).toEqual([200, 40014])
  })
})

test('feishu.gateway.path.unknown: an over-limit body on a wrong method is the same 404, not a 9499', () => {
  const emu = createEmulator()
  const body = new Uint8Array(0)
  for (const [method, url] of [
    ['POST', '/open-apis/mail/v1/user_mailboxes/me/messages/m1'],
    ['GET', MAIL_SEND],
  ] as const) {
    const r = emu.refuseOversize({ method, url, headers: {}, body }, 10)
    expect([r.status, r.body]).toEqual([404, '404 page not found'])
    expect(r.headers['x-worksuite-mock-reason']).toMatch(/^feishu\.gateway\.path\.unknown: /)
  }
  const send = emu.refuseOversize({ method: 'POST', url: MAIL_SEND, headers: {}, body }, 10)
  expect([send.status, JSON.parse(send.body).code]).toEqual([400, 9499])
})
