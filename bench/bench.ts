/**
 * `npm run bench`: builds, starts the compiled stub server, and loads it from a separate process on loopback
 * (autocannon, 10 connections, after a warm-up): WeCom meeting/create, oa/schedule/add and the Feishu mail
 * send, each with valid, distinct requests. In the same run: the node:http ceiling (bench/ceiling.ts), Prism
 * and WireMock mocking meeting/create (fetched into .cache/peers, never dependencies; skipped with a note
 * when they cannot be had), cold start, the installed bin's cold start (`npm pack` installed into
 * .cache/installed, started as `worksuite-mock`), RSS after a long run, the MSW path, and meeting/create with
 * a web console tab open (headless Debian chromium on /__mock/ui/, subscribed to /__mock/events) against the
 * same server without one, and meeting/create with and without --data-dir (two servers, loaded in turn).
 * Prints a table and writes bench/results/latest.json.
 *
 *   npm run bench                       quick: 5 s per target, long run of 100,000 requests
 *   npm run bench -- --full             the long run is 1,000,000 requests (the RSS target)
 *   npm run bench -- --duration=10 --warmup=5 --long=250000 --connections=10
 *   npm run bench -- --no-peers --no-msw --no-build --cpu-prof (profile the stub server into .cache/prof)
 *   npm run bench -- --no-installed    skip packing and installing the tarball
 *   npm run bench -- --no-console      (skip the console-tab round; it is skipped anyway without chromium)
 *   npm run bench -- --no-data-dir     skip the --data-dir round
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { build } from '../scripts/build.ts'
import { childEnv, installInto, packTarball } from '../scripts/scratch-package.ts'
import type { LoadJob, LoadResult } from './load.ts'
import { builders, type Credentials, type EndpointName } from './requests.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cache = join(root, '.cache')
const peersDir = join(cache, 'peers')
const node = process.execPath

const { values: flags } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    long: { type: 'string' },
    connections: { type: 'string', default: '10' },
    'no-peers': { type: 'boolean', default: false },
    'no-msw': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'no-long': { type: 'boolean', default: false },
    'no-installed': { type: 'boolean', default: false },
    'no-console': { type: 'boolean', default: false },
    'no-data-dir': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'bench', 'results', 'latest.json') },
  },
})
const duration = Number(flags.duration)
const warmup = Number(flags.warmup)
const connections = Number(flags.connections)
const longRequests = Number(flags.long ?? (flags.full ? 1_000_000 : 100_000))

const log = (s: string) => process.stderr.write(`${s}\n`)

// ---------------------------------------------------------------------------------------------- processes

const started: ChildProcess[] = []
process.on('exit', () => {
  for (const p of started) if (p.exitCode === null) p.kill('SIGKILL')
})

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => res(port))
    })
  })
}

function startProcess(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  const p = spawn(cmd, args, {
    cwd: opts.cwd ?? root,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.env ? { env: opts.env } : {}),
  })
  started.push(p)
  let tail = ''
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-2000)
  }
  p.stdout?.on('data', keep)
  p.stderr?.on('data', keep)
  Object.defineProperty(p, 'outputTail', { get: () => tail })
  return p
}

async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return
  await new Promise<void>((res) => {
    p.once('exit', () => res())
    p.kill('SIGTERM')
    setTimeout(() => p.kill('SIGKILL'), 3000).unref()
  })
}

/** Resident set size of a process, in MB (Linux /proc). */
function rssMb(pid: number | undefined): number | null {
  if (!pid) return null
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1])
    return Number.isFinite(kb) ? Math.round(kb / 102.4) / 10 : null
  } catch {
    return null
  }
}

