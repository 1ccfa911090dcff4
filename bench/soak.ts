/**
 * `npm run soak`: mixed traffic for a long time against a stub server, showing memory stays bounded by the
 * state budget (`state.maxBytes`) plus a fixed overhead. All five endpoints (meeting/create, meeting/update,
 * oa/schedule/add, exmail/app/compose_send, the Feishu send) with bodies of 40 KB–20 MB (log-uniform: most
 * are small, some are huge), plus tokens and read-backs (meeting/get_info, oa/schedule/get, the Feishu
 * message get, whose answers are as big as the mails), from a bounded number of concurrent clients.
 * Every interval it prints a row: the server's RSS (VmRSS from /proc/<pid>/status), what the emulator
 * says it keeps (GET /__mock/state) and the traffic; at the end a verdict. It exits non-zero when the
 * server crashed, answered a 5xx, kept more than its budget, or its RSS went over budget + overhead.
 *
 *   npm run soak                                     30 minutes, its own server (127.0.0.1, port 0), 256 MiB
 *   npm run soak -- --minutes=5 --budget=64MiB
 *   npm run soak -- --url=http://127.0.0.1:3000 --pid=4242   a running server (RSS needs its pid)
 *   options: --concurrency=4 --min-body=40KB --max-body=20MB --interval=60 (seconds a row)
 *            --overhead=<MiB> (RSS allowed above the budget) --json (a summary line at the end)
 *
 * It changes the server's run-time settings so sends are not refused for load (feishu.mail: no lock hold,
 * no rate limit or daily quota) and sets state.maxBytes to --budget (the server's own when not given).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const MiB = 1024 * 1024

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    budget: { type: 'string' },
    url: { type: 'string' },
    pid: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    'min-body': { type: 'string', default: '40KB' },
    'max-body': { type: 'string', default: '20MB' },
    interval: { type: 'string', default: '60' },
    overhead: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})

if (flags.help) {
  const doc = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/', 1)[0]!
  process.stdout.write(`${doc.replace(/^\/\*\*\n?|^ \* ?/gm, '')}\n`)
  process.exit(0)
}

/** `256MiB`, `40KB`, `20MB`, `1.5GiB` or plain bytes (KB and MB are decimal, KiB and MiB binary). */
function bytesOf(text: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(text.trim())
  if (!m) throw new Error(`--${name}: "${text}" is not a size (e.g. 64MiB, 40KB, 1048576)`)
  const unit = (m[2] ?? 'b').toLowerCase()
  const scale = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: MiB, gb: 1e9, gib: 1024 * MiB }[unit]!
  return Math.round(Number(m[1]) * scale)
}

const minutes = Number(flags.minutes)
const concurrency = Math.max(1, Math.floor(Number(flags.concurrency)))
const minBody = bytesOf(flags['min-body'], 'min-body')
const maxBody = bytesOf(flags['max-body'], 'max-body')
const intervalMs = Number(flags.interval) * 1000
if (!(minutes > 0) || !(intervalMs > 0) || minBody > maxBody) {
  console.error('soak: --minutes and --interval must be positive, --min-body at most --max-body')
  process.exit(2)
}
const log = (s: string) => process.stderr.write(`${s}\n`)

// ---------------------------------------------------------------------------------------------- the server

let child: ChildProcess | undefined
let crashed: string | null = null

/** Our own stub server: `src/cli.ts` as `npm start` runs it, on 127.0.0.1 port 0; resolves on its URL line. */
function startServer(budget: number | undefined): Promise<{ url: string; pid: number }> {
  const args = ['--import', 'tsx', join(root, 'src/cli.ts'), '--host=127.0.0.1']
  args.push('--port=0', '--quiet', '--faker-seed=1')
  if (budget !== undefined) args.push(`--state.maxBytes=${budget}`)
  const p = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  child = p
  let tail = ''
  p.stderr!.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000)
  })
  p.on('exit', (code, signal) => {
    crashed ??= `the server exited (${signal ?? `code ${code}`})${tail ? `: ${tail.trim().slice(-600)}` : ''}`
  })
  return new Promise((res, rej) => {
    let seen = ''
    const timer = setTimeout(() => rej(new Error(`the server printed no URL within 60 s: ${tail}`)), 60_000)
    p.stdout!.on('data', (d: Buffer) => {
      seen += d.toString()
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(seen)
      if (m) {
        clearTimeout(timer)
        res({ url: m[0], pid: p.pid! })
      }
    })
    p.once('exit', () => {
      clearTimeout(timer)
      rej(new Error(crashed ?? 'the server exited before it was ready'))
    })
  })
}

