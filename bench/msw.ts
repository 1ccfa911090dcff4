/**
 * The MSW path: requests per second through `setupServer` with our handlers (the compiled ones in dist/)
 * against MSW with a trivial handler, so the figure says what the emulator adds over MSW itself. Run as
 * its own process: `node --expose-gc bench/msw.ts ours|trivial <seconds> <warmupSeconds>`; prints one JSON
 * line with the rate, the RSS at the end, and the heap still held after a full collection per request
 * measured (what MSW or the handler kept).
 */
import { builders, type Credentials } from './requests.ts'

const [kind = 'ours', secondsArg = '5', warmupArg = '2'] = process.argv.slice(2)
const CONCURRENCY = 10
const ORIGIN = 'https://qyapi.weixin.qq.com'

const { setupServer } = await import('msw/node')
const { http, HttpResponse } = await import('msw')
let handlers: unknown[]
let credentials: Credentials
if (kind === 'ours') {
  const dist = '../dist/mocks/index.js'
  const mocks = (await import(dist)) as typeof import('../mocks/index.ts')
  const emulator = mocks.createEmulator()
  handlers = mocks.createHandlers(emulator)
  const app = emulator.control.defaults().wecom.apps[0]!
  const server = setupServer(...(handlers as Parameters<typeof setupServer>))
  server.listen({ onUnhandledFrame: 'error' })
  const r = await fetch(
    `${ORIGIN}/cgi-bin/gettoken?corpid=${emulator.control.defaults().wecom.corpid}&corpsecret=${app.corpsecret}`,
  )
  const token = ((await r.json()) as { access_token: string }).access_token
  credentials = { wecomToken: token, feishuUserToken: '', now: emulator.control.clock().now }
} else {
  const fixed = { errcode: 0, errmsg: 'ok', meetingid: 'hyXG0RCQAAogMgFb9Tx_b-1-lhJRWvvg' }
  const server = setupServer(
    http.post(`${ORIGIN}/cgi-bin/meeting/create`, async ({ request }) => {
      await request.json()
      return HttpResponse.json(fixed)
    }),
  )
  server.listen({ onUnhandledFrame: 'error' })
  credentials = { wecomToken: 'x', feishuUserToken: '', now: Math.floor(Date.now() / 1000) }
}

let index = 0
async function loop(until: number, counts: { ok: number; notOk: number }) {
  while (performance.now() < until) {
    const req = builders['meeting.create'](credentials, index++)
    const res = await fetch(ORIGIN + req.path, { method: 'POST', headers: req.headers, body: req.body })
    const text = await res.text()
    if (/"errcode":0[,}]/.test(text)) counts.ok++
    else counts.notOk++
  }
}

async function phase(seconds: number) {
  const counts = { ok: 0, notOk: 0 }
  const started = performance.now()
  const until = started + seconds * 1000
  await Promise.all(Array.from({ length: CONCURRENCY }, () => loop(until, counts)))
  return { ...counts, seconds: (performance.now() - started) / 1000 }
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})
await phase(Number(warmupArg))
gc()
const heapBefore = process.memoryUsage().heapUsed
const cpu0 = process.cpuUsage()
const measured = await phase(Number(secondsArg))
const cpu = process.cpuUsage(cpu0)
gc()
const retained = process.memoryUsage().heapUsed - heapBefore
const requests = measured.ok + measured.notOk
process.stdout.write(
  `${JSON.stringify({
    kind,
    requests,
    rps: requests / measured.seconds,
    ok: measured.ok,
    notOk: measured.notOk,
    rssMb: Math.round(process.memoryUsage().rss / 104857.6) / 10,
    // The process's CPU per request (MSW, the handler and the fetch client): steadier than req/s on shared cores.
    cpuUsPerRequest: (cpu.user + cpu.system) / requests,
    retainedBytesPerRequest: retained / requests,
  })}\n`,
)
process.exit(0)