/** Polls `url` until it answers (any HTTP status), or gives up. */
async function waitForHttp(url: string, timeoutMs: number, init?: RequestInit): Promise<boolean> {
  const until = performance.now() + timeoutMs
  while (performance.now() < until) {
    try {
      const r = await fetch(url, init)
      await r.arrayBuffer()
      return true
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  return false
}

function runNode(script: string, args: string[]): Promise<string> {
  return new Promise((res, rej) => {
    const p = spawn(node, [join(root, 'bench', script), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    p.on('exit', (code) =>
      code === 0 ? res(out.trim().split('\n').at(-1) ?? '') : rej(new Error(`${script} exited ${code}`)),
    )
  })
}

async function load(job: LoadJob): Promise<LoadResult> {
  return JSON.parse(await runNode('load.ts', [JSON.stringify(job)])) as LoadResult
}

// ---------------------------------------------------------------------------------------------- the stub

/** Settings for the run, keeping only those the built schema knows (the endpoints land one by one). */
function benchConfig(): string {
  const wanted = {
    journal: { maxEntries: 1000 },
    // The caps stay at their defaults: the long run shows memory bounded by them, not by a raised limit.
    wecom: { maxMeetings: 10_000, maxSchedules: 10_000 },
    feishu: {
      mail: {
        lockHoldMs: 0,
        rateLimitPerMinute: 1_000_000_000,
        maxStoredMessages: 10_000,
        daily: {
          sendsPerUser: 1_000_000_000,
          externalRecipientsPerUser: 1_000_000_000,
          externalRecipientsPerTenant: 1_000_000_000,
        },
      },
    },
  }
  const schema = JSON.parse(readFileSync(join(root, 'contracts/schemas/config.schema.json'), 'utf8'))
  const pick = (value: unknown, node: { properties?: Record<string, unknown> } | undefined): unknown => {
    if (typeof value !== 'object' || value === null) return value
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const child = node?.properties?.[k] as { properties?: Record<string, unknown> } | undefined
      if (!child) continue
      const picked = pick(v, child)
      if (typeof picked !== 'object' || picked === null || Object.keys(picked).length > 0) out[k] = picked
    }
    return out
  }
  mkdirSync(cache, { recursive: true })
  const file = join(cache, 'bench-config.json')
  writeFileSync(file, JSON.stringify(pick(wanted, schema), null, 2))
  return file
}

interface Stub {
  url: string
  process: ChildProcess
}

/**
 * The Node flags the compiled server runs with as a bin (its shebang, `#!/usr/bin/env -S node <flags>`),
 * so the bench starts it as users do.
 */
function serverNodeFlags(): string[] {
  const first = readFileSync(join(root, 'dist/src/cli.js'), 'utf8').split('\n', 1)[0] ?? ''
  const m = first.match(/^#!\/usr\/bin\/env -S node (.*)$/)
  return m ? m[1]!.trim().split(/\s+/) : []
}

async function startStub(configFile: string, extraNodeArgs: string[] = [], extraArgs: string[] = []): Promise<Stub> {
  const port = await freePort()
  const p = startProcess(node, [
    ...serverNodeFlags(),
    ...extraNodeArgs,
    join(root, 'dist/src/cli.js'),
    `--port=${port}`,
    '--quiet',
    `--config=${configFile}`,
    '--faker-seed=1',
    ...extraArgs,
  ])
  const url = `http://127.0.0.1:${port}`
  if (!(await waitForHttp(`${url}/__mock/clock`, 10_000))) {
    throw new Error(`the stub server did not start: ${(p as unknown as { outputTail: string }).outputTail}`)
  }
  return { url, process: p }
}

async function credentialsOf(url: string): Promise<Credentials> {
  const defaults = (await (await fetch(`${url}/__mock/defaults`)).json()) as {
    wecom: { corpid: string; apps: { agentid: number; corpsecret: string }[] }
    feishu: { users: { mailbox: string; user_access_token: string | null }[] }
  }
  const app = defaults.wecom.apps.find((a) => a.agentid === 1000014) ?? defaults.wecom.apps[0]!
  const token = (await (
    await fetch(`${url}/cgi-bin/gettoken?corpid=${defaults.wecom.corpid}&corpsecret=${app.corpsecret}`)
  ).json()) as { access_token: string }
  const clock = (await (await fetch(`${url}/__mock/clock`)).json()) as { now: number }
  return {
    wecomToken: token.access_token,
    feishuUserToken: defaults.feishu.users.find((u) => u.user_access_token)?.user_access_token ?? '',
    now: clock.now,
  }
}

/** From spawning `node dist/src/cli.js` (default settings) to its first answered vendor request; the median of 5. */
async function coldStart(): Promise<{ medianMs: number; runsMs: number[] }> {
  const runs: number[] = []
  for (let i = 0; i < 5; i++) {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=x`
    const t0 = performance.now()
    const p = startProcess(node, [...serverNodeFlags(), join(root, 'dist/src/cli.js'), `--port=${port}`, '--quiet'])
    let answered = false
    while (!answered && performance.now() - t0 < 10_000) {
      try {
        await (await fetch(url)).arrayBuffer()
        answered = true
      } catch {
        await new Promise((r) => setTimeout(r, 1))
      }
    }
    runs.push(performance.now() - t0)
    await stop(p)
  }
  const sorted = [...runs].sort((a, b) => a - b)
  return { medianMs: sorted[2]!, runsMs: runs.map((r) => Math.round(r)) }
}

interface InstalledColdStart {
  minMs: number
  medianMs: number
  runsMs: number[]
}

/**
 * The bin as a user starts it: this checkout's `npm pack`, installed into .cache/installed, run as
 * `node_modules/.bin/worksuite-mock` (its shebang, `env -S node …`, finds this Node first on PATH), from
 * spawn to its first 200 on /__mock/health; 10 runs. The first run fills Node's compile cache for the new
 * install, so the minimum and the median are the warm figures.
 */
async function installedColdStart(): Promise<InstalledColdStart | { skipped: string }> {
  const dir = join(cache, 'installed')
  try {
    rmSync(dir, { recursive: true, force: true })
    const { file } = packTarball(join(cache, 'package'), { build: false })
    installInto(dir, file)
  } catch (e) {
    return { skipped: `installed bin: npm pack or install failed: ${(e as Error).message.split('\n')[0]}` }
  }
  const bin = join(dir, 'node_modules/.bin/worksuite-mock')
  const env = childEnv()
  const runs: number[] = []
  for (let i = 0; i < 10; i++) {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/__mock/health`
    const t0 = performance.now()
    const p = startProcess(bin, [`--port=${port}`, '--quiet'], { cwd: dir, env })
    let answered = false
    while (!answered && performance.now() - t0 < 10_000) {
      try {
        answered = (await fetch(url)).status === 200
      } catch {
        await new Promise((r) => setTimeout(r, 1))
      }
    }
    runs.push(performance.now() - t0)
    await stop(p)
    if (!answered)
      return { skipped: `installed bin did not answer: ${(p as unknown as { outputTail: string }).outputTail}` }
  }
  const sorted = [...runs].sort((a, b) => a - b)
  return {
    minMs: round(sorted[0]!, 1),
    medianMs: round((sorted[4]! + sorted[5]!) / 2, 1),
    runsMs: runs.map((r) => Math.round(r)),
  }
}

/**
 * Three requests sent before the load, whose answers must be successes: the loader does not read bodies
 * (that would halve what it can send), so this is how a peer's stub and our own routes are shown to work.
 */
async function preflight(url: string, endpoint: EndpointName, creds: Credentials): Promise<string | null> {
  for (let k = 0; k < 3; k++) {
    const req = builders[endpoint](creds, 900_000_000 + k)
    const res = await fetch(url + req.path, { method: 'POST', headers: req.headers, body: req.body })
    const text = await res.text()
    if (!OK.test(text)) return `${res.status} ${text.slice(0, 300)}`
  }
  return null
}

const OK = /"(?:errcode|code)":0[,}]/
const PATHS: Record<EndpointName, string> = {
  'meeting.create': '/cgi-bin/meeting/create',
  'schedule.add': '/cgi-bin/oa/schedule/add',
  'feishu.send': '/open-apis/mail/v1/user_mailboxes/me/messages/send',
}

/** The share of successes among the last answers the stub server's journal keeps for an endpoint. */
async function journalOk(url: string, endpoint: EndpointName): Promise<{ okPct: number; sample: string | null }> {
  const page = (await (
    await fetch(`${url}/__mock/requests?path=${encodeURIComponent(PATHS[endpoint])}&limit=1000`)
  ).json()) as {
    entries: { code: number | null; responseBody: string }[]
  }
  const bad = page.entries.filter((e) => e.code !== 0)
  return {
    okPct: page.entries.length ? round((100 * (page.entries.length - bad.length)) / page.entries.length, 1) : 0,
    sample: bad[0]?.responseBody.slice(0, 300) ?? null,
  }
}

// ---------------------------------------------------------------------------------------------- peers

function ensurePeer(bin: string, pkg: string): boolean {
  if (existsSync(bin)) return true
  log(`fetching ${pkg} into .cache/peers (npm install --prefix .cache/peers ${pkg}) …`)
  try {
    execFileSync('npm', ['install', '--prefix', peersDir, '--no-audit', '--no-fund', pkg], { stdio: 'ignore' })
  } catch {
    return false
  }
  return existsSync(bin)
}

/** Our OpenAPI document when the contract issue has landed one with meeting/create; else bench/peers/openapi.json. */
function openApiDocument(): string {
  const dir = join(root, 'contracts/openapi')
  if (existsSync(dir)) {
    for (const name of execFileSync('ls', [dir]).toString().split('\n')) {
      if (!name.endsWith('.json')) continue
      const file = join(dir, name)
      try {
        const doc = JSON.parse(readFileSync(file, 'utf8')) as { paths?: Record<string, unknown> }
        if (doc.paths?.['/cgi-bin/meeting/create']) return file
      } catch {}
    }
  }
  return join(root, 'bench/peers/openapi.json')
}

async function startPrism(): Promise<{ url: string; process: ChildProcess; note: string } | { skipped: string }> {
  const bin = join(peersDir, 'node_modules/@stoplight/prism-cli/dist/index.js')
  if (!ensurePeer(bin, '@stoplight/prism-cli')) return { skipped: 'Prism: @stoplight/prism-cli could not be installed' }
  const port = await freePort()
  const doc = openApiDocument()
  const p = startProcess(node, [bin, 'mock', doc, '-h', '127.0.0.1', '-p', String(port), '-v', 'warn'])
  const url = `http://127.0.0.1:${port}`
  if (!(await waitForHttp(`${url}/cgi-bin/meeting/create`, 30_000, { method: 'POST' })))
    return { skipped: `Prism did not start: ${(p as unknown as { outputTail: string }).outputTail}` }
  const version = JSON.parse(
    readFileSync(join(peersDir, 'node_modules/@stoplight/prism-cli/package.json'), 'utf8'),
  ).version
  return { url, process: p, note: `Prism ${version} mocking ${doc.slice(root.length + 1)} (-v warn)` }
}

async function startWireMock(): Promise<{ url: string; process: ChildProcess; note: string } | { skipped: string }> {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' })
  } catch {
    return { skipped: 'WireMock: no java on this machine' }
  }
  const pkgDir = join(peersDir, 'node_modules/wiremock')
  if (!ensurePeer(join(pkgDir, 'package.json'), 'wiremock'))
    return { skipped: 'WireMock: the npm package "wiremock" (which ships the standalone jar) could not be installed' }
  const jar = execFileSync('ls', [join(pkgDir, 'build')])
    .toString()
    .split('\n')
    .find((f) => /^wiremock-standalone-.*\.jar$/.test(f))
  if (!jar) return { skipped: 'WireMock: no standalone jar in the npm package' }
  const port = await freePort()
  const p = startProcess('java', [
    '-jar',
    join(pkgDir, 'build', jar),
    '--port',
    String(port),
    '--bind-address',
    '127.0.0.1',
    '--root-dir',
    join(root, 'bench/peers/wiremock'),
    '--disable-banner',
  ])
  const url = `http://127.0.0.1:${port}`
  if (!(await waitForHttp(`${url}/__admin/health`, 60_000)))
    return { skipped: `WireMock did not start: ${(p as unknown as { outputTail: string }).outputTail}` }
  return {
    url,
    process: p,
    note: `WireMock ${jar.replace(/^wiremock-standalone-|\.jar$/g, '')} standalone (defaults, request journal on), one JSON-path stub`,
  }
}

// ---------------------------------------------------------------------------------------------- run

interface Row {
  target: string
  endpoint: EndpointName
  result: LoadResult
  rssMb: number | null
  /** Share of successful answers: the journal's last 1000 (stub) or the preflight (others, 0 or 100). */
  okPct: number
  notOkSample: string | null
}

function machine() {
  let cpu = cpus()[0]?.model ?? 'unknown'
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu
  } catch {}
  return { nproc: cpus().length, cpu, node: process.version, platform: `${process.platform} ${process.arch}` }
}

// ---------------------------------------------------------------------------------------------- console tab

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** CPU time a process has used (user + system), in milliseconds (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return Number.NaN
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return Number.NaN
  }
}

