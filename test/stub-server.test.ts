/** The stub server as a process and as a server: start, banner, limits, shutdown, bad settings. */
import { once } from 'node:events'
import { request } from 'node:http'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { banner } from '../src/cli-main.ts'
import { createEmulator, startStubServer } from '../src/index.ts'
import { CLI_TIMEOUT, finished, runCli, stopCli, waitForLine, waitForUrl } from './support/cli.ts'

test(
  'npm start serves on the given port, prints the base URL and credentials, and stops cleanly on SIGINT',
  async () => {
    const child = runCli(['--port', '0'])
    let banner = ''
    child.stdout!.on('data', (d) => {
      banner += d
    })
    const url = await waitForUrl(child)
    const r = await fetch(`${url}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014`)
    expect(((await r.json()) as any).errcode).toBe(0)
    expect(banner).toContain('corpsecret=dev-secret-meetings-1000014')
    expect(banner).toContain('u-dev-user-token-1')
    expect(await stopCli(child, 'SIGINT')).toBe(0)
  },
  CLI_TIMEOUT,
)

test(
  'PORT and HOST come from the environment too',
  async () => {
    const child = runCli([], { PORT: '0', HOST: '127.0.0.1' })
    const url = await waitForUrl(child)
    expect(url).not.toMatch(/:3000$/)
    expect(await stopCli(child, 'SIGTERM')).toBe(0)
  },
  CLI_TIMEOUT,
)

test(
  'SIGTERM right after the banner exits 0, and so does a second signal while closing',
  async () => {
    const child = runCli(['--port', '0'])
    await waitForLine(child, /Stop with Ctrl-C\./)
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    child.kill('SIGINT')
    expect((await exited)[0]).toBe(0)
  },
  CLI_TIMEOUT,
)

test('the banner on 0.0.0.0 without a token says the control plane is disabled, why, and how to enable it', () => {
  const text = banner('http://0.0.0.0:3000', createEmulator({ config: { server: { host: '0.0.0.0' } } }), () => [
    '192.168.1.10',
  ])
  expect(text).toContain('listening on every interface, port 3000: http://127.0.0.1:3000, http://192.168.1.10:3000')
  expect(text).toContain('Control plane: disabled: 0.0.0.0 is not a loopback address and no server.controlToken is set')
  expect(text).toContain('--server.controlToken=<secret>')
  expect(text).not.toContain('0.0.0.0:3000/__mock')
  expect(text).toContain("curl 'http://127.0.0.1:3000/cgi-bin/gettoken?")
})

test('the banner with a control token names the header the control plane needs, not the token', () => {
  const core = createEmulator({ config: { server: { host: '0.0.0.0', controlToken: 's3cret' } } })
  const text = banner('http://0.0.0.0:3000', core, () => [])
  expect(text).toContain(
    "Control plane: http://127.0.0.1:3000/__mock/defaults  with header 'Authorization: Bearer <server.controlToken>'",
  )
  expect(text).not.toContain('s3cret')
})

test('the banner on loopback gives the control plane URL as before', () => {
  const text = banner('http://127.0.0.1:3000', createEmulator(), () => ['192.168.1.10'])
  expect(text).toContain('worksuite-mock listening on http://127.0.0.1:3000\n')
  expect(text).toContain('Control plane: http://127.0.0.1:3000/__mock/defaults  (reset, clock')
  expect(text).not.toContain('192.168.1.10')
})

test(
  '--help lists every setting with its environment variable and default',
  async () => {
    const { code, stdout } = await finished(runCli(['--help']))
    expect(code).toBe(0)
    expect(stdout).toContain('--server.port=<integer> (default 3000)')
    expect(stdout).toContain('WORKSUITE_MOCK_JOURNAL_MAX_ENTRIES')
    expect(stdout).toContain('--faker-seed')
  },
  CLI_TIMEOUT,
)

