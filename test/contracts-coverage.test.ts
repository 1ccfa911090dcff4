/**
 * The suite covers the documentation: every rule in contracts/rules has a case, every case names real
 * rules and the doc field they are about, the case files match their schema, contracts/coverage.md is
 * current, and the OpenAPI documents are valid OpenAPI 3.1 and match what the generator builds.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { expect, test } from 'vitest'
import { coverage, coverageMarkdown, loadCatalogues } from '../contracts/coverage.ts'
import { CaseFileError, loadCaseFile, loadCases } from '../contracts/runner/cases.ts'
import { resolveValue } from '../contracts/runner/placeholders.ts'
import { COVERAGE_FILE } from '../scripts/contracts-coverage.ts'
import { OPENAPI_FILES, openapiDocument, openapiText } from '../scripts/gen-openapi.ts'

const rules = new Map(loadCatalogues().flatMap(({ data }) => data.rules.map((r) => [r.id, r] as const)))

test('every documented rule, success and failure, has a contract case', () => {
  const uncovered = coverage()
    .filter((r) => r.cases.length === 0)
    .map((r) => `${r.id} (${r.catalogue}, code ${r.code})`)
  expect(uncovered, 'rules with no case: add a case to contracts/cases').toEqual([])
  expect(coverage().some((r) => r.code === 0 && r.cases.length > 0)).toBe(true)
})

test('the coverage check fails for a rule without a case', () => {
  const cases = loadCases().filter((c) => !c.case.rules.includes('feishu.mail.send.store.cap'))
  const rows = coverage(cases)
  expect(rows.filter((r) => r.cases.length === 0).map((r) => r.id)).toEqual(['feishu.mail.send.store.cap'])
  expect(coverageMarkdown(rows)).toContain('| `feishu.mail.send.store.cap` | 0 (HTTP 200) | **none** |')
})

test('every case names rules that exist, the doc field of one of them, and steps of one kind each', () => {
  for (const { case: c } of loadCases()) {
    const named = c.rules.map((id) => rules.get(id))
    expect(named.filter((r) => !r).length, `${c.id} names an unknown rule: ${c.rules.join(', ')}`).toBe(0)
    expect(
      named.some((r) => r!.field === c.doc.field),
      `${c.id}: doc.field "${c.doc.field}" is not the field of ${c.rules.join(', ')}`,
    ).toBe(true)
    for (const s of c.steps) expect(!!s.request !== !!s.control, `${c.id}/${s.id}: request or control`).toBe(true)
    // A case that moves the clock or uses the control plane says so, so live runs skip it.
    if (c.steps.some((s) => s.control)) expect(c.needs?.length, `${c.id} uses the control plane`).toBeGreaterThan(0)
    const actions = new Set(c.steps.map((s) => s.control?.action))
    if (actions.has('setConfig')) expect(c.needs, `${c.id} changes settings`).toContain('config')
    if (actions.has('readBack')) expect(c.needs, `${c.id} reads back`).toContain('control')
    if (actions.has('setClock')) expect(c.needs, `${c.id} sets the clock`).toContain('clock')
  }
})

test('a case file that breaks the case schema is refused with the reason', () => {
  expect(() => loadCaseFile('contracts/schemas/rules.schema.json')).toThrow(CaseFileError)
  expect(() => loadCaseFile('contracts/schemas/rules.schema.json')).toThrow(/missing required field "area"/)
})

/** A one-case file whose single request sends `body`. */
function caseFileWithBody(body: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cases-')), 'one.json')
  const request = { vendor: 'wecom', method: 'POST', path: '/cgi-bin/oa/schedule/add', body }
  const step = { id: 'call', request, expect: { code: 0 } }
  const c = {
    id: 'one',
    rules: ['wecom.schedule.add.success'],
    doc: { url: 'https://example.invalid/doc', field: 'schedule' },
    steps: [step],
  }
  writeFileSync(file, JSON.stringify({ area: 'x', cases: [c] }))
  return file
}

