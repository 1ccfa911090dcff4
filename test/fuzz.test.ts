/**
 * Property: whatever is sent to an endpoint (valid shapes, mutated ones, broken JSON, random bytes, other
 * methods and tokens), the core answers in the vendor's envelope with a catalogued code, never throws and
 * never 5xx (no fault is set). A small run here; `npm run fuzz` runs the long campaign.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { testCore } from './support/core.ts'
import { caseArbitrary, checkAnswer, endpoints } from './support/fuzz.ts'

const encoder = new TextEncoder()

describe.each(endpoints)('fuzz $name', (spec) => {
  test(`${spec.name}: every generated request is answered in the vendor's envelope, never 5xx`, async () => {
    const t = testCore({ fakerSeed: 1 })
    const tokens = { wecom: await t.wecomToken(), feishu: t.userToken(0), now: t.control.clock().now }
    await fc.assert(
      fc.asyncProperty(caseArbitrary(spec, tokens), async (c) => {
        const res = await t.handle({
          method: c.method,
          url: c.url,
          headers: c.headers,
          body: typeof c.body === 'string' ? encoder.encode(c.body) : c.body,
        })
        const verdict = checkAnswer(spec, res)
        expect(verdict.why ?? 'ok', `${c.kind}: ${String(c.body).slice(0, 200)}`).toBe('ok')
      }),
      { numRuns: 300, seed: 8 },
    )
  })
})
