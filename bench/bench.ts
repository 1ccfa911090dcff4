/**
 * `npm run bench`: builds, starts the compiled stub server as its bin runs (the shebang's Node flags), and
 * loads it from a separate process on loopback (autocannon, 10 connections, after a warm-up) on seven paths:
 * WeCom meeting/create, meeting/update, oa/schedule/add, exmail/app/compose_send (the doc's example), the
 * Feishu mail send, and a bad token on each vendor, with valid, distinct requests. Each path is measured in
 * alternating rounds against the ceiling (a bare node:http server that parses the same body, bench/ceiling.mjs),
 * so drift on shared cores falls on both alike: the ratio is what counts. In the same run: cold starts (wall
 * and CPU to the first answer, 10 alternating rounds of dist/src/cli.js, the ceiling and the installed bin,
 * `npm pack` installed into .cache/installed, with a filled and an empty compile cache), the core's µs per
 * request with empty
 * and full stores (bench/core.ts), the MSW path per round with its RSS (bench/msw.ts), Prism and WireMock on
 * meeting/create (fetched into .cache/peers, never dependencies; skipped with a note when they cannot be had),
 * a web console tab open (headless Debian chromium), meeting/create with and without --data-dir (two servers,
 * loaded in turn), and RSS after a long run. Prints the tables and writes bench/results/latest.json.
 *
 *   npm run bench                       3 rounds of 3 s per path and target, long run of 100,000 requests
 *   npm run bench -- --full             5 rounds of 5 s, and a long run of 1,000,000 requests (the RSS target)
 *   npm run bench -- --rounds=5 --duration=5 --warmup=3 --long=250000 --connections=10
 *   npm run bench -- --paths=meeting.create,compose_send --no-peers --no-msw --no-core --no-long --no-console
 *   npm run bench -- --flag-sweep      every candidate Node flag set as its own server, rounds alternating
 *   npm run bench -- --flag-sweep --candidates="|--max-semi-space-size=2"   only these sets (empty: none)
 *   npm run bench -- --node-flags="--max-semi-space-size=4"   the stub server with these flags, not the shebang's
 *   npm run bench -- --baseline=.cache/baseline/dist   an older build kept aside, as one more target (before/after);
 *                                       several: --baseline=issue-start=DIR,last-stop=DIR
 *   npm run bench -- --no-build --cpu-prof (profile the stub server into .cache/prof)
 *   npm run bench -- --no-installed    skip packing and installing the tarball
 *   npm run bench -- --no-console      (skip the console-tab round; it is skipped anyway without chromium)
 *   npm run bench -- --no-data-dir     skip the --data-dir round
 *   npm run bench -- --pin             servers on CPU 0, the load generator on CPU 1 (taskset)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { build } from '../scripts/build.ts'
import { childEnv, installInto, packTarball } from '../scripts/scratch-package.ts'
import type { LoadJob, LoadResult } from './load.ts'
import { cpuMs, rssMb } from './proc.ts'
import { builders, type Credentials, ENDPOINTS, type EndpointName, EXPECTED_CODE, PATHS } from './requests.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cache = join(root, '.cache')
const peersDir = join(cache, 'peers')
const node = process.execPath

const { values: flags } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string', default: '2' },
    long: { type: 'string' },
    connections: { type: 'string', default: '10' },
    paths: { type: 'string' },
    'node-flags': { type: 'string' },
    'flag-sweep': { type: 'boolean', default: false },
    /** With --flag-sweep: the candidate sets, separated by `|` (`""` for none), instead of FLAG_CANDIDATES. */
    candidates: { type: 'string' },
    baseline: { type: 'string' },
    'no-peers': { type: 'boolean', default: false },
    'no-msw': { type: 'boolean', default: false },
    'no-core': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'no-long': { type: 'boolean', default: false },
    'no-installed': { type: 'boolean', default: false },
    'no-console': { type: 'boolean', default: false },
    'no-data-dir': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    /** Servers on one core and the load generator on the other (taskset), as the issue's figures were taken. */
    pin: { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'bench', 'results', 'latest.json') },
  },
})
const rounds = Number(flags.rounds ?? (flags.full ? 5 : 3))
const duration = Number(flags.duration ?? (flags.full ? 5 : 3))
const warmup = Number(flags.warmup)
const connections = Number(flags.connections)
const longRequests = Number(flags.long ?? (flags.full ? 1_000_000 : 100_000))
const paths: EndpointName[] = flags.paths
  ? (flags.paths.split(',').map((p) => p.trim()) as EndpointName[])
  : [...ENDPOINTS]
for (const p of paths) if (!ENDPOINTS.includes(p)) throw new Error(`--paths: no path "${p}" (${ENDPOINTS.join(', ')})`)

const log = (s: string) => process.stderr.write(`${s}\n`)

/**
 * With --pin, where the loaded rounds run: every server (ours, the ceiling, the peers) on CPU 0 and the load
 * generator on CPU 1, so the two never take turns on one core. Not the default: on a shared machine the
 * pinned server cannot move off a core something else is using, and that cost it more than the turns
 * (compose_send 0.14 × ceiling pinned against 0.39 unpinned, p99 no lower, in one run with other work on
 * the machine). Needs `taskset` and two cores.
 */
const pinning = (() => {
  if (!flags.pin || cpus().length < 2) return null
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' })
    return { server: '0', load: '1' }
  } catch {
    return null
  }
})()

