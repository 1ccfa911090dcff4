/**
 * Property: whatever is sent (every generator family of test/support/fuzz.ts), every answer comes within
 * 2 s, in the vendor's envelope with a catalogued code, never 5xx without a fault, with a head node:http
 * can send and under 8 KB; the worker's retained heap stays bounded. A small, seeded run per family, in
 * a worker thread with a watchdog (a hang is a failure, not a hung suite); `npm run fuzz` is the long one.
 *
 * Families that fail on today's code are `test.fails`, named by the defect they hit (issue 16): when the
 * fix merges, the family passes, `test.fails` reports it, and the line flips to `test`.
 */
import { afterAll, describe, expect, test } from 'vitest'
import { family } from './support/fuzz.ts'
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

  // DEFECT (issue 16): unpaired surrogates → HTTP 500 / a rejected handle (`{"meetingid":"\ud800"}`, Feishu
  // tenant_access_token app_id "\ud800", mail_address "\udc00@x": the reason header's encodeURI throws URIError).
  test.fails('unicode: lone surrogates and invalid UTF-8 in every string field and key are answered in the envelope', async () => {
    expect(await fuzz('unicode', 400)).toEqual([])
  })

  // DEFECT (issue 16): 5,000-level nesting in a Feishu send's `to` → 500 "Maximum call stack size exceeded".
  test.fails('nesting: arrays and objects 64 to 10,000 deep in every field are answered in the envelope', async () => {
    expect(await fuzz('nesting', 150)).toEqual([])
  })

  // DEFECT (issue 16): x-worksuite-mock-reason (and compose_send's error-msg) echo a 20 KB field unbounded.
  test.fails('huge: 4 KB to 1 MB strings in every string field keep the response head under 8 KB', async () => {
    expect(await fuzz('huge', 150)).toEqual([])
  })

  // DEFECT (issue 16): endless loop in recurrence arithmetic (a repeat series read after its start with
  // repeat_interval 0 or 1e9 or a huge duration: 100% CPU, synchronous; the watchdog kills the worker).
  test.fails('recurrence: create, move the clock, read back, update, cancel always answers within 2 s', async () => {
    expect(await fuzz('recurrence', 300)).toEqual([])
  })

  // DEFECT (issue 16): fault rules that break the wire (respond.headers with non-Latin-1 or CRLF values,
  // names that are not tokens, 9 KB values; respond.status 100-199, 204 and 304 lose the envelope).
  test.fails('faults: whatever fault rule is accepted, the answers are a head node:http can send', async () => {
    expect(await fuzz('faults', 200)).toEqual([])
  })

  // DEFECT (issue 16): impossible clock values (setClock accepts 1e308, -1e308, advance past Date's range).
  test.fails('clock: setClock refuses an instant that is not a date, and requests after it are answered', async () => {
    expect(await fuzz('clock', 150)).toEqual([])
  })

  // DEFECT (issue 16): OOM from huge bodies kept (Feishu mail and meeting mails keep whole bodies: about
  // 250 MB retained after 250 × 1 MB sends).
  test.fails('memory: 250 successful 1 MB sends leave the retained heap under 256 MB', async () => {
    expect(await fuzz('memory', 250, { maxFailures: 1, shrink: { classes: 0, timeLimitMs: 0 } })).toEqual([])
  })
})