/** The journal's last seq: how many vendor requests the server has answered (the control plane is not journaled). */
async function lastSeq(url: string): Promise<number> {
  const page = (await (await fetch(`${url}/__mock/requests?limit=1`)).json()) as { entries: { seq: number }[] }
  return page.entries[0]?.seq ?? 0
}

interface ConsoleRound {
  /** Each the mean of two rounds, run interleaved (none, stream, tab, none, stream, tab) on one server. */
  without: LoadResult
  /** An event-stream subscriber in the bench process, no browser: the server's own share. */
  stream: LoadResult
  with: LoadResult
  /** Journal entries the page followed live, and its own reads of the server, while loaded. */
  eventsSeen: number
  consoleReads: number
  /**
   * The stub server's CPU time per vendor request answered (warm-up included), in microseconds: the hot
   * path's cost, with whatever serving the console added, and nothing of the neighbours' load.
   */
  cpuUsPerRequest: { without: number; stream: number; with: number }
}

/** Two load results as one: requests added, rates and latencies averaged. */
function mean(a: LoadResult, b: LoadResult): LoadResult {
  const avg = (x: number, y: number) => (x + y) / 2
  return {
    ...a,
    requests: a.requests + b.requests,
    seconds: a.seconds + b.seconds,
    rps: avg(a.rps, b.rps),
    p50: avg(a.p50, b.p50),
    p90: avg(a.p90, b.p90),
    p99: avg(a.p99, b.p99),
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    timeouts: a.timeouts + b.timeouts,
  }
}

