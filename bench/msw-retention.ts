/**
 * The smallest reproduction of MSW's own per-request retention (msw 3, @mswjs/interceptors' socket
 * interceptor, Node's fetch): a trivial handler, no emulator. MSW answers a mocked connection in microtasks
 * and lets it go only in the event loop's check phase (a setImmediate). On a fresh server, a client sending
 * requests back to back (the next `fetch` as soon as it has read an answer) finds every connection still
 * busy and opens a new one, and while requests keep coming the loop never reaches that phase: each request
 * keeps its own socket and client, some 40 KB. One turn of the event loop lets them all go, and from then on
 * connections are reused. (Answers without a Content-Length were never let go at all: the emulator's MSW
 * handlers send one, test/msw-handlers.test.ts.)
 *
 *   node --expose-gc bench/msw-retention.ts            one JSON line per phase, then a summary line
 *
 * The workaround (docs/performance.md): give the loop a turn between tests, e.g.
 * `afterEach(() => new Promise((resolve) => setImmediate(resolve)))`; a timer of 0 ms is not enough.
 */
import dc from 'node:diagnostics_channel'

const { setupServer } = await import('msw/node')
const { http, HttpResponse } = await import('msw')

const ORIGIN = 'https://qyapi.weixin.qq.com'
let connections = 0
dc.subscribe('undici:client:connected', () => connections++)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})
const sockets = () => process.getActiveResourcesInfo().filter((k) => k === 'TCPSocketWrap').length
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

const handler = () =>
  http.post(`${ORIGIN}/cgi-bin/meeting/create`, async ({ request }) => {
    // As the emulator's handlers do: the body is read.
    await request.arrayBuffer()
    return HttpResponse.json({ errcode: 0 })
  })
const server = setupServer(handler())
server.listen({ onUnhandledFrame: 'error' })
let requests = 0

/** `n` requests, 10 at a time, as a test file's requests come. */
async function burst(n: number): Promise<void> {
  let left = n
  const one = async () => {
    while (left-- > 0) {
      const r = await fetch(`${ORIGIN}/cgi-bin/meeting/create`, { method: 'POST', body: '{}' })
      await r.text()
      requests++
    }
  }
  await Promise.all(Array.from({ length: 10 }, one))
}

const rows: { phase: string; requests: number; connections: number; sockets: number; heapMb: number }[] = []
function report(phase: string): void {
  gc()
  const row = {
    phase,
    requests,
    connections,
    sockets: sockets(),
    heapMb: Math.round(process.memoryUsage().heapUsed / 104857.6) / 10,
  }
  rows.push(row)
  console.log(JSON.stringify(row))
}

/** One turn of the event loop: its check phase, where MSW lets answered connections go. */
const turn = () => new Promise<void>((r) => setImmediate(r))

report('start')
await burst(300)
report('300 requests back to back on a fresh server')
await turn()
report('after one turn of the event loop')
await burst(300)
report('300 more back to back')
for (let test = 0; test < 15; test++) {
  await burst(20)
  await turn()
}
report('15 tests of 20 requests, a turn after each')
server.close()
await pause(500)
report('server.close(), then a pause')
const at = (phase: string) => rows.find((r) => r.phase === phase)!
const per = (from: string, to: string, key: 'connections' | 'heapMb') =>
  ((at(to)[key] - at(from)[key]) * (key === 'heapMb' ? 1048576 : 1)) / (at(to).requests - at(from).requests)
console.log(
  JSON.stringify({
    newConnectionsPerRequestBackToBack:
      Math.round(100 * per('start', '300 requests back to back on a fresh server', 'connections')) / 100,
    heapBytesPerRequestBackToBack: Math.round(per('start', '300 requests back to back on a fresh server', 'heapMb')),
    socketsFreedByOneTurn:
      at('300 requests back to back on a fresh server').sockets - at('after one turn of the event loop').sockets,
    newConnectionsPerRequestWithTurns:
      Math.round(
        100 * per('after one turn of the event loop', '15 tests of 20 requests, a turn after each', 'connections'),
      ) / 100,
    heapBytesPerRequestWithTurns: Math.round(
      per('after one turn of the event loop', '15 tests of 20 requests, a turn after each', 'heapMb'),
    ),
    socketsKeptAfterClose: at('server.close(), then a pause').sockets,
  }),
)
process.exit(0)