/** `cmd args` on the given CPU (taskset execs the command, so the pid is still the command's own). */
function onCpu(cpu: string | undefined, cmd: string, args: string[]): [string, string[]] {
  return cpu === undefined ? [cmd, args] : ['taskset', ['-c', cpu, cmd, ...args]]
}

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

function runNode(script: string, args: string[], nodeArgs: string[] = [], cpu?: string): Promise<string> {
  return new Promise((res, rej) => {
    const p = spawn(...onCpu(cpu, node, [...nodeArgs, join(root, 'bench', script), ...args]), {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
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
  return JSON.parse(await runNode('load.ts', [JSON.stringify(job)], [], pinning?.load)) as LoadResult
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
function shebangFlags(): string[] {
  const first = readFileSync(join(root, 'dist/src/cli.js'), 'utf8').split('\n', 1)[0] ?? ''
  const m = first.match(/^#!\/usr\/bin\/env -S node (.*)$/)
  return m ? m[1]!.trim().split(/\s+/) : []
}

/** The flags the stub servers of this run get: `--node-flags` when given, else the shebang's. */
function serverNodeFlags(): string[] {
  if (flags['node-flags'] !== undefined) return flags['node-flags'].split(/\s+/).filter(Boolean)
  return shebangFlags()
}

/**
 * The flag sets `--flag-sweep` compares, each a server of its own in the same rounds: none (V8's defaults),
 * young generations of 1, 2, 4, 8 and 16 MB semi-spaces, and garbage collection on the main thread only
 * (on two shared cores the helper threads compete with the loader).
 */
const FLAG_CANDIDATES: string[][] = [
  [],
  ['--max-semi-space-size=1'],
  ['--max-semi-space-size=2'],
  ['--max-semi-space-size=4'],
  ['--max-semi-space-size=8'],
  ['--max-semi-space-size=16'],
  ['--single-threaded-gc'],
]

async function startStub(
  configFile: string,
  nodeFlags: string[] = serverNodeFlags(),
  extra: string[] = [],
  distDir = join(root, 'dist'),
  /** Arguments of the stub server's own, after the bench's. */
  extraArgs: string[] = [],
): Promise<Stub> {
  const port = await freePort()
  const p = startProcess(
    ...onCpu(pinning?.server, node, [
      ...nodeFlags,
      ...extra,
      join(distDir, 'src/cli.js'),
      `--port=${port}`,
      '--quiet',
      `--config=${configFile}`,
      '--faker-seed=1',
      ...extraArgs,
    ]),
  )
  const url = `http://127.0.0.1:${port}`
  if (!(await waitForHttp(`${url}/__mock/clock`, 10_000))) {
    throw new Error(`the stub server did not start: ${(p as unknown as { outputTail: string }).outputTail}`)
  }
  return { url, process: p }
}

/** The seed's credentials and the server's clock. */
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

/**
 * Ten meetings for meeting/update to change, booked just before its rounds (the create rounds before them
 * book past the store's cap, which lets earlier meetings go).
 */
async function bookForUpdate(url: string, creds: Credentials): Promise<void> {
  const ids: string[] = []
  for (let k = 0; k < 10; k++) {
    const req = builders['meeting.create'](creds, 990_000_000 + k)
    const res = await fetch(url + req.path, { method: 'POST', headers: req.headers, body: req.body })
    const { meetingid } = (await res.json()) as { meetingid?: string }
    if (meetingid) ids.push(meetingid)
  }
  creds.meetingIds = ids
}

interface ColdStart {
  minMs: number
  medianMs: number
  runsMs: number[]
  /** The process's CPU time (every thread) from spawn to its first answer: steadier than wall on shared cores. */
  cpuMinMs: number
  cpuMedianMs: number
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length / 2
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function coldStats(runs: { ms: number; cpuMs: number }[]): ColdStart {
  const wall = runs.map((r) => r.ms)
  const cpu = runs.map((r) => r.cpuMs)
  return {
    minMs: round(Math.min(...wall), 1),
    medianMs: round(median(wall), 1),
    runsMs: wall.map((r) => Math.round(r)),
    cpuMinMs: round(Math.min(...cpu), 1),
    cpuMedianMs: round(median(cpu), 1),
  }
}

/** CPU time a live process has used, every thread, in ms at nanosecond resolution (/proc/<pid>/task/∗/schedstat). */
function threadsCpuMs(pid: number | undefined): number {
  if (!pid) return Number.NaN
  let ns = 0
  try {
    for (const task of readdirSync(`/proc/${pid}/task`))
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
  } catch {
    return cpuMs(pid)
  }
  return ns / 1e6
}

/** Spawns `cmd` and waits for the first 200 of `url` (any answer with `anyStatus`); the time and CPU from spawn to it. */
async function timeToFirstAnswer(
  cmd: string,
  args: string[],
  url: string,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; anyStatus?: boolean } = {},
): Promise<{ ms: number; cpuMs: number } | { failed: string }> {
  const t0 = performance.now()
  const p = startProcess(cmd, args, opts)
  let answered = false
  let cpu = Number.NaN
  while (!answered && performance.now() - t0 < 10_000) {
    try {
      const status = (await fetch(url)).status
      answered = status === 200 || opts.anyStatus === true
      if (answered) cpu = threadsCpuMs(p.pid)
    } catch {
      await new Promise((r) => setTimeout(r, 1))
    }
  }
  const ms = performance.now() - t0
  await stop(p)
  return answered ? { ms, cpuMs: cpu } : { failed: (p as unknown as { outputTail: string }).outputTail }
}

interface ColdTarget {
  name: string
  /** The command, given a free port; `fresh` is a new empty directory for this run only. */
  command: (
    port: number,
    fresh: string,
  ) => { cmd: string; args: string[]; url: string; cwd?: string; env?: NodeJS.ProcessEnv; anyStatus?: boolean }
  runs: { ms: number; cpuMs: number }[]
  failed?: string
}

/**
 * Cold starts, 10 rounds, the targets alternating within each round (drift on shared cores falls on all
 * alike): `node <shebang flags> dist/src/cli.js`, the ceiling (a bare node:http server, the floor any Node
 * server's cold start stands on), and unless --no-installed the bin as a user starts it: this checkout's
 * `npm pack`, installed into .cache/installed, run as `node_modules/.bin/worksuite-mock` (its shebang, `env -S
 * node …`, finds this Node first on PATH), once with Node's compile cache as a user's later starts find it
 * (the first run fills it) and once with an empty cache every time (a first-ever start). Each from spawn to
 * its first 200 on /__mock/health.
 */
async function coldStarts(): Promise<{
  cold: ColdStart | null
  ceilingCold: ColdStart | null
  installed: ColdStart | null
  installedEmptyCache: ColdStart | null
  skipped: string[]
}> {
  const skipped: string[] = []
  const health = (port: number) => `http://127.0.0.1:${port}/__mock/health`
  const targets: ColdTarget[] = [
    {
      name: 'dist/src/cli.js',
      command: (port) => ({
        cmd: node,
        args: [...shebangFlags(), join(root, 'dist/src/cli.js'), `--port=${port}`, '--quiet'],
        url: health(port),
      }),
      runs: [],
    },
    {
      name: 'the ceiling',
      command: (port) => ({
        cmd: node,
        args: [join(root, 'bench/ceiling.mjs'), String(port)],
        url: `http://127.0.0.1:${port}/`,
        anyStatus: true,
      }),
      runs: [],
    },
  ]
  if (flags['no-installed']) skipped.push('installed bin: --no-installed')
  else {
    const dir = join(cache, 'installed')
    try {
      rmSync(dir, { recursive: true, force: true })
      const { file } = packTarball(join(cache, 'package'), { build: false })
      installInto(dir, file)
      const bin = join(dir, 'node_modules/.bin/worksuite-mock')
      const installedTarget = (name: string, emptyCache: boolean): ColdTarget => ({
        name,
        command: (port, fresh) => ({
          cmd: bin,
          args: [`--port=${port}`, '--quiet'],
          url: health(port),
          cwd: dir,
          env: childEnv(emptyCache ? { NODE_COMPILE_CACHE: fresh } : {}),
        }),
        runs: [],
      })
      targets.push(installedTarget('installed bin', false), installedTarget('installed bin, empty compile cache', true))
    } catch (e) {
      skipped.push(`installed bin: npm pack or install failed: ${(e as Error).message.split('\n')[0]}`)
    }
  }
  const freshRoot = join(cache, 'compile-cache')
  for (let round = 0; round < 10; round++)
    for (const t of targets) {
      if (t.failed) continue
      const fresh = join(freshRoot, String(round))
      rmSync(fresh, { recursive: true, force: true })
      const { cmd, args, url, ...opts } = t.command(await freePort(), fresh)
      const r = await timeToFirstAnswer(cmd, args, url, opts)
      rmSync(fresh, { recursive: true, force: true })
      if ('failed' in r) t.failed = `${t.name} did not answer: ${r.failed}`
      else t.runs.push(r)
    }
  const stats = (name: string) => {
    const t = targets.find((x) => x.name === name)
    if (t?.failed) skipped.push(t.failed)
    return t && !t.failed ? coldStats(t.runs) : null
  }
  return {
    cold: stats('dist/src/cli.js'),
    ceilingCold: stats('the ceiling'),
    installed: stats('installed bin'),
    installedEmptyCache: stats('installed bin, empty compile cache'),
    skipped,
  }
}

/**
 * Three requests sent before the load, whose answers must be the path's expected code: the loader does not
 * read bodies (that would halve what it can send), so this is how a peer's stub and our own routes are
 * shown to work.
 */
async function preflight(url: string, endpoint: EndpointName, creds: Credentials): Promise<string | null> {
  const expected = new RegExp(`"(?:errcode|code)":${EXPECTED_CODE[endpoint]}[,}]`)
  for (let k = 0; k < 3; k++) {
    const req = builders[endpoint](creds, 900_000_000 + k)
    const res = await fetch(url + req.path, { method: 'POST', headers: req.headers, body: req.body })
    const text = await res.text()
    if (!expected.test(text)) return `${res.status} ${text.slice(0, 300)}`
  }
  return null
}

/** The share of expected answers among the last the stub server's journal keeps for a path. */
async function journalOk(url: string, endpoint: EndpointName): Promise<{ okPct: number; sample: string | null }> {
  const page = (await (
    await fetch(`${url}/__mock/requests?path=${encodeURIComponent(PATHS[endpoint])}&limit=1000`)
  ).json()) as {
    entries: { code: number | null; responseBody: string }[]
  }
  const bad = page.entries.filter((e) => e.code !== EXPECTED_CODE[endpoint])
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
  const p = startProcess(
    ...onCpu(pinning?.server, node, [bin, 'mock', doc, '-h', '127.0.0.1', '-p', String(port), '-v', 'warn']),
  )
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
  const p = startProcess(
    ...onCpu(pinning?.server, 'java', [
      '-jar',
      join(pkgDir, 'build', jar),
      '--port',
      String(port),
      '--bind-address',
      '127.0.0.1',
      '--root-dir',
      join(root, 'bench/peers/wiremock'),
      '--disable-banner',
    ]),
  )
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
// ---------------------------------------------------------------------------------------------- the seven paths

interface Target {
  name: string
  url: string
  process: ChildProcess
  /** The stub server's own credentials (the ceiling answers anything). */
  creds: Credentials
  ceiling: boolean
}

interface Round {
  rps: number
  p50: number
  p99: number
  /** The server's CPU per answer (all its threads), µs: a neighbour's load does not inflate it. */
  cpuUs: number | null
  non2xx: number
  errors: number
}

interface PathRow {
  endpoint: EndpointName
  target: string
  rounds: Round[]
  rps: number
  p50Ms: number
  p99Ms: number
  cpuUsPerRequest: number | null
  /** The mean over rounds of this target's req/s over the ceiling's in the same round. */
  vsCeiling: number | null
  /** The ceiling's CPU per answer over this target's: the same ratio read from CPU time, not from req/s. */
  cpuVsCeiling: number | null
  rssMb: number | null
  okPct: number
  notOkSample: string | null
}

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

/**
 * Every path on every target, the targets taking turns round by round (stub, ceiling, stub, ceiling, …):
 * a burst of load from a neighbour falls on both. Each target warms up once per path.
 */
async function measurePaths(targets: Target[], endpoints: EndpointName[]): Promise<PathRow[]> {
  const rows: PathRow[] = []
  for (const [e, endpoint] of endpoints.entries()) {
    log(`  ${endpoint} …`)
    const pre = new Map<Target, string | null>()
    if (endpoint === 'meeting.update') for (const t of targets) if (!t.ceiling) await bookForUpdate(t.url, t.creds)
    for (const t of targets) pre.set(t, t.ceiling ? null : await preflight(t.url, endpoint, t.creds))
    const byTarget = new Map<Target, Round[]>(targets.map((t) => [t, []]))
    for (let r = 0; r < rounds; r++) {
      for (const [k, t] of targets.entries()) {
        const result = await load({
          connections,
          warmupSeconds: r === 0 ? warmup : 0.5,
          durationSeconds: duration,
          url: t.url,
          endpoint,
          credentials: t.creds,
          startIndex: e * 100_000_000 + (r * targets.length + k) * 2_000_000,
          serverPid: t.process.pid,
        })
        byTarget.get(t)!.push({
          rps: result.rps,
          p50: result.p50,
          p99: result.p99,
          cpuUs: result.serverCpuUs,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
        })
      }
    }
    const ceiling = targets.find((t) => t.ceiling)
    const ceilingRounds = ceiling ? byTarget.get(ceiling)! : undefined
    for (const t of targets) {
      const rs = byTarget.get(t)!
      const check = t.ceiling ? { okPct: pre.get(t) ? 0 : 100, sample: null } : await journalOk(t.url, endpoint)
      const cpus = rs.map((x) => x.cpuUs).filter((x): x is number => x !== null)
      const ceilingCpus = ceilingRounds?.map((x) => x.cpuUs).filter((x): x is number => x !== null) ?? []
      rows.push({
        endpoint,
        target: t.name,
        rounds: rs,
        rps: Math.round(avg(rs.map((x) => x.rps))),
        p50Ms: round(avg(rs.map((x) => x.p50)), 3),
        p99Ms: round(avg(rs.map((x) => x.p99)), 3),
        cpuUsPerRequest: cpus.length ? round(avg(cpus), 1) : null,
        vsCeiling: ceilingRounds ? round(avg(rs.map((x, i) => x.rps / ceilingRounds[i]!.rps)), 2) : null,
        cpuVsCeiling: cpus.length && ceilingCpus.length ? round(avg(ceilingCpus) / avg(cpus), 2) : null,
        rssMb: rssMb(t.process.pid),
        okPct: check.okPct,
        notOkSample: pre.get(t) ?? check.sample,
      })
    }
  }
  return rows
}

async function startCeiling(): Promise<Target> {
  const port = await freePort()
  const p = startProcess(...onCpu(pinning?.server, node, [join(root, 'bench/ceiling.mjs'), String(port)]))
  const url = `http://127.0.0.1:${port}`
  if (!(await waitForHttp(`${url}/`, 10_000, { method: 'POST', body: '{}' })))
    throw new Error('the ceiling did not start')
  return {
    name: 'node:http ceiling',
    url,
    process: p,
    creds: { wecomToken: 'x', feishuUserToken: 'x', now: 0 },
    ceiling: true,
  }
}

// ---------------------------------------------------------------------------------------------- core and MSW

interface CoreRow {
  endpoint: EndpointName
  emptyUs: number
  fullUs: number
  /** full / empty: what kept state costs per request (target ≤ 1.2). */
  ratio: number
  rounds: { empty: number; full: number }[]
}

/** bench/core.ts per path, empty and full stores taking turns, each in a process of its own with the server's flags. */
async function coreRounds(endpoints: EndpointName[]): Promise<CoreRow[]> {
  const rows: CoreRow[] = []
  for (const endpoint of endpoints) {
    log(`  ${endpoint} …`)
    const rs: { empty: number; full: number }[] = []
    for (let r = 0; r < rounds; r++) {
      const one = async (mode: 'empty' | 'full') => {
        const out = JSON.parse(await runNode('core.ts', [endpoint, mode, '20000'], serverNodeFlags())) as {
          usPerRequest: number
          notOk: number
        }
        if (out.notOk > 0)
          throw new Error(`bench/core.ts ${endpoint} ${mode}: ${out.notOk} answers were not the expected code`)
        return out.usPerRequest
      }
      const empty = await one('empty')
      const full = await one('full')
      rs.push({ empty: round(empty, 1), full: round(full, 1) })
    }
    const emptyUs = avg(rs.map((x) => x.empty))
    const fullUs = avg(rs.map((x) => x.full))
    rows.push({
      endpoint,
      emptyUs: round(emptyUs, 1),
      fullUs: round(fullUs, 1),
      ratio: round(fullUs / emptyUs, 2),
      rounds: rs,
    })
  }
  return rows
}

interface MswRound {
  ours: number
  trivial: number
  ratio: number
  /** The trivial handler's CPU per request over ours: the same ratio, steadier on shared cores. */
  cpuRatio: number
  oursRssMb: number
  trivialRssMb: number
  /** Heap still held after a full GC, per request measured: what MSW (or we) kept. */
  oursRetainedBytesPerRequest: number
  trivialRetainedBytesPerRequest: number
}

interface MswResult {
  rounds: MswRound[]
  ratio: number
  cpuRatio: number
  /** bench/msw-retention.ts: MSW's own retention with a trivial handler, and the workaround. */
  retention: Record<string, number> | null
  ours: number
  trivial: number
  notOk: number
}

async function mswRounds(): Promise<MswResult> {
  const out: MswRound[] = []
  let notOk = 0
  for (let r = 0; r < rounds; r++) {
    const run = async (kind: string) =>
      JSON.parse(await runNode('msw.ts', [kind, String(duration), String(Math.min(warmup, 1))], ['--expose-gc'])) as {
        rps: number
        notOk: number
        rssMb: number
        cpuUsPerRequest: number
        retainedBytesPerRequest: number
      }
    const ours = await run('ours')
    const trivial = await run('trivial')
    notOk += ours.notOk
    out.push({
      ours: Math.round(ours.rps),
      trivial: Math.round(trivial.rps),
      ratio: round(ours.rps / trivial.rps, 2),
      cpuRatio: round(trivial.cpuUsPerRequest / ours.cpuUsPerRequest, 2),
      oursRssMb: ours.rssMb,
      trivialRssMb: trivial.rssMb,
      oursRetainedBytesPerRequest: Math.round(ours.retainedBytesPerRequest),
      trivialRetainedBytesPerRequest: Math.round(trivial.retainedBytesPerRequest),
    })
  }
  let retention: Record<string, number> | null = null
  try {
    retention = JSON.parse(await runNode('msw-retention.ts', [], ['--expose-gc'])) as Record<string, number>
  } catch {}
  return {
    rounds: out,
    ratio: round(avg(out.map((x) => x.ratio)), 2),
    cpuRatio: round(avg(out.map((x) => x.cpuRatio)), 2),
    retention,
    ours: Math.round(avg(out.map((x) => x.ours))),
    trivial: Math.round(avg(out.map((x) => x.trivial))),
    notOk,
  }
}

function machine() {
  let cpu = cpus()[0]?.model ?? 'unknown'
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu
  } catch {}
  return {
    nproc: cpus().length,
    cpu,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((l) => round(l, 2)),
  }
}

// ---------------------------------------------------------------------------------------------- console tab

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

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
  const onDisk = await startStub(configFile, serverNodeFlags(), [], join(root, 'dist'), [`--data-dir=${dir}`])
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
  const notes: string[] = []
  if (!flags['no-build']) {
    log('building (npm run build → dist/) …')
    await build()
  }
  const configFile = benchConfig()
  const loadAtStart = loadavg().map((l) => round(l, 2))

  log(
    flags['no-installed']
      ? 'cold start of dist/src/cli.js and the ceiling (10 alternating rounds) …'
      : 'cold starts: dist/src/cli.js, the ceiling and the installed bin (npm pack into .cache/installed; 10 alternating rounds) …',
  )
  const { cold, ceilingCold, installed, installedEmptyCache, skipped: coldSkipped } = await coldStarts()
  skipped.push(...coldSkipped)

  const ceiling = await startCeiling()
  const candidates = !flags['flag-sweep']
    ? [serverNodeFlags()]
    : flags.candidates !== undefined
      ? flags.candidates.split('|').map((c) => c.split(/\s+/).filter(Boolean))
      : FLAG_CANDIDATES
  const flagName = (f: string[]) => (f.length ? f.join(' ') : '(no flags)')
  log(
    flags['flag-sweep']
      ? `flag sweep: ${candidates.map(flagName).join(' | ')}, in alternating rounds …`
      : `seven paths, ${rounds} rounds of ${duration} s alternating with the ceiling …`,
  )
  const profArgs = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(cache, 'prof')}`] : []
  const targets: Target[] = []
  for (const f of candidates) {
    const stub = await startStub(configFile, f, profArgs)
    targets.push({
      name: flags['flag-sweep'] ? `worksuite-mock ${flagName(f)}` : 'worksuite-mock',
      url: stub.url,
      process: stub.process,
      creds: await credentialsOf(stub.url),
      ceiling: false,
    })
  }
  // `--baseline=DIR` or several, `name=DIR,name=DIR`: older builds as more targets in the same rounds.
  for (const [i, entry] of (flags.baseline ? flags.baseline.split(',') : []).entries()) {
    const at = entry.indexOf('=')
    const name = at > 0 ? `baseline ${entry.slice(0, at)}` : i === 0 ? 'baseline' : `baseline ${i + 1}`
    const dir = at > 0 ? entry.slice(at + 1) : entry
    const stub = await startStub(configFile, serverNodeFlags(), [], resolve(dir))
    targets.push({ name, url: stub.url, process: stub.process, creds: await credentialsOf(stub.url), ceiling: false })
    notes.push(`${name}: ${dir}/src/cli.js with the same flags`)
  }
  targets.push(ceiling)
  const rows = await measurePaths(targets, paths)
  for (const t of targets) await stop(t.process)
  notes.push(
    `stub server: node ${[...serverNodeFlags(), 'dist/src/cli.js'].join(' ')} (${flags['node-flags'] !== undefined ? '--node-flags' : 'the flags of its shebang'})`,
  )

  let sweep: { flags: string; meanRatio: number; minRatio: number; meanCpuUs: number }[] | null = null
  if (flags['flag-sweep']) {
    sweep = targets
      .filter((t) => !t.ceiling)
      .map((t) => {
        const own = rows.filter((r) => r.target === t.name)
        return {
          flags: t.name.replace(/^worksuite-mock /, ''),
          meanRatio: round(avg(own.map((r) => r.vsCeiling ?? 0)), 3),
          minRatio: round(Math.min(...own.map((r) => r.vsCeiling ?? 0)), 3),
          meanCpuUs: round(avg(own.map((r) => r.cpuUsPerRequest ?? 0)), 1),
        }
      })
  }

  let core: CoreRow[] | null = null
  if (flags['no-core']) skipped.push('core µs/request: --no-core')
  else {
    log('the core alone, empty and full stores (bench/core.ts) …')
    core = await coreRounds(paths.filter((p) => EXPECTED_CODE[p] === 0))
  }

  const peerRows: PathRow[] = []
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
      const pre = await preflight(peer.url, 'meeting.create', ceiling.creds)
      // The JVM needs longer to reach steady state: WireMock gets twice the warm-up.
      const result = await load({
        connections,
        warmupSeconds: name === 'WireMock' ? warmup * 2 : warmup,
        durationSeconds: duration,
        url: peer.url,
        endpoint: 'meeting.create',
        credentials: ceiling.creds,
        serverPid: peer.process.pid,
      })
      peerRows.push({
        endpoint: 'meeting.create',
        target: name,
        rounds: [],
        rps: Math.round(result.rps),
        p50Ms: round(result.p50, 3),
        p99Ms: round(result.p99, 3),
        cpuUsPerRequest: result.serverCpuUs === null ? null : round(result.serverCpuUs, 1),
        vsCeiling: null,
        cpuVsCeiling: null,
        rssMb: rssMb(peer.process.pid),
        okPct: pre ? 0 : 100,
        notOkSample: pre,
      })
      await stop(peer.process)
    }
  }

  let msw: MswResult | null = null
  if (flags['no-msw']) skipped.push('MSW path: --no-msw')
  else {
    log('MSW path, ours and a trivial handler in alternating rounds …')
    msw = await mswRounds()
    if (msw.notOk > 0) notes.push(`MSW path: ${msw.notOk} of our answers were not errcode 0`)
  }

  let consoleTab: ConsoleRound | null = null
  if (flags['no-console']) skipped.push('console tab: --no-console')
  else {
    log('meeting.create without, then with a console tab open …')
    const r = await consoleTabRound(configFile, { connections, warmupSeconds: warmup, durationSeconds: duration })
    if ('skipped' in r) skipped.push(r.skipped)
    else {
      consoleTab = r
      notes.push(
        `console tab: the page followed ${r.eventsSeen} journal entries live and read the server ${r.consoleReads} times while loaded`,
      )
    }
  }

  let dataDir: DataDirRound | null = null
  if (flags['no-data-dir']) skipped.push('data dir: --no-data-dir')
  else {
    log('meeting.create in memory, then with --data-dir, in turn …')
    dataDir = await dataDirRound(configFile, { connections, warmupSeconds: warmup, durationSeconds: duration })
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

  report({
    rows,
    peerRows,
    sweep,
    cold,
    ceilingCold,
    installed,
    installedEmptyCache,
    core,
    msw,
    long,
    consoleTab,
    dataDir,
    skipped,
    notes,
    loadAtStart,
  })
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

function fmtTable(cols: readonly string[], lines: string[][]): string[] {
  const widths = cols.map((c, i) => Math.max(c.length, ...lines.map((l) => l[i]!.length)))
  const fmt = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  return [fmt(cols), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)]
}

const fix = (n: number | null, d = 2) => (n === null ? '-' : n.toFixed(d))

function coldLine(what: string, c: ColdStart | null): string {
  return c
    ? `cold start, ${what}: wall min ${c.minMs} ms, median ${c.medianMs} ms (${c.runsMs.join(', ')} ms); CPU min ${c.cpuMinMs} ms, median ${c.cpuMedianMs} ms`
    : `cold start, ${what}: skipped`
}

function report(input: {
  rows: PathRow[]
  peerRows: PathRow[]
  sweep: { flags: string; meanRatio: number; minRatio: number; meanCpuUs: number }[] | null
  cold: ColdStart | null
  ceilingCold: ColdStart | null
  installed: ColdStart | null
  installedEmptyCache: ColdStart | null
  core: CoreRow[] | null
  msw: MswResult | null
  long: { requests: number; rps: number; rssMb: number | null; lastOkPct: number } | null
  consoleTab: ConsoleRound | null
  dataDir: DataDirRound | null
  skipped: string[]
  notes: string[]
  loadAtStart: number[]
}) {
  const { rows } = input
  const ours = rows.filter((r) => r.target.startsWith('worksuite-mock'))
  const of = (endpoint: EndpointName) => ours.find((r) => r.endpoint === endpoint)
  const ceilingCreate = rows.find((r) => r.target === 'node:http ceiling' && r.endpoint === 'meeting.create')
  const create = of('meeting.create')
  const ratioOk = (r: PathRow | undefined, min: number) => (r?.vsCeiling == null ? null : r.vsCeiling >= min)
  const targets: Record<string, boolean | null> = {
    ...Object.fromEntries(
      ours.map((r) => [
        `${r.endpoint} ≥ ${r.endpoint === 'meeting.create' ? '0.7' : '0.6'} × ceiling (${fix(r.vsCeiling)})`,
        ratioOk(r, r.endpoint === 'meeting.create' ? 0.7 : 0.6),
      ]),
    ),
    [`p99 < 2 ms on every path (worst ${fix(Math.max(...ours.map((r) => r.p99Ms)))} ms)`]: ours.every(
      (r) => r.p99Ms < 2,
    ),
    [`installed bin cold start < 150 ms (median ${input.installed?.medianMs ?? '?'} ms)`]: input.installed
      ? input.installed.medianMs < 150
      : null,
    [`state kept costs ≤ 20 % per request (worst ${input.core ? fix(Math.max(...input.core.map((c) => c.ratio))) : '?'} ×)`]:
      input.core ? input.core.every((c) => c.ratio <= 1.2) : null,
    [`MSW: our handlers ≥ 0.9 × a trivial handler (${fix(input.msw?.ratio ?? null)})`]: input.msw
      ? input.msw.ratio >= 0.9
      : null,
    [`RSS < 200 MB after ${input.long?.requests.toLocaleString('en') ?? '?'} requests`]:
      input.long?.rssMb != null ? input.long.rssMb < 200 : null,
    'meeting.create with a console tab ≥ 0.95 × without': input.consoleTab
      ? input.consoleTab.with.rps / input.consoleTab.without.rps >= 0.95
      : null,
  }
  const m = machine()
  const result = {
    date: new Date().toISOString(),
    machine: { ...m, loadAverageAtStart: input.loadAtStart },
    settings: {
      connections,
      warmupSeconds: warmup,
      durationSeconds: duration,
      rounds,
      longRequests,
      nodeFlags: serverNodeFlags(),
      pinning: pinning ? { serverCpu: pinning.server, loadGeneratorCpu: pinning.load } : null,
    },
    table: [...rows, ...input.peerRows],
    flagSweep: input.sweep,
    coldStart: input.cold,
    ceilingColdStart: input.ceilingCold,
    installedBinColdStart: input.installed,
    installedBinColdStartEmptyCache: input.installedEmptyCache,
    core: input.core,
    msw: input.msw,
    longRun: input.long,
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

  const table = fmtTable(
    ['path', 'target', 'req/s', '×ceiling', 'p50 ms', 'p99 ms', 'CPU µs/req', 'CPU ×ceiling', 'RSS MB', 'ok %'],
    [...rows, ...input.peerRows].map((t) => [
      t.endpoint,
      t.target,
      String(t.rps),
      fix(t.vsCeiling),
      t.p50Ms.toFixed(2),
      t.p99Ms.toFixed(2),
      fix(t.cpuUsPerRequest, 1),
      fix(t.cpuVsCeiling),
      t.rssMb === null ? '-' : String(t.rssMb),
      String(t.okPct),
    ]),
  )
  const flagLine = `runtime flags: ${serverNodeFlags().join(' ') || '(none)'}${flags['node-flags'] !== undefined ? ' (--node-flags)' : " (the bin's shebang; chosen with --flag-sweep, docs/performance.md)"}`
  const out = [
    '',
    `worksuite-mock bench — ${m.nproc} × ${m.cpu}, Node ${m.node}, load average ${input.loadAtStart.join(' ')} at start, ${connections} connections, ${rounds} rounds of ${duration} s per path and target (alternating, ${warmup} s warm-up)`,
    flagLine,
    pinning
      ? `pinned: servers on CPU ${pinning.server}, the load generator on CPU ${pinning.load} (taskset, --pin)`
      : 'not pinned: servers and the load generator share the cores (--pin to pin them)',
    '',
    ...table,
    ...(create && ceilingCreate
      ? [
          '',
          `Prism and WireMock rows: one round each on meeting/create (×ceiling is for the seven paths' alternating rounds)`,
        ]
      : []),
    ...(input.sweep
      ? [
          '',
          'flag sweep (each a server of its own, in the same alternating rounds):',
          ...fmtTable(
            ['flags', 'mean ×ceiling', 'min ×ceiling', 'mean CPU µs/req'],
            input.sweep.map((s) => [s.flags, s.meanRatio.toFixed(3), s.minRatio.toFixed(3), s.meanCpuUs.toFixed(1)]),
          ),
        ]
      : []),
    '',
    coldLine('node dist/src/cli.js to its first /__mock/health', input.cold),
    coldLine(
      'installed bin (node_modules/.bin/worksuite-mock), compile cache filled by its first run',
      input.installed,
    ),
    coldLine('installed bin, empty compile cache every run (a first-ever start)', input.installedEmptyCache),
    coldLine('a bare node:http server (bench/ceiling.mjs) to its first answer', input.ceilingCold),
    ...(input.core
      ? [
          '',
          'the core alone (emulator.handle, no HTTP), CPU µs per request, empty stores vs full (10,000 records, 1,000 journal entries):',
          ...fmtTable(
            ['path', 'empty µs', 'full µs', 'full / empty'],
            input.core.map((c) => [c.endpoint, c.emptyUs.toFixed(1), c.fullUs.toFixed(1), c.ratio.toFixed(2)]),
          ),
        ]
      : []),
    ...(input.msw
      ? [
          '',
          `MSW path (setupServer, 10 concurrent fetches back to back): ours ${input.msw.ours} req/s, trivial handler ${input.msw.trivial} req/s, ${input.msw.ratio} × (mean of per-round ratios; by CPU per request ${input.msw.cpuRatio} ×)`,
          ...fmtTable(
            [
              'round',
              'ours req/s',
              'trivial req/s',
              'ratio',
              'CPU ratio',
              'ours RSS MB',
              'trivial RSS MB',
              'ours kept B/req',
              'trivial kept B/req',
            ],
            input.msw.rounds.map((r, i) => [
              String(i + 1),
              String(r.ours),
              String(r.trivial),
              r.ratio.toFixed(2),
              r.cpuRatio.toFixed(2),
              String(r.oursRssMb),
              String(r.trivialRssMb),
              String(r.oursRetainedBytesPerRequest),
              String(r.trivialRetainedBytesPerRequest),
            ]),
          ),
        ]
      : ['MSW path: skipped']),
    ...(input.msw?.retention
      ? [
          `MSW's own retention (bench/msw-retention.ts, trivial handler): back to back ${input.msw.retention.newConnectionsPerRequestBackToBack} new connections and ${input.msw.retention.heapBytesPerRequestBackToBack} B of heap kept per request; with a turn of the event loop between tests (setImmediate) ${input.msw.retention.newConnectionsPerRequestWithTurns} and ${input.msw.retention.heapBytesPerRequestWithTurns} B; ${input.msw.retention.socketsKeptAfterClose} sockets kept after server.close()`,
        ]
      : []),
    '',
    input.long
      ? `long run: ${input.long.requests.toLocaleString('en')} meeting/create at ${input.long.rps} req/s → RSS ${input.long.rssMb} MB (last 1000: ${input.long.lastOkPct} % ok)`
      : 'long run: skipped',
    input.consoleTab
      ? `console tab: meeting/create ${Math.round(input.consoleTab.with.rps)} req/s with a console tab open, ${Math.round(input.consoleTab.stream.rps)} with only its event stream, ${Math.round(input.consoleTab.without.rps)} without (${round(input.consoleTab.with.rps / input.consoleTab.without.rps, 3)} ×); server CPU per request ${input.consoleTab.cpuUsPerRequest.with} / ${input.consoleTab.cpuUsPerRequest.stream} / ${input.consoleTab.cpuUsPerRequest.without} µs`
      : 'console tab: skipped',
    input.dataDir
      ? `data dir: meeting/create ${Math.round(input.dataDir.dataDir.rps)} req/s with --data-dir, ${Math.round(input.dataDir.memory.rps)} in memory (${round(input.dataDir.dataDir.rps / input.dataDir.memory.rps, 3)} ×; p99 ${round(input.dataDir.dataDir.p99, 2)} ms against ${round(input.dataDir.memory.p99, 2)} ms); server CPU per request ${input.dataDir.cpuUsPerRequest.dataDir} µs against ${input.dataDir.cpuUsPerRequest.memory} µs; ${input.dataDir.fileMb} MB on disk`
      : 'data dir: skipped',
    ...input.notes.map((n) => `note: ${n}`),
    ...input.skipped.map((s) => `skipped: ${s}`),
    '',
    'targets:',
    ...Object.entries(targets).map(([k, v]) => `  ${v === null ? '?   ' : v ? 'met ' : 'MISS'}  ${k}`),
    '',
    `written to ${flags.out!.slice(root.length + 1)}`,
    '',
  ]
  process.stdout.write(out.join('\n'))
  const failed = [...rows, ...input.peerRows].filter((t) => t.okPct < 100)
  if (failed.length) {
    log(
      `\nnot every answer was the expected one on: ${failed.map((f) => `${f.target} ${f.endpoint}`).join(', ')} (see notOkSample in the JSON)`,
    )
  }
}

await main()
process.exit(0)
