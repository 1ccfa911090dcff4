/**
 * Every refusing rule of contracts/rules/feishu.mail.send.json, from its fixture, through every harness: the
 * status, the code and the rule the reason names.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { invalidSends } from '../fixtures/feishu/mail/invalid.ts'
import { checkedHarnesses } from './support/checked.ts'
import { FAST, mergeConfig, send } from './support/feishu-mail.ts'
import { raisedAs, reasonRule } from './support/harness.ts'

const table = Object.entries(invalidSends)

describe.each(checkedHarnesses)('feishu.mail.send refusals via $name', (harness) => {
  afterEach(() => {
    expect(harness.problems.splice(0), 'answers that break their response schema').toEqual([])
  })

  test.each(table)('%s: answers the documented status and code, the rule named in the reason', async (rule, c) => {
    const h = await harness.make({ config: mergeConfig(FAST, c.config) })
    try {
      for (const b of c.before ?? []) expect((await send(h, b)).json.code).toBe(0)
      const inFlight = (c.inFlight ?? []).map((b) => send(h, b))
      const body = typeof c.body === 'function' ? (c.body as () => unknown)() : c.body
      const r = await send(h, body, {
        ...(c.mailbox ? { mailbox: c.mailbox } : {}),
        ...(c.token ? { token: c.token } : {}),
      })
      expect({ status: r.status, code: r.json?.code }).toEqual({ status: c.status, code: c.code })
      expect(reasonRule(r), 'the rule x-worksuite-mock-reason names').toBe(raisedAs(rule))
      for (const p of await Promise.all(inFlight)) expect(p.json.code).toBe(0)
    } finally {
      await h.close()
    }
  })
})
