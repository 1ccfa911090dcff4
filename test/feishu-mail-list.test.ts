/**
 * 列出邮件 (GET /open-apis/mail/v1/user_mailboxes/:id/messages): every case of
 * contracts/cases/feishu.mail.message.list.json through every harness; paging over more than one page while
 * mail keeps arriving, the budget evicting a page_token's message, and the official SDK's list call.
 */
import * as lark from '@larksuiteoapi/node-sdk'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { fetchHttpInstance } from '../contracts/client/lark-sdk.ts'
import { checkedHarnesses } from './support/checked.ts'
import { casesOf, describeCases } from './support/contract-cases.ts'
import { testCore } from './support/core.ts'
import { FAST, send } from './support/feishu-mail.ts'
import { expectRefusal, type Harness } from './support/harness.ts'

describeCases('feishu mail list contract cases', casesOf('feishu.mail.message.list.json'), {
  options: () => ({ config: FAST }),
})

const LIST = '/open-apis/mail/v1/user_mailboxes/me/messages'
const list = (h: Harness, query: Record<string, string>, token = 'u-dev-user-token-1') =>
  h.call({ method: 'GET', path: LIST, query, headers: { authorization: `Bearer ${token}` } })

describe.each(checkedHarnesses)('mail list through $name', (factory) => {
  afterEach(() => {
    expect(factory.problems.splice(0), 'answers that break their response schema').toEqual([])
  })
  let h: Harness
  beforeAll(async () => {
    h = await factory.make({ config: FAST })
  })
  afterAll(() => h.close())

  test('feishu.mail.message.list.success: page_token walks the folder to its end, and mail sent meanwhile does not shift the pages', async () => {
    const sent: string[] = []
    for (let i = 0; i < 5; i++)
      sent.push((await send(h, { subject: `s${i}`, to: [{ mail_address: 'x@example.com' }] })).json.data.message_id)
    const seen: string[] = []
    let token: string | undefined
    for (let page = 0; page < 10; page++) {
      const r = await list(h, { folder_id: 'SENT', page_size: '2', ...(token ? { page_token: token } : {}) })
      expect(r.status).toBe(200)
      seen.push(...r.json.data.items)
      // A new message arrives at the top: the walk goes on below where it was.
      if (page === 0) await send(h, { subject: 'later', to: [{ mail_address: 'x@example.com' }] })
      token = r.json.data.page_token
      if (!r.json.data.has_more) break
    }
    expect(seen).toEqual([...sent].reverse())
    expect(token).toBeUndefined()
  })
})

test('feishu.mail.message.list.page_token.known: the message a page_token continues after, once evicted, makes it unknown (99992402)', async () => {
  const h = testCore({ config: { feishu: { mail: { lockHoldMs: 0, maxStoredMessages: 3 } } } })
  for (let i = 0; i < 3; i++)
    await h.call({
      method: 'POST',
      path: '/open-apis/mail/v1/user_mailboxes/me/messages/send',
      headers: { authorization: 'Bearer u-dev-user-token-1' },
      body: { subject: `s${i}`, to: [{ mail_address: 'x@example.com' }] },
    })
  const first = await h.call({
    method: 'GET',
    path: LIST,
    query: { folder_id: 'SENT', page_size: '2' },
    headers: { authorization: 'Bearer u-dev-user-token-1' },
  })
  expect(first.json.data.items).toHaveLength(2)
  // Two more sends evict the two oldest, the page's last among them.
  for (let i = 3; i < 5; i++)
    await h.call({
      method: 'POST',
      path: '/open-apis/mail/v1/user_mailboxes/me/messages/send',
      headers: { authorization: 'Bearer u-dev-user-token-1' },
      body: { subject: `s${i}`, to: [{ mail_address: 'x@example.com' }] },
    })
  const next = await h.call({
    method: 'GET',
    path: LIST,
    query: { folder_id: 'SENT', page_size: '2', page_token: first.json.data.page_token },
    headers: { authorization: 'Bearer u-dev-user-token-1' },
  })
  expectRefusal(next, 'feishu.mail.message.list.page_token.known')
})

test('feishu.mail.message.list.success: the official SDK lists with userMailboxMessage.list and its numbers', async () => {
  const core = testCore({ config: FAST })
  const fetchCore: typeof fetch = async (input, init) => {
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
  const sdk = new lark.Client({
    appId: 'cli_devapp00000001',
    appSecret: 'x',
    domain: 'http://feishu.invalid',
    httpInstance: fetchHttpInstance(fetchCore) as never,
    logger: { error() {}, warn() {}, info() {}, debug() {}, trace() {} },
  })
  const sent = await core.call({
    method: 'POST',
    path: '/open-apis/mail/v1/user_mailboxes/me/messages/send',
    headers: { authorization: 'Bearer u-dev-user-token-1' },
    body: { subject: 'sdk', to: [{ mail_address: 'x@example.com' }] },
  })
  const r = await sdk.mail.v1.userMailboxMessage.list(
    { path: { user_mailbox_id: 'me' }, params: { folder_id: 'SENT', page_size: 20, only_unread: false } },
    lark.withUserAccessToken('u-dev-user-token-1'),
  )
  expect(r).toMatchObject({ code: 0, data: { items: [sent.json.data.message_id], has_more: false } })
})
