/**
 * `npm run fuzz`: the long property-based campaign (at least 100,000 cases; `-- --cases=N --seed=S`) over
 * every endpoint, through the core. Prints what it tried (cases per endpoint and kind, answers per code)
 * and any request that broke the property: thrown, outside the vendor's envelope, or 5xx without a fault.
 */
import { parseArgs } from 'node:util'
import fc from 'fast-check'
import { testCore } from '../test/support/core.ts'
import { caseArbitrary, checkAnswer, endpoints } from '../test/support/fuzz.ts'

const { values } = parseArgs({ options: { cases: { type: 'string', default: '100000' }, seed: { type: 'string' } } })
const total = Number(values.cases)
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31
const perEndpoint = Math.ceil(total / endpoints.length)
const encoder = new TextEncoder()
const failures: string[] = []
let ran = 0

console.log(`fuzzing ${endpoints.length} endpoints × ${perEndpoint} cases, seed ${seed}`)
for (const spec of endpoints) {
  const t = testCore({ fakerSeed: 1 })
  const now = t.control.clock().now
  // One real meeting, so meeting/update cases reach the rules past "no such meeting".
  const created = await t.wecom('/cgi-bin/meeting/create', {
    admin_userid: 'zhangsan',
    title: 'fuzz',
    meeting_start: now + 7200,
    meeting_duration: 3600,
  })
  const meetingid = String(created.json?.meetingid ?? 'none')
  const tokens = { wecom: await t.wecomToken(), feishu: t.userToken(0), now }
  const kinds = new Map<string, number>()
  const codes = new Map<string, number>()
  const started = performance.now()
  await fc
    .assert(
      fc.asyncProperty(caseArbitrary(spec, tokens), async (c) => {
        ran++
        kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1)
        const body = typeof c.body === 'string' ? encoder.encode(c.body.replace('__CREATED__', meetingid)) : c.body
        let verdict: ReturnType<typeof checkAnswer>
        try {
          const res = await t.handle({ method: c.method, url: c.url, headers: c.headers, body })
          const code = /"(?:errcode|code)":(-?\d+)/.exec(res.body)?.[1] ?? `HTTP ${res.status}`
          codes.set(code, (codes.get(code) ?? 0) + 1)
          verdict = checkAnswer(spec, res)
        } catch (e) {
          verdict = { ok: false, why: `threw: ${(e as Error).message}` }
        }
        if (!verdict.ok && failures.length < 20)
          failures.push(`${spec.name} ${c.kind}: ${verdict.why} ← ${String(c.body).slice(0, 300)}`)
        // Keep the state small: a reset every 5,000 cases (the store is capped anyway).
        if (ran % 5000 === 0) t.control.reset()
        return verdict.ok
      }),
      { numRuns: perEndpoint, seed, endOnFailure: true },
    )
    .catch(() => {})
  const secs = ((performance.now() - started) / 1000).toFixed(1)
  const top = [...codes].sort((a, b) => b[1] - a[1])
  console.log(`\n${spec.name}: ${[...kinds.values()].reduce((a, b) => a + b, 0)} cases in ${secs} s`)
  console.log(`  kinds: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`)
  console.log(
    `  answers (${top.length} distinct codes): ${top
      .slice(0, 25)
      .map(([k, n]) => `${k}×${n}`)
      .join(' ')}`,
  )
}
console.log(`\n${ran} cases, ${failures.length} failures`)
for (const f of failures) console.log(`  FAIL ${f}`)
process.exit(failures.length ? 1 : 0)
