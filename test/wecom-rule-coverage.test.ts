/** Every rule id of the schedule and meeting-mail catalogues is named by a test. */
import { readdirSync, readFileSync } from 'node:fs'
import { expect, test } from 'vitest'

const CATALOGUES = [
  'wecom.schedule.add.json',
  'wecom.schedule.get.json',
  'wecom.schedule.del.json',
  'wecom.exmail.compose_send.json',
]

test.each(
  CATALOGUES.filter((c) => readdirSync('contracts/rules').includes(c)),
)('every rule of %s is named by a test or an invalid fixture', (file) => {
  const tests = readdirSync('test')
    .filter((f) => /^wecom-(schedule|mail)-.*\.test\.ts$/.test(f))
    .map((f) => readFileSync(`test/${f}`, 'utf8'))
    .join('\n')
  const fixtureRules = ['schedule', 'mail'].flatMap((d) => {
    try {
      return readdirSync(`fixtures/wecom/${d}/invalid`).map((f) => f.replace(/\.json$/, ''))
    } catch {
      return []
    }
  })
  const { rules } = JSON.parse(readFileSync(`contracts/rules/${file}`, 'utf8'))
  const missing = rules
    .map((r: { id: string }) => r.id)
    .filter((id: string) => !tests.includes(`'${id}:`) && !fixtureRules.includes(id))
  expect(missing).toEqual([])
})
