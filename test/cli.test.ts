/**
 * The one `worksuite-mock` command: `[serve]` (the stub server, the default), `contracts` (the suite, exit
 * code for CI) and `--version`.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { needsBuild } from '../scripts/start.ts'
import { createEmulator } from '../src/emulator.ts'
import { type StubServer, startStubServer } from '../src/server/stub-server.ts'
import { CLI_TIMEOUT, finished, runCli, stopCli, waitForUrl } from './support/cli.ts'

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version
const dir = mkdtempSync(join(tmpdir(), 'cli-'))

/**
 * Waits for /__mock/health/ready: until then the server compiles its schemas between requests, and a signal
 * that lands then is answered after the compile, not lost.
 */
async function ready(url: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await fetch(`${url}/__mock/health/ready`)).status === 200) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`${url} never became ready`)
}

let server: StubServer
beforeAll(async () => {
  server = await startStubServer(createEmulator(), { host: '127.0.0.1', port: 0 })
})
afterAll(() => server.close())

test('--version prints the package version and nothing else', async () => {
  const r = await finished(runCli(['--version']))
  expect(r.code).toBe(0)
  expect(r.stdout).toBe(`${version}\n`)
})

test('--help gives the usage of the installed command: serve, contracts and --version', async () => {
  const r = await finished(runCli(['--help']))
  expect(r.code).toBe(0)
  expect(r.stdout).toContain('Usage: worksuite-mock [serve] [options]')
  expect(r.stdout).toContain('worksuite-mock contracts --target <url>|live')
  expect(r.stdout).toContain('worksuite-mock --version')
  expect(r.stdout).not.toContain('npx tsx src/cli.ts')
})

test('serve is the default command: `serve --port 0` starts the stub server as no command does', async () => {
  const child = runCli(['serve', '--port', '0', '--quiet'])
  const url = await waitForUrl(child)
  expect((await fetch(`${url}/__mock/health`)).status).toBe(200)
  await ready(url)
  expect(await stopCli(child)).toBe(0)
})

test('an unknown command is refused with exit 2, pointing at --help', async () => {
  const r = await finished(runCli(['serv']))
  expect(r.code).toBe(2)
  expect(r.stderr).toContain('unexpected argument "serv" (see --help)')
})

test(
  'contracts runs the suite against a running stub server, exits 0 when it passes and writes --junit',
  async () => {
    const junit = join(dir, 'reports', 'junit.xml')
    const r = await finished(
      runCli(['contracts', '--target', server.url, '--filter', '/^wecom\\.gettoken/', '--junit', junit]),
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`contracts: stub server ${server.url}, client fetch`)
    expect(readFileSync(junit, 'utf8')).toMatch(/<testsuites[^>]* failures="0"/)
  },
  CLI_TIMEOUT,
)

test(
  'contracts exits 1 when no case ran, and 2 on a usage error',
  async () => {
    const none = await finished(runCli(['contracts', '--target', server.url, '--filter', 'no-such-case']))
    expect(none.code).toBe(1)
    const usage = await finished(runCli(['contracts', '--target', 'ftp://nowhere.invalid']))
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('usage: worksuite-mock contracts')
  },
  CLI_TIMEOUT,
)

