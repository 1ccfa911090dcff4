/**
 * The core alone, no HTTP: microseconds per request through `emulator.handle` (the compiled one in dist/),
 * one request after another, with the stores kept empty or full. Empty: the journal keeps 1 entry and the
 * store 1 record, so every request still does all of its work (records, journals, evicts) but nothing it
 * keeps outlives the next request. Full: the default caps, filled before the measured window (10,000
 * meetings, schedules or messages and 1,000 journal entries), so the garbage collector walks what a long
 * run keeps. The difference is what kept state costs per request. Run as its own process, once per mode,
 * with the server's Node flags: `node <flags> bench/core.ts <endpoint> empty|full <requests> [<dist dir>]`; prints
 * one JSON line.
 */
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { builders, type Credentials, type EndpointName, EXPECTED_CODE } from './requests.ts'

const [endpoint = 'meeting.create', mode = 'full', requestsArg = '20000', distDir] = process.argv.slice(2) as [
  EndpointName,
  'empty' | 'full',
  string,
  string | undefined,
]
const requests = Number(requestsArg)
// Another build (an older dist/ kept aside) when given, for a before/after on the same machine.
const dist = distDir ? pathToFileURL(join(resolve(distDir), 'src/emulator.js')).href : '../dist/src/emulator.js'
const { createEmulator } = (await import(dist)) as typeof import('../src/emulator.ts')

const lots = 1_000_000_000
const config =
  mode === 'empty'
    ? {
        journal: { maxEntries: 1 },
        wecom: { maxMeetings: 1, maxSchedules: 1, maxMailboxes: 1, maxMailsPerMailbox: 1 },
        feishu: { mail: { maxStoredMessages: 1 } },
      }
    : {}
const emulator = createEmulator({
  fakerSeed: 1,
  config: {
    ...config,
    feishu: {
      mail: {
        ...(config as { feishu?: { mail?: object } }).feishu?.mail,
        lockHoldMs: 0,
        rateLimitPerMinute: lots,
        daily: { sendsPerUser: lots, externalRecipientsPerUser: lots, externalRecipientsPerTenant: lots },
      },
    },
  },
})
const defaults = emulator.control.defaults()
const app = defaults.wecom.apps.find((a) => a.agentid === 1000014)!
const call = async (method: string, url: string, body: string, headers: Record<string, string>) => {
  // A Buffer, as the node:http adapter hands on the socket's chunk: TextEncoder's fresh ArrayBuffer per body was
  // the harness's own cost, and it grew with the heap (0.4 -> 1.0 µs per schedule.add, empty -> full stores).
  const res = await emulator.handle({ method, url, headers, body: Buffer.from(body), remoteAddress: '127.0.0.1' })
  return JSON.parse(res.body) as Record<string, unknown>
}
const token = (
  await call('GET', `/cgi-bin/gettoken?corpid=${defaults.wecom.corpid}&corpsecret=${app.corpsecret}`, '', {})
).access_token as string
const creds: Credentials = {
  wecomToken: token,
  feishuUserToken: defaults.feishu.users.find((u) => u.user_access_token)?.user_access_token ?? '',
  now: emulator.control.clock().now,
}
const build = builders[endpoint]
const send = (i: number) => {
  const r = build(creds, i)
  return call(r.method, r.path, r.body, r.headers)
}
if (endpoint === 'meeting.update') {
  const made = await call(
    'POST',
    builders['meeting.create'](creds, 0).path,
    builders['meeting.create'](creds, 0).body,
    {
      'content-type': 'application/json',
    },
  )
  creds.meetingIds = [made.meetingid as string]
}
// Fill (full) or warm (empty) with the same requests: 12,000 is past every cap of 10,000.
let i = 1
let bad = 0
const expected = EXPECTED_CODE[endpoint]
const code = (r: Record<string, unknown>) => r.errcode ?? r.code
for (; i <= 12_000; i++) if (code(await send(i)) !== expected) bad++
// CPU time, not wall time: on shared cores a neighbour's burst would count as ours. GC threads count.
const cpu0 = process.cpuUsage()
const wall0 = performance.now()
for (let k = 0; k < requests; k++, i++) if (code(await send(i)) !== expected) bad++
const cpu = process.cpuUsage(cpu0)
const us = (cpu.user + cpu.system) / requests
const wallUs = ((performance.now() - wall0) * 1000) / requests
const budget = emulator.state.budget.state()
process.stdout.write(
  `${JSON.stringify({
    endpoint,
    mode,
    requests,
    usPerRequest: us,
    wallUsPerRequest: wallUs,
    notOk: bad,
    journalEntries: budget.journal.entries,
    storeRecords: Object.values(budget.stores).reduce((n, s) => n + s.records, 0),
  })}\n`,
)
process.exit(0)
