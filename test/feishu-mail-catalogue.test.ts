/**
 * Every rule id of the Feishu mail catalogues is checked by a contract case (which test/feishu-mail-rules.test.ts
 * runs through every harness) or named by a test, and every code it uses is in the error catalogue.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import getRules from '../contracts/rules/feishu.mail.message.get.json' with { type: 'json' }
import sendRules from '../contracts/rules/feishu.mail.send.json' with { type: 'json' }
import { loadCases } from '../contracts/runner/cases.ts'
import { catalogues } from '../src/core/errors.ts'

const tests = readdirSync('test')
  .filter((f) => f.startsWith('feishu-mail-') && f.endsWith('.test.ts') && f !== 'feishu-mail-catalogue.test.ts')
  .map((f) => readFileSync(`test/${f}`, 'utf8'))
  .join('\n')
const caseRules = new Set(loadCases().flatMap((c) => c.case.rules))

test.each(
  [...sendRules.rules, ...getRules.rules].map((r) => [r.id, r.code] as const),
)('catalogue: %s is tested and its code %i is catalogued', (id, code) => {
  expect(caseRules.has(id) || tests.includes(`${id}:`)).toBe(true)
  expect(catalogues.feishu.has(code)).toBe(true)
})