/**
 * meeting/create on one fresh stub server with nothing watching, with a bare subscriber to
 * /__mock/events, and with a headless console tab on the overview (the landing page, which reloads on
 * every booking event), twice each, interleaved, so drift on the shared cores falls on all three alike.
 * The browser runs throughout (on about:blank when no tab is open), so only the open tab differs.
 */
async function consoleTabRound(
  configFile: string,
  base: { connections: number; warmupSeconds: number; durationSeconds: number },
): Promise<ConsoleRound | { skipped: string }> {
  if (!existsSync(CHROMIUM)) return { skipped: `console tab: no chromium at ${CHROMIUM} (apt-get install chromium)` }
  const { chromium } = await import('playwright-core')
  const stub = await startStub(configFile)
  const creds = await credentialsOf(stub.url)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    let consoleReads = 0
    page.on('request', (r) => {
      if (!r.url().includes('/__mock/ui/') && !r.url().endsWith('/__mock/events')) consoleReads++
    })
    let index = 50_000_000
    const cpu = { without: [0, 0], stream: [0, 0], with: [0, 0] }
    let mode: keyof typeof cpu = 'without'
    const run = async () => {
      const [c0, s0] = [cpuMs(stub.process.pid), await lastSeq(stub.url)]
      index += 5_000_000
      const result = await load({
        ...base,
        url: stub.url,
        endpoint: 'meeting.create',
        credentials: creds,
        startIndex: index,
      })
      const [c1, s1] = [cpuMs(stub.process.pid), await lastSeq(stub.url)]
      cpu[mode][0]! += c1 - c0
      cpu[mode][1]! += s1 - s0
      return result
    }
    const withStream = async () => {
      const ac = new AbortController()
      const r = await fetch(`${stub.url}/__mock/events`, { signal: ac.signal })
      const reader = r.body!.getReader()
      const drain = (async () => {
        try {
          while (!(await reader.read()).done) {}
        } catch {}
      })()
      try {
        return await run()
      } finally {
        ac.abort()
        await drain
      }
    }
    let eventsSeen = 0
    const withTab = async () => {
      await page.goto(`${stub.url}/__mock/ui/#/overview`)
      await page.locator('#live[data-state="live"]').waitFor({ timeout: 10_000 })
      const before = Number((await page.locator('#live').getAttribute('data-seq')) ?? 0)
      consoleReads = 0
      try {
        return await run()
      } finally {
        eventsSeen += Number((await page.locator('#live').getAttribute('data-seq')) ?? 0) - before
        await page.goto('about:blank')
      }
    }
    const results = { without: [] as LoadResult[], stream: [] as LoadResult[], with: [] as LoadResult[] }
    for (let i = 0; i < 2; i++) {
      mode = 'without'
      results.without.push(await run())
      mode = 'stream'
      results.stream.push(await withStream())
      mode = 'with'
      results.with.push(await withTab())
    }
    const perRequest = (m: keyof typeof cpu) => round((cpu[m][0]! * 1000) / cpu[m][1]!, 1)
    return {
      without: mean(results.without[0]!, results.without[1]!),
      stream: mean(results.stream[0]!, results.stream[1]!),
      with: mean(results.with[0]!, results.with[1]!),
      eventsSeen,
      consoleReads,
      cpuUsPerRequest: { without: perRequest('without'), stream: perRequest('stream'), with: perRequest('with') },
    }
  } finally {
    await browser.close()
    await stop(stub.process)
  }
}

