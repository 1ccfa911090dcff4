/**
 * docs/clients.md says how to point each client at the emulator; the snippets it marks as tested are run here
 * as they are written. Each is taken out of the page by its `<!-- snippet:NAME -->` marker, gets the URL of a
 * stub server started for this file in place of `http://127.0.0.1:3000` (and this checkout's sources in place
 * of the package name), is written to a module under .cache/ (git-ignored, so the packages resolve from this
 * checkout) and imported. What it logged and what reached the emulator are then checked.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as lark from '@larksuiteoapi/node-sdk'
import { afterAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { useStubServer } from './support/server.ts'
import { snippet, snippetNames } from './support/snippets.ts'

const DOC = 'docs/clients.md'
const doc = readFileSync(DOC, 'utf8')
const WRITTEN_URL = 'http://127.0.0.1:3000'

const dir = (() => {
  mkdirSync('.cache', { recursive: true })
  return mkdtempSync(join('.cache', 'clients-doc-'))
})()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs a snippet against `url`; resolves to what it passed to console.log, one array per call. */
async function run(name: string, url: string): Promise<unknown[][]> {
  const code = snippet(doc, name, DOC)
    .replaceAll(WRITTEN_URL, url)
    .replaceAll("'worksuite-mock/mocks'", JSON.stringify(resolve('mocks/index.ts')))
    .replaceAll("'worksuite-mock/client'", JSON.stringify(resolve('contracts/client/index.ts')))
    .replaceAll("'worksuite-mock'", JSON.stringify(resolve('src/index.ts')))
  const file = resolve(dir, `${name}.ts`)
  writeFileSync(file, code)
  const log = vi.spyOn(console, 'log').mockImplementation(() => {})
  try {
    await import(pathToFileURL(file).href)
    return log.mock.calls.map((c) => [...c])
  } finally {
    log.mockRestore()
  }
}

const TESTED = ['feishu-node-sdk', 'wecom-fetch', 'wecom-axios', 'feishu-fetch-oauth', 'kit-client', 'msw-hardcoded']

test('every snippet the page marks is run by this file, and each points at the written URL or the real hosts', () => {
  expect(snippetNames(doc).sort()).toEqual([...TESTED].sort())
  for (const name of TESTED) {
    const code = snippet(doc, name, DOC)
    expect(code.includes(WRITTEN_URL) || code.includes('https://qyapi.weixin.qq.com'), name).toBe(true)
  }
})

test('the snippet extraction fails naming a snippet the page lacks', () => {
  expect(() => snippet(doc, 'no-such-client', DOC)).toThrow('has no snippet "no-such-client"')
})

test('every snippet the page does not run says it is untested here', () => {
  const blocks = [...doc.matchAll(/(<!-- snippet:[\w-]+ -->\s*)?```(\w+)\n([\s\S]*?)```/g)]
  const unmarked = blocks.filter((m) => !m[1])
  expect(unmarked.length).toBeGreaterThanOrEqual(7)
  for (const m of unmarked) expect(m[3], m[3]).toMatch(/untested here/)
})

describe('the tested snippets against a stub server', () => {
  const server = useStubServer({ config: { feishu: { mail: { lockHoldMs: 0 } } } })
  beforeEach(() => server.emulator.control.reset())

  test('feishu-node-sdk: the official SDK with domain sends mail through the stub server', async () => {
    const logs = await run('feishu-node-sdk', server.url)
    const [code, messageId] = logs.find((l) => l[0] === 0) ?? []
    expect(code).toBe(0)
    // The sender's copy carries the id the SDK got back; the recipient got her own copy.
    expect(server.emulator.control.mailbox('user@xxx.xx').map((m) => m.message_id)).toEqual([messageId])
    expect(server.emulator.control.mailbox('jane@xxx.xx')).toHaveLength(1)
  })

  test('wecom-fetch: fetch with a base URL gets a token and books a meeting', async () => {
    const [[answer]] = (await run('wecom-fetch', server.url)) as [[{ errcode: number; meetingid: string }]]
    expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok' })
    const meetings = server.emulator.control.meetings({})
    expect(meetings.map((m) => [m.meetingid, m.title])).toEqual([[answer.meetingid, 'Weekly sync']])
  })

  test('wecom-axios: axios with baseURL gets a token and adds a schedule', async () => {
    const [[answer]] = (await run('wecom-axios', server.url)) as [[{ errcode: number; schedule_id: string }]]
    expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok' })
    const schedules = server.emulator.control.wecomSchedules({})
    expect(schedules.map((s) => [s.schedule_id, s.summary])).toEqual([[answer.schedule_id, 'Design review']])
  })

  test('feishu-fetch-oauth: a code from the control plane exchanges for a user token that sends mail', async () => {
    const [[accessToken, refreshToken, expiresIn]] = (await run('feishu-fetch-oauth', server.url)) as [
      [string, string, number],
    ]
    expect([typeof accessToken, typeof refreshToken, expiresIn]).toEqual(['string', 'string', 7200])
    const send = await fetch(`${server.url}/open-apis/mail/v1/user_mailboxes/me/messages/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 's', to: [{ mail_address: 'jane@xxx.xx' }], body_plain_text: 'b' }),
    })
    expect(((await send.json()) as { code: number }).code).toBe(0)
  })

  test('kit-client: the typed client books a meeting, reads it back and sends Feishu mail', async () => {
    const logs = await run('kit-client', server.url)
    expect(logs[0]).toEqual([0, 'Weekly sync'])
    const [status, code, messageId] = logs[1] as [number, number, string]
    expect([status, code]).toEqual([200, 0])
    expect(server.emulator.control.meetings({}).map((m) => m.title)).toEqual(['Weekly sync'])
    expect(server.emulator.control.mailbox('user@xxx.xx').map((m) => m.message_id)).toEqual([messageId])
    expect(server.emulator.control.mailbox('jane@xxx.xx')).toHaveLength(1)
  })

  test("the Node SDK's OIDC helper exchanges a control-plane code with the tenant token it fetched; an unknown code is a 400 20003", async () => {
    // docs/clients.md says so.
    const client = new lark.Client({
      appId: 'cli_devapp00000001',
      appSecret: 'dev-feishu-secret-00000001',
      domain: server.url,
      loggerLevel: lark.LoggerLevel.fatal,
    })
    const failed = await client.userAccessToken.initWithCode({ 'user@xxx.xx': 'a-code' }).then(
      () => undefined,
      (e: { response?: { status: number; data: unknown } }) => e.response,
    )
    expect(failed).toEqual(expect.objectContaining({ status: 400, data: expect.objectContaining({ code: 20003 }) }))
    const reached = server.emulator.control.requests({}).entries.map((e) => [e.path, e.status])
    expect(reached).toEqual([
      ['/open-apis/auth/v3/tenant_access_token/internal', 200],
      ['/open-apis/authen/v1/oidc/access_token', 400],
    ])
    const { code } = server.emulator.control.issueOAuthCode({ mailbox: 'user@xxx.xx' })
    const info = await client.userAccessToken.initWithCode({ 'user@xxx.xx': code })
    expect(info['user@xxx.xx']?.token).toMatch(/^u-/)
  })
})

// Last: this one turns MSW on in this process (and off again at its end).
test('msw-hardcoded: code calling the real hosts, fetch and the SDK with its default domain, reaches the emulator', async () => {
  const logs = await run('msw-hardcoded', 'http://unused.invalid')
  expect(logs.filter((l) => typeof l[0] === 'number')).toEqual([[0], [0, 1]])
})