function rssMiB(pid: number | undefined): number | null {
  if (!pid) return null
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
    return Number.isFinite(kb) ? kb / 1024 : null
  } catch {
    return null
  }
}

// ---------------------------------------------------------------------------------------------- traffic

interface Totals {
  requests: number
  ok: number
  /** Vendor answers other than success, by code (evicted ids answer their not-found: expected). */
  codes: Map<string, number>
  http5xx: number
  /** The request failed without an answer (connection reset, timeout). */
  transport: number
  bytesSent: number
}

const totals: Totals = { requests: 0, ok: 0, codes: new Map(), http5xx: 0, transport: 0, bytesSent: 0 }
const firstFailures: string[] = []

const PAD = 'x'.repeat(maxBody)
// Text of three UTF-8 bytes a character: the budget counts bytes, not characters.
const WIDE = '会'.repeat(Math.ceil(maxBody / 3))

/** Log-uniform between the two sizes: most bodies are small, one in a few is megabytes. */
function bodySize(): number {
  return Math.round(Math.exp(Math.log(minBody) + Math.random() * (Math.log(maxBody) - Math.log(minBody))))
}

/** `bytes` of filler text (ASCII, or one time in five three-byte characters). */
function filler(bytes: number): string {
  return Math.random() < 0.2 ? WIDE.slice(0, Math.floor(bytes / 3)) : PAD.slice(0, bytes)
}

/** The newest ids, for read-backs and updates (older ones may have been evicted: a not-found is fine). */
class Recent {
  private readonly ids: string[] = []
  add(id: string | undefined): void {
    if (!id) return
    this.ids.push(id)
    if (this.ids.length > 200) this.ids.shift()
  }
  pick(): string | undefined {
    return this.ids.length ? this.ids[Math.floor(Math.random() * this.ids.length)] : undefined
  }
  some(n: number): string[] {
    return this.ids.slice(-n)
  }
}

const meetings = new Recent()
const schedules = new Recent()
const messages = new Recent()

interface World {
  url: string
  corpid: string
  corpsecret: string
  wecomToken: string
  feishuToken: string
  appId: string
  appSecret: string
  now: number
}

let seq = 0

async function call(
  w: World,
  method: string,
  path: string,
  body: string | undefined,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown> | null> {
  let res: Response
  let text: string
  try {
    res = await fetch(w.url + path, {
      method,
      headers: body ? { 'content-type': 'application/json', ...headers } : headers,
      ...(body ? { body } : {}),
      signal: AbortSignal.timeout(120_000),
    })
    text = await res.text()
  } catch (e) {
    totals.requests++
    totals.transport++
    if (firstFailures.length < 5) firstFailures.push(`${path.split('?')[0]}: ${(e as Error).message}`)
    return null
  }
  // Counted when answered (or failed), so a row's ok % is of the requests it finished.
  totals.requests++
  if (body) totals.bytesSent += Buffer.byteLength(body)
  if (res.status >= 500) {
    totals.http5xx++
    if (firstFailures.length < 5) firstFailures.push(`${path.split('?')[0]}: HTTP ${res.status} ${text.slice(0, 200)}`)
  }
  // Read-backs of big mails answer megabytes: look at the code only (the control plane has none).
  const code = path.startsWith('/__mock/')
    ? res.ok
      ? '0'
      : undefined
    : /"(?:errcode|code)":(-?\d+)/.exec(text.slice(0, 200))?.[1]
  if (code === '0') totals.ok++
  else {
    const k = `${path.split('?')[0]!.replace(/\/[0-9a-f-]{36}$/, '/:id')} ${code ?? `HTTP ${res.status}`}`
    totals.codes.set(k, (totals.codes.get(k) ?? 0) + 1)
  }
  if (text.length > 100_000) return {}
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    return {}
  }
}

const wecom = (w: World, path: string, body: string) => call(w, 'POST', `${path}?access_token=${w.wecomToken}`, body)

function start(w: World): number {
  // Distinct starts, a day out, so neither the duplicate nor the past-start rule fires.
  return w.now + 86_400 + (seq % 500_000) * 120
}

