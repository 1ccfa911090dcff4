/**
 * The official Node SDK against the emulator, unchanged except for `domain`. The stub server lands with
 * another issue, so a plain node:http server converts requests to CoreRequest here (a few lines).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as lark from '@larksuiteoapi/node-sdk'
import { afterAll, beforeAll, expect, test } from 'vitest'
import docExample from '../fixtures/feishu/mail/doc-example.json' with { type: 'json' }
import { createEmulator } from '../src/index.ts'

const core = createEmulator({ config: { feishu: { mail: { lockHoldMs: 0 } } } })
let server: Server
let client: lark.Client

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
    const out = await core.handle({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers,
      body: Buffer.concat(chunks),
    })
    res.writeHead(out.status, out.headers).end(out.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  client = new lark.Client({
    appId: 'cli_devapp00000001',
    appSecret: 'dev-feishu-secret-00000001',
    domain: `http://127.0.0.1:${port}`,
    loggerLevel: lark.LoggerLevel.fatal,
  })
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

test('feishu.mail.send.sdk: client.mail.v1.userMailboxMessage.send delivers the doc example with a user token', async () => {
  const res = await client.mail.v1.userMailboxMessage.send(
    { path: { user_mailbox_id: 'user@xxx.xx' }, data: docExample },
    lark.withUserAccessToken('u-dev-user-token-1'),
  )
  expect(res.code).toBe(0)
  expect(res.data?.message_id).toMatch(/^[0-9a-f-]{36}$/)
  expect(core.control.mailbox('user@xxx.xx')[0]!.message_id).toBe(res.data?.message_id)
})

test('feishu.mail.send.sdk: a 4xx rejects with the status and the vendor body', async () => {
  const err = await client.mail.v1.userMailboxMessage
    .send(
      { path: { user_mailbox_id: 'me' }, data: { subject: 'no recipients' } },
      lark.withUserAccessToken('u-dev-user-token-1'),
    )
    .then(
      () => undefined,
      (e: { response?: { status: number; data: { code: number; msg: string } } }) => e,
    )
  expect(err?.response?.status).toBe(400)
  expect(err?.response?.data).toMatchObject({ code: 1234008, msg: 'request parameter error' })
})