// ---------------------------------------------------------------------------------------------- data dir

interface DataDirRound {
  /** Each the mean of two rounds, run in turn (memory, data dir, memory, data dir) on two servers started together. */
  memory: LoadResult
  dataDir: LoadResult
  /** Server CPU time per vendor request answered (warm-up included), in microseconds. */
  cpuUsPerRequest: { memory: number; dataDir: number }
  /** The database and its write-ahead log after the round, in MB. */
  fileMb: number
}

/** Bytes of the data directory's files (the database and its WAL). */
function dirMb(dir: string): number {
  let bytes = 0
  for (const name of readdirSync(dir)) bytes += statSync(join(dir, name)).size
  return round(bytes / 1e6, 1)
}

/**
 * meeting/create on a server in memory and on one with --data-dir (every create written through to SQLite
 * before it is answered; past wecom.maxMeetings each also deletes the oldest row), loaded in turn, twice
 * each, so drift on the shared cores falls on both alike.
 */
async function dataDirRound(
  configFile: string,
  base: { connections: number; warmupSeconds: number; durationSeconds: number },
): Promise<DataDirRound> {
  const dir = join(cache, 'bench-data-dir')
  rmSync(dir, { recursive: true, force: true })
  const memory = await startStub(configFile)
  const onDisk = await startStub(configFile, [], [`--data-dir=${dir}`])
  try {
    const servers = { memory, dataDir: onDisk }
    const creds = { memory: await credentialsOf(memory.url), dataDir: await credentialsOf(onDisk.url) }
    const cpu = { memory: [0, 0], dataDir: [0, 0] }
    const results = { memory: [] as LoadResult[], dataDir: [] as LoadResult[] }
    let index = 70_000_000
    for (let i = 0; i < 2; i++) {
      for (const mode of ['memory', 'dataDir'] as const) {
        const stub = servers[mode]
        const [c0, s0] = [cpuMs(stub.process.pid), await lastSeq(stub.url)]
        index += 5_000_000
        results[mode].push(
          await load({
            ...base,
            url: stub.url,
            endpoint: 'meeting.create',
            credentials: creds[mode],
            startIndex: index,
          }),
        )
        const [c1, s1] = [cpuMs(stub.process.pid), await lastSeq(stub.url)]
        cpu[mode][0]! += c1 - c0
        cpu[mode][1]! += s1 - s0
      }
    }
    const perRequest = (m: keyof typeof cpu) => round((cpu[m][0]! * 1000) / cpu[m][1]!, 1)
    return {
      memory: mean(results.memory[0]!, results.memory[1]!),
      dataDir: mean(results.dataDir[0]!, results.dataDir[1]!),
      cpuUsPerRequest: { memory: perRequest('memory'), dataDir: perRequest('dataDir') },
      fileMb: dirMb(dir),
    }
  } finally {
    await stop(memory.process)
    await stop(onDisk.process)
  }
}

