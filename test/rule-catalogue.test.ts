/**
 * The rule catalogue's own consistency: one id scheme (<endpoint id>.<field>.<rule>, the endpoint a route or
 * a vendor gateway), the generated table current, aliases that point at a rule with the same answer, checks
 * only where something is refused, and statuses that agree with the error catalogue.
 */
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { endpoints } from '../contracts/client/endpoints.ts'
import { loadCatalogues } from '../contracts/coverage.ts'
import { endpointOfRule, endpointsOf, GATEWAYS, generateRules, RULES_OUT_FILE } from '../scripts/gen-rules.ts'
import { catalogueEntry } from '../src/core/errors.ts'
import { rule, rulesOf } from '../src/core/rules.ts'
import { RULES } from '../src/generated/rules.ts'

const catalogues = loadCatalogues()
const all = Object.values(RULES)

test('src/generated/rules.ts is what scripts/gen-rules.ts generates from contracts/rules (run npm run gen:rules)', () => {
  expect(readFileSync(RULES_OUT_FILE, 'utf8')).toBe(generateRules())
})

test('every rule id starts with its file endpoint id, or one of the endpoints it lists', () => {
  const known = new Set([...endpoints.map((e) => e.id), ...Object.keys(GATEWAYS)])
  for (const { file, data } of catalogues) {
    const mine = endpointsOf(data)
    for (const e of mine) expect(known.has(e), `${file}: ${e} is neither a route id nor a gateway`).toBe(true)
    if (data.endpoints) expect(data.endpoints, `${file}: endpoints lists several`).toHaveLength(new Set(mine).size)
    for (const r of data.rules)
      expect(endpointOfRule(r.id, mine), `${file}: ${r.id} does not start with ${mine.join(' or ')}`).toBeDefined()
  }
})

test('the gateway pseudo-endpoints have rules, and each endpoint rules live in one file', () => {
  expect(rulesOf('wecom.gateway').map((r) => r.id)).toContain('wecom.gateway.access_token.missing')
  expect(rulesOf('feishu.gateway').map((r) => r.id)).toContain('feishu.gateway.authorization.missing')
  const fileOf = new Map<string, string>()
  for (const { file, data } of catalogues)
    for (const r of data.rules) {
      const e = rule(r.id as never).endpoint
      expect(fileOf.get(e) ?? file, `${e} has rules in two files`).toBe(file)
      fileOf.set(e, file)
    }
})

test('a rule refused under another id names a refusing rule with the same code and status', () => {
  const aliases = all.filter((r) => r.refusedAs)
  expect(aliases.length).toBeGreaterThan(0)
  for (const r of aliases) {
    const target = rule(r.refusedAs!)
    expect(target.kind === 'refusal' && !target.refusedAs, `${r.id} → ${target.id}`).toBe(true)
    expect([r.code, r.status], `${r.id} → ${target.id}`).toEqual([target.code, target.status])
    expect(r.check, `${r.id} is refused elsewhere, so it has no check`).toBeUndefined()
  }
})

test('behaviours refuse nothing; every rule with code 0 is a behaviour unless it answers an HTTP error', () => {
  for (const r of all) {
    if (r.code === 0 && r.status < 400) expect(r.kind, r.id).toBe('behaviour')
    if (r.kind === 'behaviour') expect([r.check, r.refusedAs], r.id).toEqual([undefined, undefined])
  }
})

test('a refusing rule answers the HTTP status its code has in the error catalogue', () => {
  for (const r of all.filter((x) => x.kind === 'refusal' && x.code !== 0)) {
    const entry = catalogueEntry(r.vendor, r.code)
    expect([r.status, r.message], r.id).toEqual([entry.status, entry.message])
  }
})

test('the table gives each rule its code, status, catalogue message and doc page', () => {
  expect(rule('wecom.meeting.create.title.length')).toMatchObject({
    endpoint: 'wecom.meeting.create',
    vendor: 'wecom',
    code: 400042,
    status: 200,
    message: '会议title不合法',
    doc: 'https://developer.work.weixin.qq.com/document/path/99104',
    check: { path: 'title', maxWidth: 40 },
  })
  expect(rule('feishu.gateway.authorization.expired')).toMatchObject({ code: 99991677, status: 401 })
  expect(rule('wecom.gateway.path.unknown')).toMatchObject({ kind: 'refusal', code: 0, status: 404, message: '' })
  expect(() => rule('wecom.meeting.create.no-such-rule' as never)).toThrow(/not in contracts\/rules/)
})