test(
  'contracts --client MODULE drives the suite through the client adapter that module exports',
  async () => {
    const file = join(dir, 'my-client.mjs')
    // A factory over the built-in fetch client with its own name, as a user's adapter around their client would be.
    writeFileSync(
      file,
      `import { fetchClient } from ${JSON.stringify(new URL('../contracts/client/fetch-client.ts', import.meta.url).href)}
     export default (target) => ({ ...fetchClient({ baseUrls: target.baseUrls }), name: 'my-client' })`,
    )
    const junit = join(dir, 'mine.xml')
    const r = await finished(
      runCli([
        'contracts',
        '--target',
        server.url,
        '--client',
        file,
        '--filter',
        '/^wecom\\.gettoken/',
        '--junit',
        junit,
      ]),
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('client my-client: ')
    expect(readFileSync(junit, 'utf8')).toContain('my-client')
  },
  CLI_TIMEOUT,
)

test(
  'contracts --client with a module that exports no adapter is refused with exit 2 naming it',
  async () => {
    const file = join(dir, 'not-a-client.mjs')
    writeFileSync(file, 'export const answer = 42\n')
    const r = await finished(runCli(['contracts', '--target', server.url, '--client', file]))
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${file}: exports no client adapter`)
    const missing = await finished(runCli(['contracts', '--target', server.url, '--client', join(dir, 'absent.mjs')]))
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('absent.mjs')
  },
  CLI_TIMEOUT,
)

test('npm start rebuilds dist only when it is missing or a source changed after the last build', () => {
  const project = mkdtempSync(join(tmpdir(), 'start-'))
  mkdirSync(join(project, 'src/core'), { recursive: true })
  writeFileSync(join(project, 'src/core/a.ts'), '')
  expect(needsBuild(project, ['src'])).toBe(true)
  mkdirSync(join(project, 'dist/src'), { recursive: true })
  writeFileSync(join(project, 'dist/src/cli.js'), '')
  const built = new Date(Date.now() - 60_000)
  utimesSync(join(project, 'dist/src/cli.js'), built, built)
  const older = new Date(built.getTime() - 60_000)
  for (const p of ['src/core/a.ts', 'src/core', 'src']) utimesSync(join(project, p), older, older)
  expect(needsBuild(project, ['src'])).toBe(false)
  utimesSync(join(project, 'src/core/a.ts'), new Date(), new Date())
  expect(needsBuild(project, ['src'])).toBe(true)
})

test(
  'the server modules load no ajv until a schema is compiled (cold start)',
  async () => {
    // A child process, so that nothing else in it has compiled a schema.
    const script = `
    import { createRequire } from 'node:module'
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => /[\\\\/]node_modules[\\\\/]ajv[\\\\/]/.test(k))
    await import('./src/cli-main.ts')
    const { createEmulator } = await import('./src/emulator.ts')
    await import('./src/server/stub-server.ts')
    createEmulator()
    const before = loaded()
    const { validatorFor } = await import('./src/core/schema.ts')
    validatorFor({ type: 'object' })({})
    console.log(JSON.stringify({ before, after: loaded() }))
  `
    const r = await finished(
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    )
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual({ before: false, after: true })
  },
  CLI_TIMEOUT,
)

/** A loopback port with nothing listening: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))
  const { port } = s.address() as AddressInfo
  await new Promise((r) => s.close(r))
  return port
}

test(
  'contracts against a URL where nothing listens says so in one line naming the cause, exit 2',
  async () => {
    const url = `http://127.0.0.1:${await closedPort()}`
    const r = await finished(runCli(['contracts', '--target', url]))
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('ECONNREFUSED')
    expect(r.stderr).toContain(url)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  },
  CLI_TIMEOUT,
)

test(
  'contracts against a server that is not a worksuite-mock says so in one line, exit 2',
  async () => {
    // Answers every path with an HTML 404, as a web server that is something else would.
    const other = createServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'),
    )
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()))
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`
    try {
      const r = await finished(runCli(['contracts', '--target', url]))
      expect(r.code).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toContain('404')
      expect(r.stderr).toMatch(/not a worksuite-mock/)
      expect(r.stderr).not.toMatch(/\n\s+at /)
      // One that answers 200 with a page, not the control plane's JSON, is refused alike.
      other.removeAllListeners('request')
      other.on('request', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'))
      const ok = await finished(runCli(['contracts', '--target', url]))
      expect(ok.code).toBe(2)
      expect(ok.stderr.trim().split('\n')).toHaveLength(1)
      expect(ok.stderr).toMatch(/not a worksuite-mock/)
    } finally {
      await new Promise((r) => other.close(r))
    }
  },
  CLI_TIMEOUT,
)
