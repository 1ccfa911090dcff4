/**
 * Reproducible data: with the same faker seed and clock, the same requests get the same responses,
 * byte for byte (tokens, OAuth codes, ids, WeCom hints, Feishu log ids and request ids), in process
 * and through two stub-server processes started with `--faker-seed`.
 */
import type { ChildProcess } from 'node:child_process'
import { expect, test } from 'vitest'
import { createEmulator } from '../src/index.ts'
import { CLI_TIMEOUT, runCli, stopCli, waitForUrl } from './support/cli.ts'

const NOW = 1_750_000_000

/** One request; a path under /__mock is a control-plane step, the rest are vendor requests. */
interface Step {
  method: string
  path: string
  headers?: Record<string, string>
  body?: unknown
}

/** A session that touches every generator: tokens, refusals with hints / log ids, OAuth codes, business calls. */
/** Each step may read the parsed bodies of the answers before it (`prev[i]`). */
function script(): ((prev: any[]) => Step)[] {
  return [
    () => ({ method: 'GET', path: '/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014' }),
    () => ({ method: 'GET', path: '/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-second-1000015' }),
    () => ({ method: 'GET', path: '/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=wrong' }),
    (p) => ({
      method: 'POST',
      path: `/cgi-bin/meeting/create?access_token=${p[0].access_token}`,
      body: { admin_userid: 'lisi', title: 'weekly', meeting_start: NOW + 3600, meeting_duration: 3600 },
    }),
    () => ({ method: 'POST', path: '/cgi-bin/oa/schedule/add?access_token=nope', body: {} }),
    () => ({
      method: 'POST',
      path: '/open-apis/auth/v3/tenant_access_token/internal',
      body: { app_id: 'cli_devapp00000001', app_secret: 'dev-feishu-secret-00000001' },
    }),
    () => ({
      method: 'POST',
      path: '/open-apis/mail/v1/user_mailboxes/me/messages/send',
      headers: { authorization: 'Bearer u-dev-user-token-1' },
      body: { subject: 'hello', to: [{ mail_address: 'jane@xxx.xx' }], body_plain_text: 'hi' },
    }),
    () => ({ method: 'POST', path: '/open-apis/mail/v1/user_mailboxes/me/messages/send', body: {} }),
    () => ({ method: 'POST', path: '/__mock/feishu/oauth/codes', body: { mailbox: 'user@xxx.xx' } }),
    (p) => ({
      method: 'POST',
      path: '/open-apis/authen/v2/oauth/token',
      body: {
        grant_type: 'authorization_code',
        client_id: 'cli_devapp00000001',
        client_secret: 'dev-feishu-secret-00000001',
        code: p[8].code,
      },
    }),
  ]
}

/** What must be equal: status, body, and the headers that carry generated values. */
const GENERATED_HEADERS = ['x-tt-logid', 'x-request-id', 'error-msg', 'x-worksuite-mock-reason']

interface Seen {
  status: number
  body: string
  headers: Record<string, string | null>
}

async function runScript(send: (s: Step) => Promise<Seen>): Promise<Seen[]> {
  const seen: Seen[] = []
  const prev: any[] = []
  for (const step of script()) {
    const r = await send(step(prev))
    seen.push(r)
    try {
      prev.push(JSON.parse(r.body))
    } catch {
      prev.push({})
    }
  }
  return seen
}

function inProcess(fakerSeed: number) {
  const emu = createEmulator({ fakerSeed })
  emu.control.setClock({ now: NOW, frozen: true })
  return async (s: Step): Promise<Seen> => {
    if (s.path.startsWith('/__mock/')) {
      const out = emu.control.issueOAuthCode(s.body as { mailbox: string })
      return { status: 201, body: JSON.stringify(out), headers: {} }
    }
    const r = await emu.handle({
      method: s.method,
      url: s.path,
      headers: { 'content-type': 'application/json', ...s.headers },
      body: new TextEncoder().encode(s.body === undefined ? '' : JSON.stringify(s.body)),
      remoteAddress: '127.0.0.1',
    })
    return {
      status: r.status,
      body: r.body,
      headers: Object.fromEntries(GENERATED_HEADERS.map((h) => [h, r.headers[h] ?? null])),
    }
  }
}

function overHttp(base: string) {
  return async (s: Step): Promise<Seen> => {
    const r = await fetch(base + s.path, {
      method: s.method,
      headers: { 'content-type': 'application/json', ...s.headers },
      ...(s.body === undefined ? {} : { body: JSON.stringify(s.body) }),
    })
    return {
      status: r.status,
      body: await r.text(),
      headers: Object.fromEntries(GENERATED_HEADERS.map((h) => [h, r.headers.get(h)])),
    }
  }
}

test('two emulators with the same fakerSeed answer the same requests identically, ids included', async () => {
  const a = await runScript(inProcess(20240601))
  const b = await runScript(inProcess(20240601))
  expect(b).toEqual(a)
  // The script really produced generated values worth comparing.
  const token = JSON.parse(a[0]!.body).access_token
  expect(token).toMatch(/^[A-Za-z0-9]{64}$/)
  expect(JSON.parse(a[2]!.body).errmsg).toMatch(/hint: \[1750000000\d{15}\]/)
  expect(JSON.parse(a[3]!.body).meetingid).toEqual(expect.any(String))
  expect(a[7]!.headers['x-tt-logid']).toMatch(/^\d{14}[0-9A-F]{20}$/)
  expect(JSON.parse(a[9]!.body).access_token).toEqual(expect.any(String))
})

test('a different fakerSeed gives different tokens, hints and log ids', async () => {
  const a = await runScript(inProcess(1))
  const b = await runScript(inProcess(2))
  expect(JSON.parse(b[0]!.body).access_token).not.toBe(JSON.parse(a[0]!.body).access_token)
  expect(JSON.parse(b[2]!.body).errmsg).not.toBe(JSON.parse(a[2]!.body).errmsg)
  expect(b[7]!.headers['x-tt-logid']).not.toBe(a[7]!.headers['x-tt-logid'])
  expect(JSON.parse(b[8]!.body).code).not.toBe(JSON.parse(a[8]!.body).code)
})

function start(args: string[]): { child: ChildProcess; url: Promise<string> } {
  const child = runCli(['--port', '0', '--quiet', ...args])
  return { child, url: waitForUrl(child) }
}

test(
  'two stub servers started with the same --faker-seed answer identically (clock frozen over /__mock/clock)',
  async () => {
    const one = start(['--faker-seed', '4242'])
    const two = start(['--faker-seed', '4242'])
    try {
      const runs: Seen[][] = []
      for (const base of await Promise.all([one.url, two.url])) {
        const clock = await fetch(`${base}/__mock/clock`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ now: NOW, frozen: true }),
        })
        expect(clock.status).toBe(200)
        runs.push(await runScript(overHttp(base)))
      }
      expect(runs[1]).toEqual(runs[0])
      expect(runs[0]![8]!.status).toBe(201)
      expect(JSON.parse(runs[0]![9]!.body).code).toBe(0)
      // And the same as in process: the adapter adds nothing random.
      const local = await runScript(inProcess(4242))
      expect(runs[0]!.map((r) => r.body)).toEqual(local.map((r) => r.body))
    } finally {
      await Promise.all([stopCli(one.child), stopCli(two.child)])
    }
  },
  CLI_TIMEOUT,
)