async function main() {
  const skipped: string[] = []
  if (!flags['no-build']) {
    log('building (npm run build → dist/) …')
    build()
  }
  const configFile = benchConfig()
  const rows: Row[] = []
  const base = { connections, warmupSeconds: warmup, durationSeconds: duration }

  log('cold start (5 runs) …')
  const cold = await coldStart()
  let installed: InstalledColdStart | null = null
  if (flags['no-installed']) skipped.push('installed bin: --no-installed')
  else {
    log('installed bin cold start (npm pack, install into .cache/installed, 10 runs) …')
    const r = await installedColdStart()
    if ('skipped' in r) skipped.push(r.skipped)
    else installed = r
  }

  log('stub server …')
  const profArgs = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(cache, 'prof')}`] : []
  const stub = await startStub(configFile, profArgs)
  const creds = await credentialsOf(stub.url)
  for (const endpoint of ['meeting.create', 'schedule.add', 'feishu.send'] as const) {
    log(`  ${endpoint} …`)
    const pre = await preflight(stub.url, endpoint, creds)
    const result = await load({
      ...base,
      url: stub.url,
      endpoint,
      credentials: creds,
      startIndex: rows.length * 10_000_000,
    })
    const rss = rssMb(stub.process.pid)
    const check = await journalOk(stub.url, endpoint)
    rows.push({
      target: 'worksuite-mock',
      endpoint,
      result,
      rssMb: rss,
      okPct: check.okPct,
      notOkSample: pre ?? check.sample,
    })
  }
  await stop(stub.process)

  log('ceiling (bare node:http) …')
  const ceilingPort = await freePort()
  const ceiling = startProcess(node, [join(root, 'bench/ceiling.mjs'), String(ceilingPort)])
  await waitForHttp(`http://127.0.0.1:${ceilingPort}/`, 10_000, { method: 'POST', body: '{}' })
  const ceilingUrl = `http://127.0.0.1:${ceilingPort}`
  const ceilingPre = await preflight(ceilingUrl, 'meeting.create', creds)
  rows.push({
    target: 'node:http ceiling',
    endpoint: 'meeting.create',
    result: await load({ ...base, url: ceilingUrl, endpoint: 'meeting.create', credentials: creds }),
    rssMb: rssMb(ceiling.pid),
    okPct: ceilingPre ? 0 : 100,
    notOkSample: ceilingPre,
  })
  await stop(ceiling)

  const notes: string[] = [
    `stub server: node ${[...serverNodeFlags(), 'dist/src/cli.js'].join(' ')} (the flags of its shebang)`,
  ]
  if (flags['no-peers']) skipped.push('Prism and WireMock: --no-peers')
  else {
    for (const [name, starter] of [
      ['Prism', startPrism],
      ['WireMock', startWireMock],
    ] as const) {
      log(`${name} …`)
      const peer = await starter()
      if ('skipped' in peer) {
        skipped.push(peer.skipped)
        log(`  skipped: ${peer.skipped}`)
        continue
      }
      notes.push(peer.note)
      // The JVM needs longer to reach steady state: WireMock gets twice the warm-up.
      const peerWarmup = name === 'WireMock' ? warmup * 2 : warmup
      const pre = await preflight(peer.url, 'meeting.create', creds)
      const result = await load({
        ...base,
        warmupSeconds: peerWarmup,
        url: peer.url,
        endpoint: 'meeting.create',
        credentials: creds,
      })
      const rss = rssMb(peer.process.pid)
      rows.push({
        target: name,
        endpoint: 'meeting.create',
        result,
        rssMb: rss,
        okPct: pre ? 0 : 100,
        notOkSample: pre,
      })
      await stop(peer.process)
    }
  }

  let msw: { ours: number; trivial: number; ratio: number } | null = null
  if (flags['no-msw']) skipped.push('MSW path: --no-msw')
  else {
    log('MSW path …')
    const ours = JSON.parse(await runNode('msw.ts', ['ours', String(duration), String(warmup)])) as {
      rps: number
      notOk: number
    }
    const trivial = JSON.parse(await runNode('msw.ts', ['trivial', String(duration), String(warmup)])) as {
      rps: number
    }
    msw = { ours: Math.round(ours.rps), trivial: Math.round(trivial.rps), ratio: round(ours.rps / trivial.rps, 2) }
    if (ours.notOk > 0) notes.push(`MSW path: ${ours.notOk} of our answers were not errcode 0`)
  }

  let consoleTab: ConsoleRound | null = null
  if (flags['no-console']) skipped.push('console tab: --no-console')
  else {
    log('meeting.create without, then with a console tab open …')
    const round = await consoleTabRound(configFile, base)
    if ('skipped' in round) skipped.push(round.skipped)
    else {
      consoleTab = round
      for (const [target, result] of [
        ['worksuite-mock, no console', round.without],
        ['worksuite-mock + event stream', round.stream],
        ['worksuite-mock + console tab', round.with],
      ] as const)
        rows.push({ target, endpoint: 'meeting.create', result, rssMb: null, okPct: 100, notOkSample: null })
      notes.push(
        `console tab: the page followed ${round.eventsSeen} journal entries live and read the server ${round.consoleReads} times while loaded`,
      )
    }
  }

  let dataDir: DataDirRound | null = null
  if (flags['no-data-dir']) skipped.push('data dir: --no-data-dir')
  else {
    log('meeting.create in memory, then with --data-dir, in turn …')
    dataDir = await dataDirRound(configFile, base)
    for (const [target, result] of [
      ['worksuite-mock, in memory', dataDir.memory],
      ['worksuite-mock --data-dir', dataDir.dataDir],
    ] as const)
      rows.push({ target, endpoint: 'meeting.create', result, rssMb: null, okPct: 100, notOkSample: null })
  }

  let long: { requests: number; rps: number; rssMb: number | null; lastOkPct: number } | null = null
  if (!flags['no-long']) {
    log(`long run: ${longRequests.toLocaleString('en')} meeting/create requests on a fresh stub server …`)
    const fresh = await startStub(configFile)
    const c = await credentialsOf(fresh.url)
    const r = await load({
      connections,
      warmupSeconds: 0,
      amount: longRequests,
      url: fresh.url,
      endpoint: 'meeting.create',
      credentials: c,
    })
    await new Promise((res) => setTimeout(res, 1000))
    const check = await journalOk(fresh.url, 'meeting.create')
    long = { requests: r.requests, rps: Math.round(r.rps), rssMb: rssMb(fresh.process.pid), lastOkPct: check.okPct }
    await stop(fresh.process)
  }

  report({ rows, cold, installed, msw, long, consoleTab, dataDir, skipped, notes })
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

