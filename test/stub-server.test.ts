/** The stub server as a process and as a server: start, banner, limits, shutdown, bad settings. */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { request } from 'node:http'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createEmulator, startStubServer } from '../src/index.ts'

const TSX = 'node_modules/.bin/tsx'

function run(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(TSX, ['src/cli.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
}

async function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d) => {
    stdout += d
  })
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  const [code] = await once(child, 'exit')
  return { code: code as number | null, stdout, stderr }
}

/** Resolves with the first match in stdout; keeps the pipe open (the child still writes on shutdown). */
function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const onData = (chunk: Buffer) => {
      seen += chunk
      const m = seen.match(pattern)
      if (m) {
        child.stdout!.off('data', onData)
        child.stdout!.resume()
        resolve(m[0])
      }
    }
    child.stdout!.on('data', onData)
    child.once('exit', () => reject(new Error(`process ended before printing ${pattern}: ${seen}`)))
  })
}

test('npm start serves on the given port, prints the base URL and credentials, and stops cleanly on SIGINT', async () => {
  const child = run(['--port', '0'])
  let banner = ''
  child.stdout!.on('data', (d) => {
    banner += d
  })
  const url = await waitForLine(child, /http:\/\/127\.0\.0\.1:\d+/)
  const r = await fetch(`${url}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014`)
  expect(((await r.json()) as any).errcode).toBe(0)
  expect(banner).toContain('corpsecret=dev-secret-meetings-1000014')
  expect(banner).toContain('u-dev-user-token-1')
  child.kill('SIGINT')
  const [code] = await once(child, 'exit')
  expect(code).toBe(0)
}, 20_000)

test('PORT and HOST come from the environment too', async () => {
  const child = run([], { PORT: '0', HOST: '127.0.0.1' })
  const url = await waitForLine(child, /http:\/\/127\.0\.0\.1:\d+/)
  expect(url).not.toMatch(/:3000$/)
  child.kill('SIGTERM')
  expect((await once(child, 'exit'))[0]).toBe(0)
}, 20_000)

test('--help lists every setting with its environment variable and default', async () => {
  const { code, stdout } = await output(run(['--help']))
  expect(code).toBe(0)
  expect(stdout).toContain('--server.port=<integer> (default 3000)')
  expect(stdout).toContain('WORKSUITE_MOCK_JOURNAL_MAX_ENTRIES')
  expect(stdout).toContain('--faker-seed')
})

test('a bad setting is refused at start with a message naming it, and nothing starts', async () => {
  const bad = await output(run(['--journal.maxEntries=-5', '--port', '0']))
  expect(bad.code).toBe(2)
  expect(bad.stderr).toMatch(/journal\.maxEntries: must be >= 0/)
  const unknown = await output(run(['--no-such-setting=1']))
  expect(unknown.code).toBe(2)
  expect(unknown.stderr).toMatch(/unknown option --no-such-setting/)
  const env = await output(run([], { WORKSUITE_MOCK_SERVER_PORT: 'abc' }))
  expect(env.code).toBe(2)
  expect(env.stderr).toMatch(/server\.port: "abc" is not a number/)
})

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
