/**
 * The contract cases as vitest tests, one test per case, for teams that run everything in vitest:
 *
 * @example
 * // test/contracts.test.ts
 * import { urlTarget } from 'worksuite-mock/contracts'
 * import { contractTests } from 'worksuite-mock/contracts/vitest'
 * contractTests({ target: () => urlTarget(process.env.STUB_URL!), client: myClient })
 */
import { afterAll, beforeAll, describe, test } from 'vitest'
import { type LoadedCase, loadCases, matchesFilter } from './cases.ts'
import { type ClientChoice, makeClient, runCase, type Session, sessionClient } from './run.ts'
import type { Target } from './targets.ts'

export interface ContractTestsOptions {
  /** Made before the first case, closed after the last. */
  target: () => Target | Promise<Target>
  client?: ClientChoice
  filter?: string
  paceMs?: number
  cases?: LoadedCase[]
  /** Prefix of the describe blocks (default `contracts`). */
  name?: string
  /** Fail a case whose answers break their response schemas (see RunOptions.validateResponses). */
  validateResponses?: boolean
}

export function contractTests(options: ContractTestsOptions): void {
  const cases = (options.cases ?? loadCases()).filter((c) => matchesFilter(c, options.filter))
  let session: Session | undefined
  beforeAll(async () => {
    const target = await options.target()
    const inner = await makeClient(options.client, target)
    session = {
      target,
      ...sessionClient(inner, {
        paceMs: options.paceMs ?? 0,
        ...(options.validateResponses ? { validateResponses: true } : {}),
      }),
      run: Math.random().toString(36).slice(2, 8),
      tokens: new Map(),
    }
  })
  afterAll(async () => {
    await session?.target.close()
  })
  const areas = [...new Set(cases.map((c) => c.area))]
  for (const area of areas) {
    describe(`${options.name ?? 'contracts'} › ${area}`, () => {
      for (const loaded of cases.filter((c) => c.area === area)) {
        test(`${loaded.case.id}: ${loaded.case.title ?? loaded.case.rules.join(', ')}`, async (ctx) => {
          const result = await runCase(loaded, session!)
          if (result.status === 'skipped') {
            ctx.skip(result.reason)
            return
          }
          if (result.status === 'failed')
            throw new Error(`${result.failures.join('\n')}\nrules: ${result.rules.join(', ')}`)
        })
      }
    })
  }
}