test('a $repeat without a whole number of times is refused by the case schema', () => {
  expect(() => loadCaseFile(caseFileWithBody({ list: { $repeat: { userid: 'u' }, times: 3 } }))).not.toThrow()
  expect(() => loadCaseFile(caseFileWithBody({ list: { $repeat: { userid: 'u' }, time: 3 } }))).toThrow(CaseFileError)
  expect(() => loadCaseFile(caseFileWithBody({ list: { $repeat: 'a', times: 1.5 } }))).toThrow(CaseFileError)
})

test('a $repeat expands to that many copies with {{i}} as the index, or to one string with join', async () => {
  const scope = { now: 0, future: 0, run: 'r', steps: {}, lookup: async () => 'lisi' }
  expect(
    await resolveValue({ $repeat: { file_name: 'a{{i}}.txt', to: '{{wecom.userids.1}}' }, times: 3 }, scope),
  ).toEqual([
    { file_name: 'a0.txt', to: 'lisi' },
    { file_name: 'a1.txt', to: 'lisi' },
    { file_name: 'a2.txt', to: 'lisi' },
  ])
  expect(await resolveValue({ $repeat: 'ab', times: 3, join: '' }, scope)).toBe('ababab')
})

test('contracts/coverage.md is what npm run contracts:coverage writes', () => {
  expect(readFileSync(COVERAGE_FILE, 'utf8')).toBe(coverageMarkdown())
})

test.each([
  'wecom',
  'feishu',
] as const)('contracts/openapi/%s.json is valid OpenAPI 3.1 and what npm run contracts:openapi writes', async (vendor) => {
  expect(readFileSync(OPENAPI_FILES[vendor], 'utf8')).toBe(openapiText(vendor))
  const validator = new Validator()
  const result = await validator.validate(openapiDocument(vendor) as any)
  expect(result.errors ?? []).toEqual([])
  expect(result.valid).toBe(true)
  expect(validator.version).toBe('3.1')
})

test('the OpenAPI validator rejects a broken document (the check can fail)', async () => {
  const doc = openapiDocument('wecom') as any
  delete doc.paths['/cgi-bin/gettoken'].get.responses
  doc.openapi = 3.1
  const result = await new Validator().validate(doc)
  expect(result.valid).toBe(false)
})

test('the OpenAPI documents carry the endpoints, the request and response schemas and the codes of the catalogues', () => {
  const wecom = openapiDocument('wecom') as any
  expect(Object.keys(wecom.paths)).toEqual(
    expect.arrayContaining(['/cgi-bin/gettoken', '/cgi-bin/meeting/create', '/cgi-bin/meeting/update']),
  )
  const create = wecom.paths['/cgi-bin/meeting/create'].post
  expect(create.requestBody.content['application/json'].schema.$ref).toBe(
    '#/components/schemas/WecomMeetingCreateRequest',
  )
  expect(wecom.components.schemas.WecomMeetingCreateRequest.properties.admin_userid).toBeDefined()
  const created = create.responses['200'].content['application/json'].schema
  expect(created.allOf[0].$ref).toBe('#/components/schemas/WecomMeetingCreateResponse')
  expect(created.allOf[1].properties.errcode.enum).toEqual(
    expect.arrayContaining([0, 41001, 40014, 42001, 400040, 400042]),
  )
  expect(wecom.components.schemas.WecomMeetingCreateResponse.oneOf).toEqual([
    { $ref: '#/components/schemas/WecomMeetingCreateResponse/$defs/success' },
    { $ref: '#/components/schemas/WecomError' },
  ])
  expect(wecom.components.schemas.WecomError.required).toEqual(['errcode', 'errmsg'])
  const feishu = openapiDocument('feishu') as any
  const send = feishu.paths['/open-apis/mail/v1/user_mailboxes/{user_mailbox_id}/messages/send'].post
  const expired = send.responses['401'].content['application/json'].schema
  expect(expired.allOf[0].$ref).toBe('#/components/schemas/FeishuMailSendResponse')
  expect(expired.allOf[1].properties.code.enum).toEqual([99991677])
  // A reference across files lands on its component.
  expect(feishu.components.schemas.FeishuAuthAppAccessTokenResponse.oneOf[1].$ref).toBe(
    '#/components/schemas/FeishuAuthTenantAccessTokenResponse/$defs/refusal',
  )
  expect(send.security).toEqual([{ userAccessToken: [] }])
})
