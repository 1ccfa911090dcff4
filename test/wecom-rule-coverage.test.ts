/**
 * Every rule id of the schedule and meeting-mail catalogues is checked by a contract case (which the rule
 * tables run through every harness) or named by a test.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { loadCases } from '../contracts/runner/cases.ts'

const CATALOGUES = [
  'wecom.schedule.add.json',
  'wecom.schedule.get.json',
  'wecom.schedule.del.json',
  'wecom.schedule.update.json',
  'wecom.exmail.compose_send.json',
  'wecom.calendar.add.json',
  'wecom.calendar.get.json',
  'wecom.calendar.update.json',
  'wecom.calendar.del.json',
  'wecom.schedule.get_by_calendar.json',
]

test.each(
  CATALOGUES.filter((c) => readdirSync('contracts/rules').includes(c)),
)('every rule of %s is checked by a contract case or named by a test', (file) => {
  const tests = readdirSync('test')
    .filter((f) => /^wecom-(schedule|mail)-.*\.test\.ts$/.test(f))
    .map((f) => readFileSync(`test/${f}`, 'utf8'))
    .join('\n')
  const caseRules = new Set(loadCases().flatMap((c) => c.case.rules))
  const { rules } = JSON.parse(readFileSync(`contracts/rules/${file}`, 'utf8'))
  const missing = rules
    .map((r: { id: string }) => r.id)
    .filter((id: string) => !caseRules.has(id) && !tests.includes(`'${id}:`))
  expect(missing).toEqual([])
})
