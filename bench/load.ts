/**
 * The load generator, run as its own process so it does not share an event loop (or a core's worth of
 * garbage collection) with the server it measures. Reads a job as JSON from argv[2], warms up, measures,
 * and prints one JSON line of results. Latencies are kept at full resolution here (autocannon's own
 * histogram rounds to whole milliseconds, too coarse for a 2 ms target).
 */
import autocannon from 'autocannon'
import { cpuMs } from './proc.ts'
import { builders, type Credentials, type EndpointName } from './requests.ts'

export interface LoadJob {
  url: string
  endpoint: EndpointName
  credentials: Credentials
  connections: number
  warmupSeconds: number
  /** Measure for this long… */
  durationSeconds?: number
  /** …or for exactly this many requests. */
  amount?: number
  /** First request index, so a second run against the same server does not repeat the first run's meetings. */
  startIndex?: number
  /** The server's pid: its CPU time over the measured window is reported (Linux /proc). */
  serverPid?: number
}

export interface LoadResult {
  endpoint: EndpointName
  requests: number
  seconds: number
  rps: number
  p50: number
  p90: number
  p99: number
  max: number
  /** Answers with an HTTP status outside 2xx (Feishu errors are 4xx; WeCom's are 200 and checked apart). */
  non2xx: number
  errors: number
  timeouts: number
  /** The server's CPU time (user + system, all its threads) per answer in the measured window, in µs. */
  serverCpuUs: number | null
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

async function run(job: LoadJob, measure: boolean, firstIndex: number) {
  let i = firstIndex
  const build = builders[job.endpoint]
  let latencies = new Float64Array(1 << 16)
  let n = 0
  const url = new URL(job.url)
  const instance = autocannon({
    url: url.origin,
    connections: job.connections,
    ...(job.amount !== undefined && measure
      ? { amount: job.amount }
      : { duration: measure ? (job.durationSeconds ?? 10) : job.warmupSeconds }),
    timeout: 10,
    // No onResponse: with it autocannon assembles every body, which halves what the loader can send.
    requests: [{ setupRequest: () => build(job.credentials, i++) }],
  } as autocannon.Options)
  if (measure) {
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (n === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2)
        bigger.set(latencies)
        latencies = bigger
      }
      latencies[n++] = responseTime
    })
  }
  const started = performance.now()
  const cpu0 = measure ? cpuMs(job.serverPid) : Number.NaN
  const result = await instance
  const seconds = (performance.now() - started) / 1000
  const cpu = cpuMs(job.serverPid) - cpu0
  const sorted = latencies.subarray(0, n).sort()
  return {
    next: i,
    result: {
      endpoint: job.endpoint,
      requests: n,
      seconds,
      rps: n / seconds,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: percentile(sorted, 100),
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      serverCpuUs: Number.isFinite(cpu) && n > 0 ? (cpu * 1000) / n : null,
    } satisfies LoadResult,
  }
}

const job = JSON.parse(process.argv[2]!) as LoadJob
let index = job.startIndex ?? 0
if (job.warmupSeconds > 0) index = (await run(job, false, index)).next
const { result } = await run(job, true, index)
process.stdout.write(`${JSON.stringify(result)}\n`)