function report(input: {
  rows: Row[]
  cold: { medianMs: number; runsMs: number[] }
  installed: InstalledColdStart | null
  msw: { ours: number; trivial: number; ratio: number } | null
  long: { requests: number; rps: number; rssMb: number | null; lastOkPct: number } | null
  consoleTab: ConsoleRound | null
  dataDir: DataDirRound | null
  skipped: string[]
  notes: string[]
}) {
  const { rows } = input
  const find = (target: string) => rows.find((r) => r.target === target && r.endpoint === 'meeting.create')?.result.rps
  const ceiling = find('node:http ceiling')
  const prism = find('Prism')
  const wiremock = find('WireMock')
  const ratio = (a: number, b: number | undefined) => (b ? round(a / b, 2) : null)
  const table = rows.map((r) => ({
    target: r.target,
    endpoint: r.endpoint,
    rps: Math.round(r.result.rps),
    p50Ms: round(r.result.p50, 3),
    p99Ms: round(r.result.p99, 3),
    rssMb: r.rssMb,
    okPct: r.okPct,
    vsCeiling: ratio(r.result.rps, ceiling),
    vsPrism: ratio(r.result.rps, prism),
    vsWireMock: ratio(r.result.rps, wiremock),
    non2xx: r.result.non2xx,
    errors: r.result.errors + r.result.timeouts,
    ...(r.notOkSample ? { notOkSample: r.notOkSample } : {}),
  }))
  const ours = rows.find((r) => r.target === 'worksuite-mock' && r.endpoint === 'meeting.create')!.result
  const targets = {
    'meeting.create ≥ 0.5 × ceiling': ceiling ? ours.rps / ceiling >= 0.5 : null,
    'meeting.create ≥ 5 × WireMock': wiremock ? ours.rps / wiremock >= 5 : null,
    'meeting.create ≥ 8 × Prism': prism ? ours.rps / prism >= 8 : null,
    'meeting.create p99 < 2 ms': ours.p99 < 2,
    'cold start < 250 ms': input.cold.medianMs < 250,
    'installed bin cold start < 300 ms (median)': input.installed ? input.installed.medianMs < 300 : null,
    [`RSS < 200 MB after ${input.long?.requests.toLocaleString('en') ?? '?'} requests`]:
      input.long?.rssMb != null ? input.long.rssMb < 200 : null,
    // Run to run, the same round varies by a few percent on shared cores: 0.95 is "does not drop".
    'meeting.create with a console tab ≥ 0.95 × without': input.consoleTab
      ? input.consoleTab.with.rps / input.consoleTab.without.rps >= 0.95
      : null,
    'server CPU per meeting.create with a console tab ≤ 1.05 × without': input.consoleTab
      ? input.consoleTab.cpuUsPerRequest.with <= 1.05 * input.consoleTab.cpuUsPerRequest.without
      : null,
  }
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    settings: { connections, warmupSeconds: warmup, durationSeconds: duration, longRequests },
    table,
    coldStart: { medianMs: round(input.cold.medianMs, 1), runsMs: input.cold.runsMs },
    installedBinColdStart: input.installed,
    longRun: input.long,
    msw: input.msw,
    consoleTab: input.consoleTab
      ? {
          withoutRps: Math.round(input.consoleTab.without.rps),
          streamRps: Math.round(input.consoleTab.stream.rps),
          withRps: Math.round(input.consoleTab.with.rps),
          ratio: round(input.consoleTab.with.rps / input.consoleTab.without.rps, 3),
          withoutP99Ms: round(input.consoleTab.without.p99, 3),
          withP99Ms: round(input.consoleTab.with.p99, 3),
          eventsSeen: input.consoleTab.eventsSeen,
          consoleReads: input.consoleTab.consoleReads,
          serverCpuUsPerRequest: input.consoleTab.cpuUsPerRequest,
        }
      : null,
    dataDir: input.dataDir
      ? {
          memoryRps: Math.round(input.dataDir.memory.rps),
          dataDirRps: Math.round(input.dataDir.dataDir.rps),
          ratio: round(input.dataDir.dataDir.rps / input.dataDir.memory.rps, 3),
          memoryP99Ms: round(input.dataDir.memory.p99, 3),
          dataDirP99Ms: round(input.dataDir.dataDir.p99, 3),
          serverCpuUsPerRequest: input.dataDir.cpuUsPerRequest,
          fileMb: input.dataDir.fileMb,
        }
      : null,
    targets,
    notes: input.notes,
    skipped: input.skipped,
  }
  mkdirSync(dirname(flags.out!), { recursive: true })
  writeFileSync(flags.out!, `${JSON.stringify(result, null, 2)}\n`)

  const cols = [
    'target',
    'endpoint',
    'req/s',
    'p50 ms',
    'p99 ms',
    'RSS MB',
    'ok %',
    '×ceiling',
    '×Prism',
    '×WireMock',
  ] as const
  const lines = table.map((t) => [
    t.target,
    t.endpoint,
    String(t.rps),
    t.p50Ms.toFixed(2),
    t.p99Ms.toFixed(2),
    t.rssMb === null ? '-' : String(t.rssMb),
    String(t.okPct),
    t.vsCeiling === null ? '-' : t.vsCeiling.toFixed(2),
    t.vsPrism === null ? '-' : t.vsPrism.toFixed(2),
    t.vsWireMock === null ? '-' : t.vsWireMock.toFixed(2),
  ])
  const widths = cols.map((c, i) => Math.max(c.length, ...lines.map((l) => l[i]!.length)))
  const fmt = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  const m = result.machine
  const out = [
    '',
    `worksuite-mock bench — ${m.nproc} × ${m.cpu}, Node ${m.node}, ${connections} connections, ${warmup} s warm-up, ${duration} s each`,
    '',
    fmt(cols),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...lines.map(fmt),
    '',
    `cold start to first answer: ${result.coldStart.medianMs} ms (median of ${input.cold.runsMs.join(', ')} ms)`,
    input.installed
      ? `installed bin (node_modules/.bin/worksuite-mock) to its first /__mock/health: min ${input.installed.minMs} ms, median ${input.installed.medianMs} ms (${input.installed.runsMs.join(', ')} ms)`
      : 'installed bin cold start: skipped',
    input.long
      ? `long run: ${input.long.requests.toLocaleString('en')} meeting/create at ${input.long.rps} req/s → RSS ${input.long.rssMb} MB (last 1000: ${input.long.lastOkPct} % ok)`
      : 'long run: skipped',
    input.msw
      ? `MSW path: setupServer with our handlers ${input.msw.ours} req/s, with a trivial handler ${input.msw.trivial} req/s (${input.msw.ratio} ×)`
      : 'MSW path: skipped',
    input.consoleTab
      ? `console tab: meeting/create ${Math.round(input.consoleTab.with.rps)} req/s with a console tab open, ${Math.round(input.consoleTab.stream.rps)} with only its event stream, ${Math.round(input.consoleTab.without.rps)} without (${round(input.consoleTab.with.rps / input.consoleTab.without.rps, 3)} ×, ${round(input.consoleTab.stream.rps / input.consoleTab.without.rps, 3)} ×)`
      : 'console tab: skipped',
    ...(input.consoleTab
      ? [
          `console tab: server CPU per meeting/create ${input.consoleTab.cpuUsPerRequest.with} µs with a console tab open, ${input.consoleTab.cpuUsPerRequest.stream} µs with only its event stream, ${input.consoleTab.cpuUsPerRequest.without} µs without`,
        ]
      : []),
    input.dataDir
      ? `data dir: meeting/create ${Math.round(input.dataDir.dataDir.rps)} req/s with --data-dir, ${Math.round(input.dataDir.memory.rps)} in memory (${round(input.dataDir.dataDir.rps / input.dataDir.memory.rps, 3)} ×; p99 ${round(input.dataDir.dataDir.p99, 2)} ms against ${round(input.dataDir.memory.p99, 2)} ms); server CPU per request ${input.dataDir.cpuUsPerRequest.dataDir} µs against ${input.dataDir.cpuUsPerRequest.memory} µs; ${input.dataDir.fileMb} MB on disk`
      : 'data dir: skipped',
    ...input.notes.map((n) => `note: ${n}`),
    ...input.skipped.map((s) => `skipped: ${s}`),
    '',
    'targets:',
    ...Object.entries(targets).map(([k, v]) => `  ${v === null ? '?' : v ? 'met ' : 'MISS'}  ${k}`),
    '',
    `written to ${flags.out!.slice(root.length + 1)}`,
    '',
  ]
  process.stdout.write(out.join('\n'))
  const failed = table.filter((t) => t.okPct < 100)
  if (failed.length) {
    log(
      `\nnot every answer was a success on: ${failed.map((f) => `${f.target} ${f.endpoint}`).join(', ')} (see notOkSample in the JSON)`,
    )
  }
}

await main()
process.exit(0)
