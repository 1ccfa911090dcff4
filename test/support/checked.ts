/**
 * Harnesses whose every answer is checked against its endpoint's response schema and the status its code
 * has in the error catalogue (contracts/response-check.ts): a rule table then shows, besides the code it
 * asserts, that each answer on the way (tokens, bookings, refusals) keeps its documented shape. What
 * breaks collects in the factory's `problems`; a table empties it after each test.
 */
import { checkExchange } from '../../contracts/response-check.ts'
import type { Call } from './core.ts'
import { type Harness, type HarnessFactory, harnesses } from './harness.ts'

export interface CheckedFactory extends HarnessFactory {
  /** `<endpoint>: <problem>` for every answer that broke its schema, from every harness this factory made. */
  readonly problems: string[]
}

const methodOf = (c: Call) => c.method ?? (c.body === undefined ? 'GET' : 'POST')

export function checked(factory: HarnessFactory): CheckedFactory {
  const problems: string[] = []
  return {
    name: factory.name,
    problems,
    async make(options) {
      const h = await factory.make(options)
      const call: Harness['call'] = async (c) => {
        const r = await h.call(c)
        const response = { status: r.status, body: r.text, ...(r.drop ? { drop: true } : {}) }
        problems.push(...checkExchange({ method: methodOf(c), url: c.path }, response))
        return r
      }
      return { ...h, call }
    },
  }
}

/** Every adapter, each checking its answers. */
export const checkedHarnesses: CheckedFactory[] = harnesses.map(checked)