const ops: [weight: number, run: (w: World) => Promise<void>][] = [
  [
    18,
    async (w) => {
      const i = seq++
      const r = await wecom(
        w,
        '/cgi-bin/meeting/create',
        `{"admin_userid":"zhangsan","title":"soak ${i}","meeting_start":${start(w)},"meeting_duration":3600,"invitees":{"userid":["lisi"]},"description":"soak","_pad":"${filler(bodySize())}"}`,
      )
      meetings.add(r?.meetingid as string | undefined)
    },
  ],
  [
    8,
    async (w) => {
      const id = meetings.pick()
      if (!id) return
      await wecom(
        w,
        '/cgi-bin/meeting/update',
        `{"meetingid":"${id}","title":"soak update ${seq++}","_pad":"${filler(bodySize())}"}`,
      )
    },
  ],
  [
    6,
    async (w) => {
      const id = meetings.pick()
      if (id) await wecom(w, '/cgi-bin/meeting/get_info', `{"meetingid":"${id}"}`)
    },
  ],
  [
    14,
    async (w) => {
      const s = start(w)
      seq++
      const r = await wecom(
        w,
        '/cgi-bin/oa/schedule/add',
        `{"schedule":{"admins":["zhangsan"],"start_time":${s},"end_time":${s + 3600},"attendees":[{"userid":"zhangsan"},{"userid":"lisi"}],"summary":"soak ${seq}","description":"soak"},"agentid":1000014,"_pad":"${filler(bodySize())}"}`,
      )
      schedules.add(r?.schedule_id as string | undefined)
    },
  ],
  [
    5,
    async (w) => {
      const ids = schedules.some(3)
      if (ids.length) await wecom(w, '/cgi-bin/oa/schedule/get', JSON.stringify({ schedule_id_list: ids }))
    },
  ],
  [
    16,
    async (w) => {
      const s = start(w)
      seq++
      await wecom(
        w,
        '/cgi-bin/exmail/app/compose_send',
        `{"to":{"userids":["zhangsan","lisi"],"emails":["guest${seq % 50}@example.com"]},"subject":"soak ${seq}","content":"${filler(bodySize())}","schedule":{"start_time":${s},"end_time":${s + 1800}},"meeting":{"meeting_admins":{"userids":["zhangsan"]}}}`,
      )
    },
  ],
  [
    16,
    async (w) => {
      const html = Math.random() < 0.5
      const r = await call(
        w,
        'POST',
        '/open-apis/mail/v1/user_mailboxes/me/messages/send',
        `{"subject":"soak ${seq++}","to":[{"mail_address":"jane@xxx.xx"}],"${html ? 'body_html' : 'body_plain_text'}":"${filler(bodySize())}"}`,
        { authorization: `Bearer ${w.feishuToken}` },
      )
      messages.add((r?.data as { message_id?: string } | undefined)?.message_id)
    },
  ],
  [
    6,
    async (w) => {
      const id = messages.pick()
      if (id)
        await call(w, 'GET', `/open-apis/mail/v1/user_mailboxes/me/messages/${id}`, undefined, {
          authorization: `Bearer ${w.feishuToken}`,
        })
    },
  ],
  [
    3,
    async (w) => {
      const r = await call(w, 'GET', `/cgi-bin/gettoken?corpid=${w.corpid}&corpsecret=${w.corpsecret}`, undefined)
      if (typeof r?.access_token === 'string') w.wecomToken = r.access_token
    },
  ],
  [
    2,
    async (w) => {
      await call(
        w,
        'POST',
        '/open-apis/auth/v3/tenant_access_token/internal',
        JSON.stringify({ app_id: w.appId, app_secret: w.appSecret }),
      )
    },
  ],
  [
    1,
    async (w) => {
      await call(w, 'GET', '/__mock/requests?limit=5', undefined)
    },
  ],
]
const totalWeight = ops.reduce((n, [weight]) => n + weight, 0)

function pickOp(): (w: World) => Promise<void> {
  let r = Math.random() * totalWeight
  for (const [weight, run] of ops) {
    r -= weight
    if (r < 0) return run
  }
  return ops[0]![1]
}

// ---------------------------------------------------------------------------------------------- the run

interface BudgetState {
  maxBytes: number
  usedBytes: number
  journal: { bytes: number; entries: number }
  evicted: { records: number; bytes: number }
}