test(
  'a bad setting is refused at start with a message naming it, and nothing starts',
  async () => {
    const [bad, unknown, env] = await Promise.all([
      finished(runCli(['--journal.maxEntries=-5', '--port', '0'])),
      finished(runCli(['--no-such-setting=1'])),
      finished(runCli([], { WORKSUITE_MOCK_SERVER_PORT: 'abc' })),
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/journal\.maxEntries: must be >= 0/)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown option --no-such-setting/)
    expect(env.code).toBe(2)
    expect(env.stderr).toMatch(/server\.port: "abc" is not a number/)
  },
  CLI_TIMEOUT,
)

const emulator = createEmulator({ config: { server: { maxBodyBytes: 4096 } } })
let base = ''
let close: () => Promise<void>
beforeAll(async () => {
  const s = await startStubServer(emulator, { host: '127.0.0.1', port: 0 })
  base = s.url
  close = s.close
})
afterAll(() => close())

function rawPost(
  path: string,
  headers: Record<string, string | number>,
  write: (req: ReturnType<typeof request>) => void,
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const u = new URL(base + path)
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers },
      (res) => {
        let body = ''
        res.on('data', (d) => {
          body += d
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    write(req)
  })
}

test('a body over the limit is refused in the vendor format without being read (declared length)', async () => {
  const token = (
    (await (
      await fetch(`${base}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014`)
    ).json()) as any
  ).access_token
  // Claims 10 MB but sends only a few bytes: the answer must come without waiting for the rest.
  const r = await rawPost(`/cgi-bin/meeting/create?access_token=${token}`, { 'content-length': 10_000_000 }, (req) =>
    req.write('{"a":1'),
  )
  expect(r.status).toBe(200)
  expect(JSON.parse(r.body).errcode).toBe(40206)
  const f = await rawPost(
    '/open-apis/mail/v1/user_mailboxes/me/messages/send',
    { 'content-length': 10_000_000 },
    (req) => req.write('{'),
  )
  expect(f.status).toBe(400)
  expect(JSON.parse(f.body).code).toBeGreaterThan(0)
})

test('a chunked body that grows past the limit is cut off and refused', async () => {
  const r = await rawPost('/cgi-bin/meeting/create?access_token=x', { 'transfer-encoding': 'chunked' }, (req) => {
    req.write('x'.repeat(3000))
    req.write('x'.repeat(3000))
  })
  expect(JSON.parse(r.body).errcode).toBe(40206)
})

test('control-plane paths never reach the vendor routes and vendor paths never reach the control plane', async () => {
  expect((await fetch(`${base}/__mock/defaults`)).status).toBe(200)
  const r = await fetch(`${base}/cgi-bin/__mock/defaults`)
  expect(r.status).toBe(404)
  expect((await fetch(`${base}/elsewhere`)).status).toBe(404)
})

test('a vendor answer goes out with its Content-Length, not chunked, the same on every request of a connection', async () => {
  const { Agent } = await import('node:http')
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const get = (path: string) =>
    new Promise<{ headers: Record<string, unknown>; body: string; socket: unknown }>((resolve, reject) => {
      const u = new URL(base + path)
      const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d) => {
          body += d
        })
        res.on('end', () => resolve({ headers: res.headers, body, socket: req.socket }))
      })
      req.on('error', reject)
      req.end()
    })
  try {
    // A WeCom error echoes the caller's address (`from ip:`), and its text is not ASCII-only in bytes.
    const first = await get('/cgi-bin/meeting/create?access_token=x')
    const second = await get('/cgi-bin/meeting/create?access_token=y')
    expect(second.socket).toBe(first.socket)
    for (const r of [first, second]) {
      expect(r.headers['transfer-encoding']).toBeUndefined()
      expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.body))
      expect(JSON.parse(r.body).errmsg).toContain('from ip: 127.0.0.1,')
    }
    const cn = await get('/open-apis/mail/v1/user_mailboxes/me/messages/send')
    expect(Number(cn.headers['content-length'])).toBe(Buffer.byteLength(cn.body))
  } finally {
    agent.destroy()
  }
})
