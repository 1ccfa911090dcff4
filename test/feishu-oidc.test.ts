/**
 * Feishu OAuth v1 (OIDC): every case of contracts/cases/auth.feishu.oidc.json through every harness, and the
 * official Node SDK's own user-token helper (`client.userAccessToken`), which calls these endpoints with the
 * tenant token it fetched itself, against the emulator in process.
 */
import * as lark from '@larksuiteoapi/node-sdk'
import { expect, test } from 'vitest'
import { fetchHttpInstance } from '../contracts/client/lark-sdk.ts'
import { casesOf, describeCases } from './support/contract-cases.ts'
import { testCore } from './support/core.ts'

describeCases('feishu OAuth v1 contract cases', casesOf('auth.feishu.oidc.json'))

/** The core behind a fetch, as the SDK's http instance sees a server. */
function coreFetch(core: ReturnType<typeof testCore>): typeof fetch {
  return async (input, init) => {
    const req = new Request(input, init)
    const url = new URL(req.url)
    const headers: Record<string, string> = {}
    req.headers.forEach((v, k) => {
      headers[k] = v
    })
    const r = await core.call({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      ...(req.body ? { body: await req.text() } : {}),
    })
    return new Response(r.text, { status: r.status, headers: r.headers })
  }
}

test('feishu.authen.oidc_access_token.authorization.app-token: the SDK helper initWithCode exchanges a code with its own tenant token, and get() refreshes once the token has expired', async () => {
  const core = testCore()
  const seen: string[] = []
  const inner = coreFetch(core)
  const sdk = new lark.Client({
    appId: 'cli_devapp00000001',
    appSecret: 'dev-feishu-secret-00000001',
    domain: 'http://feishu.invalid',
    httpInstance: fetchHttpInstance(async (input, init) => {
      seen.push(new URL(new Request(input, init).url).pathname)
      return inner(input, init)
    }) as never,
    logger: { error() {}, warn() {}, info() {}, debug() {}, trace() {} },
  })
  const { code } = core.control.issueOAuthCode({ mailbox: 'user@xxx.xx' })
  const info = await sdk.userAccessToken.initWithCode({ me: code })
  const first = info.me?.token
  expect(first).toMatch(/^u-/)
  expect(seen).toEqual(['/open-apis/auth/v3/tenant_access_token/internal', '/open-apis/authen/v1/oidc/access_token'])
  // The token opens the mailbox.
  const sent = await core.call({
    method: 'POST',
    path: '/open-apis/mail/v1/user_mailboxes/me/messages/send',
    headers: { authorization: `Bearer ${first}` },
    body: { subject: 'via v1', to: [{ mail_address: 'x@example.com' }] },
  })
  expect(sent.json.code).toBe(0)
  // The SDK keeps an expiry of its own (on the wall clock): tell it the token is old, and it refreshes.
  await sdk.userAccessToken.update({ me: { ...info.me!, expiredTime: Date.now() - 1 } })
  const refreshed = await sdk.userAccessToken.get('me')
  expect(refreshed).toMatch(/^u-/)
  expect(refreshed).not.toBe(first)
  expect(seen.at(-1)).toBe('/open-apis/authen/v1/oidc/refresh_access_token')
})