interface Row {
  minute: number
  requests: number
  rps: number
  mbSent: number
  okPct: number
  http5xx: number
  transport: number
  rssMiB: number | null
  peakRssMiB: number | null
  usedMiB: number
  journalMiB: number
  evicted: number
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) })
  if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${r.status} ${await r.text()}`)
  return (await r.json()) as T
}

async function main(): Promise<number> {
  const wantedBudget = flags.budget === undefined ? undefined : bytesOf(flags.budget, 'budget')
  let url: string
  let pid: number | undefined
  if (flags.url) {
    url = flags.url.replace(/\/$/, '')
    pid = flags.pid ? Number(flags.pid) : undefined
  } else {
    log('starting a stub server (src/cli.ts on 127.0.0.1, port 0) …')
    ;({ url, pid } = await startServer(wantedBudget))
  }
  // A build from before the state budget has no /__mock/state: it can still be soaked, for comparison.
  const probe = await fetch(`${url}/__mock/state`, { signal: AbortSignal.timeout(30_000) })
  const hasState = probe.ok
  await probe.arrayBuffer()
  // Sends must not be refused for load: no lock hold, no rate limit or daily quota.
  const big = 1_000_000_000
  await getJson(`${url}/__mock/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ...(wantedBudget !== undefined && hasState ? { state: { maxBytes: wantedBudget } } : {}),
      feishu: {
        mail: {
          lockHoldMs: 0,
          rateLimitPerMinute: big,
          daily: { sendsPerUser: big, externalRecipientsPerUser: big, externalRecipientsPerTenant: big },
        },
      },
    }),
  })
  const defaults = await getJson<{
    wecom: { corpid: string; apps: { agentid: number; corpsecret: string }[] }
    feishu: { app_id: string; app_secret: string; users: { user_access_token: string | null }[] }
  }>(`${url}/__mock/defaults`)
  const app = defaults.wecom.apps.find((a) => a.agentid === 1000014) ?? defaults.wecom.apps[0]!
  const clock = await getJson<{ now: number }>(`${url}/__mock/clock`)
  const world: World = {
    url,
    corpid: defaults.wecom.corpid,
    corpsecret: app.corpsecret,
    wecomToken: '',
    feishuToken: defaults.feishu.users.find((u) => u.user_access_token)?.user_access_token ?? '',
    appId: defaults.feishu.app_id,
    appSecret: defaults.feishu.app_secret,
    now: clock.now,
  }
  const token = await getJson<{ access_token: string }>(
    `${url}/cgi-bin/gettoken?corpid=${world.corpid}&corpsecret=${world.corpsecret}`,
  )
  world.wecomToken = token.access_token
  const initial = hasState ? await getJson<BudgetState>(`${url}/__mock/state`) : null
  const budget = initial?.maxBytes ?? wantedBudget ?? 256 * MiB
  const baseRss = rssMiB(pid)
  // What may sit above the budget: the process itself (runtime, code, seed: about 90-110 MiB) and the
  // bodies in flight, each held a few times over while it is read, decoded, parsed and answered.
  const overhead = flags.overhead ? Number(flags.overhead) : 192 + (concurrency * 4 * maxBody) / MiB
  const bound = budget / MiB + overhead
  log(
    `soak: ${minutes} min against ${url}${pid ? ` (pid ${pid}, RSS at start ${round(baseRss ?? 0)} MiB)` : ' (no pid: RSS not sampled)'}, ` +
      `budget ${round(budget / MiB)} MiB${hasState ? '' : ' (the server has no /__mock/state: assumed)'}, RSS bound ${round(bound)} MiB (budget + ${round(overhead)} MiB), ` +
      `${concurrency} clients, bodies ${minBody.toLocaleString('en')}–${maxBody.toLocaleString('en')} B`,
  )

  const rows: Row[] = []
  let maxUsed = initial?.usedBytes ?? 0
  let overBudget = 0
  let maxRss = baseRss ?? 0
  // RSS is read every second; a row shows the reading at its end and the peak since the last row.
  let rowPeak = baseRss ?? 0
  const poll = setInterval(() => {
    const rss = rssMiB(pid)
    if (rss === null) return
    rowPeak = Math.max(rowPeak, rss)
    maxRss = Math.max(maxRss, rss)
  }, 1000)
  const began = performance.now()
  const deadline = began + minutes * 60_000
  let last = { at: began, requests: 0, bytes: 0, ok: 0, http5xx: 0, transport: 0 }

  const header =
    '| min | requests | req/s | MB sent | ok % | 5xx | no answer | RSS MiB | peak RSS MiB | kept MiB | journal MiB | evicted |'
  process.stdout.write(`${header}\n|${header.slice(1).replace(/[^|]/g, '-')}\n`)
  const sample = async (): Promise<void> => {
    const now = performance.now()
    let s: BudgetState | null = null
    try {
      if (hasState) s = await getJson<BudgetState>(`${url}/__mock/state`)
      else await getJson(`${url}/__mock/clock`)
    } catch (e) {
      crashed ??= `the server does not answer the control plane: ${(e as Error).message}`
    }
    const rss = rssMiB(pid)
    if (rss !== null) {
      maxRss = Math.max(maxRss, rss)
      rowPeak = Math.max(rowPeak, rss)
    }
    if (s) {
      maxUsed = Math.max(maxUsed, s.usedBytes)
      if (s.usedBytes > s.maxBytes) overBudget++
    }
    const n = totals.requests - last.requests
    const row: Row = {
      minute: round((now - began) / 60_000, 2),
      requests: n,
      rps: round(n / ((now - last.at) / 1000)),
      mbSent: round((totals.bytesSent - last.bytes) / 1e6),
      okPct: n ? round((100 * (totals.ok - last.ok)) / n) : 0,
      http5xx: totals.http5xx - last.http5xx,
      transport: totals.transport - last.transport,
      rssMiB: rss === null ? null : round(rss),
      peakRssMiB: rss === null ? null : round(rowPeak),
      usedMiB: s ? round(s.usedBytes / MiB) : -1,
      journalMiB: s ? round(s.journal.bytes / MiB) : -1,
      evicted: s?.evicted.records ?? -1,
    }
    rows.push(row)
    rowPeak = rss ?? 0
    last = {
      at: now,
      requests: totals.requests,
      bytes: totals.bytesSent,
      ok: totals.ok,
      http5xx: totals.http5xx,
      transport: totals.transport,
    }
    process.stdout.write(
      `| ${row.minute} | ${row.requests} | ${row.rps} | ${row.mbSent} | ${row.okPct} | ${row.http5xx} | ${row.transport} | ${row.rssMiB ?? '-'} | ${row.peakRssMiB ?? '-'} | ${hasState ? row.usedMiB : '-'} | ${hasState ? row.journalMiB : '-'} | ${hasState ? row.evicted : '-'} |\n`,
    )
  }

  const worker = async () => {
    while (performance.now() < deadline && !crashed) {
      const failed = totals.transport
      await pickOp()(world)
      // No answer: do not spin on a server that is gone (the next row finds out).
      if (totals.transport > failed) await new Promise((r) => setTimeout(r, 250))
    }
  }
  const timer = setInterval(() => void sample(), intervalMs)
  await Promise.all(Array.from({ length: concurrency }, worker))
  clearInterval(timer)
  clearInterval(poll)
  // A last row for the tail of the run, unless a row was just taken.
  if (!crashed && performance.now() - last.at > 1000) await sample()

  const problems: string[] = []
  if (crashed) problems.push(`crash: ${crashed}`)
  if (totals.http5xx > 0) problems.push(`${totals.http5xx} answers were 5xx`)
  if (overBudget > 0) problems.push(`the emulator kept more than its budget in ${overBudget} samples`)
  if (pid && maxRss > bound) problems.push(`RSS peaked at ${round(maxRss)} MiB, over the ${round(bound)} MiB bound`)
  const codes = [...totals.codes].sort((a, b) => b[1] - a[1])
  process.stdout.write(
    `\n${totals.requests.toLocaleString('en')} requests, ${round(totals.bytesSent / 1e9, 2)} GB sent, ` +
      `${totals.ok.toLocaleString('en')} ok; peak RSS ${pid ? `${round(maxRss)} MiB` : 'not sampled'} ` +
      `(bound ${round(bound)} MiB = budget ${round(budget / MiB)} + overhead ${round(overhead)}); ` +
      `peak kept ${round(maxUsed / MiB)} MiB of ${round(budget / MiB)}\n`,
  )
  if (codes.length) process.stdout.write(`other answers: ${codes.map(([k, n]) => `${k} ×${n}`).join(', ')}\n`)
  if (firstFailures.length) process.stdout.write(`first failures: ${firstFailures.join(' | ')}\n`)
  process.stdout.write(problems.length ? `verdict: FAIL — ${problems.join('; ')}\n` : 'verdict: PASS\n')
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({
        pass: problems.length === 0,
        problems,
        crashed,
        requests: totals.requests,
        ok: totals.ok,
        http5xx: totals.http5xx,
        transport: totals.transport,
        budgetBytes: budget,
        maxUsedBytes: maxUsed,
        overBudgetSamples: overBudget,
        maxRssMiB: pid ? round(maxRss) : null,
        boundMiB: round(bound),
        rows,
      })}\n`,
    )
  }
  return problems.length === 0 ? 0 : 1
}

async function stopServer(): Promise<void> {
  const p = child
  if (!p || p.exitCode !== null || p.signalCode !== null) return
  crashed ??= 'stopped'
  await new Promise<void>((res) => {
    p.once('exit', () => res())
    p.kill('SIGTERM')
    setTimeout(() => p.kill('SIGKILL'), 3000).unref()
  })
}

// Interrupted (Ctrl-C, a test runner's timeout): take our server down with us.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopServer().then(() => process.exit(130))
  })
}

let code = 1
try {
  code = await main()
} catch (e) {
  console.error(`soak: ${(e as Error).message}`)
} finally {
  await stopServer()
}
process.exit(code)
