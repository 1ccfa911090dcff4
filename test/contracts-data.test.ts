/**
 * contracts/ is data other tools load: every file must match its schema, every rule must name a code
 * the catalogue has, and the TypeScript types must be the ones generated from the schemas.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { generateSchemaIndex, generateTypes, OUT_FILE, SCHEMA_INDEX_FILE } from '../scripts/gen-types.ts'
import { catalogues } from '../src/core/errors.ts'
import { describeAjvError, fullValidatorFor } from '../src/core/schema.ts'

const load = (path: string) => JSON.parse(readFileSync(path, 'utf8'))
const schema = (name: string) => load(join('contracts/schemas', name))

test('the error catalogues match their schema and have no duplicate codes', () => {
  const validate = fullValidatorFor(schema('error-catalogue.schema.json'))
  for (const vendor of ['wecom', 'feishu']) {
    const data = load(`contracts/errors/${vendor}.json`)
    expect(validate(data), (validate.errors ?? []).map(describeAjvError).join('\n')).toBe(true)
    const codes = data.errors.map((e: { code: number }) => e.code)
    expect(new Set(codes).size).toBe(codes.length)
  }
})

test('every rule catalogue matches its schema, ids are unique, and every code is in the vendor catalogue', () => {
  const validate = fullValidatorFor(schema('rules.schema.json'))
  const ids = new Set<string>()
  for (const file of readdirSync('contracts/rules').filter((f) => f.endsWith('.json'))) {
    const data = load(join('contracts/rules', file))
    expect(validate(data), `${file}: ${(validate.errors ?? []).map(describeAjvError).join('\n')}`).toBe(true)
    for (const rule of data.rules) {
      expect(ids.has(rule.id), `duplicate rule id ${rule.id}`).toBe(false)
      ids.add(rule.id)
      const vendor = rule.id.startsWith('feishu') || data.vendor === 'feishu' ? 'feishu' : 'wecom'
      if (rule.code !== 0)
        expect(
          catalogues[vendor].has(rule.code),
          `${file} ${rule.id}: code ${rule.code} not in the ${vendor} catalogue`,
        ).toBe(true)
    }
  }
  expect(ids.size).toBeGreaterThan(0)
})

test('the default seed and every seed under fixtures/ match the seed schema', () => {
  const validate = fullValidatorFor(schema('seed.schema.json'))
  const data = load('fixtures/seed/default.json')
  expect(validate(data), (validate.errors ?? []).map(describeAjvError).join('\n')).toBe(true)
})

test('src/generated/contracts.ts is what scripts/gen-types.ts generates from contracts/schemas (run npm run gen:types)', async () => {
  expect(readFileSync(OUT_FILE, 'utf8')).toBe(await generateTypes())
})

test('src/generated/schemas.ts indexes every request and response schema in contracts/schemas (run npm run gen:types)', () => {
  expect(readFileSync(SCHEMA_INDEX_FILE, 'utf8')).toBe(generateSchemaIndex())
})
