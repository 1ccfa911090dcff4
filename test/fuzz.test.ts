/**
 * Property: whatever is sent (every generator family of test/support/fuzz.ts), every answer comes within
 * 2 s, in the vendor's envelope with a catalogued code, never 5xx without a fault, with a head node:http
 * can send and under 8 KB; the worker's retained heap stays bounded. A small, seeded run per family, in
 * a worker thread with a watchdog (a hang is a failure, not a hung suite); `npm run fuzz` is the long one.
 *
 * A family that still fails is `test.fails`, named by the defect it hits: when the fix lands, `test.fails`
 * reports it, and the line flips to `test`.
 */
import { afterAll, describe, expect, test } from 'vitest'
import { family } from './support/fuzz.ts'
import { byName, composeSendBody, type FuzzCase, request } from './support/fuzz-endpoints.ts'
import { type CampaignOptions, FuzzPool, formatReport, runCampaign } from './support/fuzz-pool.ts'

const SEED = 16
const pool = new FuzzPool({ workers: 1 })
afterAll(() => pool.close())

/** Runs one family, prints what it tried and found, and returns the bug classes (signature → minimal repro). */
async function fuzz(name: string, cases: number, extra: Partial<CampaignOptions> = {}): Promise<string[]> {
  const report = await runCampaign(
    { families: [name], cases, seed: SEED, shrink: { classes: 1, timeLimitMs: 1000 }, ...extra },
    pool,
  )
  console.log(`[fuzz ${name}] ${formatReport(report, { [name]: family(name).describe })}`)
  return [...report.classes.keys()]
}

describe('fuzz, small run (seed 16)', () => {
  test('shape: valid bodies, mutations, broken JSON, bytes, methods and tokens are answered in the envelope', async () => {
    expect(await fuzz('shape', 800)).toEqual([])
  })

  test('bounds: numbers at and beyond every bound in every numeric field are answered in the envelope', async () => {
    expect(await fuzz('bounds', 500)).toEqual([])
  })

  test('unicode: lone surrogates and invalid UTF-8 in every string field and key are answered in the envelope', async () => {
    expect(await fuzz('unicode', 400)).toEqual([])
  })

  test('nesting: arrays and objects 64 to 10,000 deep in every field are answered in the envelope', async () => {
    expect(await fuzz('nesting', 150)).toEqual([])
  })

  test('huge: 4 KB to 1 MB strings in every string field keep the response head under 8 KB', async () => {
    expect(await fuzz('huge', 150)).toEqual([])
  })

  test('recurrence: create, move the clock, read back, update, cancel always answers within 2 s', async () => {
    expect(await fuzz('recurrence', 300)).toEqual([])
  })

  test('faults: whatever fault rule is accepted, the answers are a head node:http can send', async () => {
    expect(await fuzz('faults', 200)).toEqual([])
  })

  test('clock: setClock refuses an instant that is not a date, and requests after it are answered', async () => {
    expect(await fuzz('clock', 150)).toEqual([])
  })

  test('memory: 250 successful 1 MB sends leave the retained heap under 256 MB', async () => {
    expect(await fuzz('memory', 250, { maxFailures: 1, shrink: { classes: 0, timeLimitMs: 0 } })).toEqual([])
  })
})

describe('fuzz reproductions', () => {
  test('a case reads back only the mail schedules it made, so what it prints replays on a fresh emulator', async () => {
    const send = byName('exmail.compose_send')
    const base = composeSendBody() as { schedule: Record<string, unknown> }
    const made: FuzzCase = { family: 'made', kind: 'made', endpoint: send.name, steps: [request(send)] }
    // Its own mail is refused (end before start): no schedule of its own to read back.
    const refused = JSON.stringify({ ...base, schedule: { ...base.schedule, end_time: 1 } })
    const reads: FuzzCase = {
      family: 'reads',
      kind: 'reads',
      endpoint: send.name,
      steps: [
        request(send, { body: refused }),
        { op: 'control', call: 'mailSchedules', capture: { MAILSCHEDULEID: '-1.schedule_id' } },
        request(byName('schedule.get'), { body: '{"schedule_id_list":["__MAILSCHEDULEID__"]}' }),
      ],
    }
    // One lane, no reset between the cases: the second runs on the state the first left.
    const outcome = await pool.lanes[0]!.run({ batch: 0, reset: true, cases: [made, reads], from: 0, to: 2 })
    const codes = (name: string) => {
      const sum: Record<string, number> = {}
      for (const t of outcome.tallies)
        for (const [k, n] of Object.entries(t.codes[name] ?? {})) sum[k] = (sum[k] ?? 0) + n
      return sum
    }
    expect(codes('made')).toEqual({ 0: 1 })
    expect(codes('reads')).toEqual({ 40058: 1, control: 1, 90461: 1 })
  })
})
