/**
 * The contract suite runs green against the emulator in process and against a started stub server, with
 * both shipped clients, every answer checked against its response schema; its JUnit report lists every
 * case; a broken expectation, or an answer that breaks its schema, fails the run.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'

// Whole-suite runs: the mail lock holds each send for its default 200 ms, and two cases send ~50 MB bodies.
const SUITE_TIMEOUT = 180_000

import type { ContractClient } from '../contracts/client/types.ts'
import { loadCases } from '../contracts/runner/cases.ts'
import { main } from '../contracts/runner/cli.ts'
import { junitXml } from '../contracts/runner/report.ts'
import { makeClient, runContracts } from '../contracts/runner/run.ts'
import { emulatorTarget, urlTarget } from '../contracts/runner/targets.ts'
import { createEmulator, type StubServer, startStubServer } from '../src/index.ts'

const all = loadCases()
let server: StubServer

beforeAll(async () => {
  server = await startStubServer(createEmulator(), { host: '127.0.0.1', port: 0 })
})
afterAll(async () => {
  await server.close()
})

function failuresOf(report: Awaited<ReturnType<typeof runContracts>>): string {
  return report.results
    .filter((r) => r.status !== 'passed')
    .map((r) => `${r.id}: ${r.reason}`)
    .join('\n')
}

test(
  'every case passes against the emulator in process, its answers in their response schemas, and the JUnit report lists each one',
  async () => {
    const report = await runContracts({ target: emulatorTarget(), validateResponses: true })
    expect(failuresOf(report)).toBe('')
    expect(report.summary).toMatchObject({ passed: all.length, failed: 0, skipped: 0, total: all.length })
    expect(report.cleanupFailures).toEqual([])
    const xml = junitXml(report)
    expect(xml.match(/<testcase /g)?.length).toBe(all.length)
    expect(xml).toContain(`tests="${all.length}" failures="0" skipped="0"`)
    expect(xml).not.toContain('<failure')
    for (const area of new Set(all.map((c) => c.area))) expect(xml).toContain(`<testsuite name="${area}"`)
  },
  SUITE_TIMEOUT,
)

test(
  'every case passes against a started stub server, with the fetch client, its answers in their response schemas',
  async () => {
    const report = await runContracts({ target: await urlTarget(server.url), validateResponses: true })
    expect(failuresOf(report)).toBe('')
    expect(report.summary.passed).toBe(all.length)
    // Requests went over HTTP: the server's journal saw them.
    expect(report.results.every((r) => r.steps.length > 0)).toBe(true)
  },
  SUITE_TIMEOUT,
)

test('runContracts takes urlTarget(url) as the docs write it, unawaited', async () => {
  const report = await runContracts({ target: urlTarget(server.url), filter: 'wecom.meeting.create.title' })
  expect(failuresOf(report)).toBe('')
  expect(report.summary.passed).toBeGreaterThan(0)
})

test(
  'every case passes with the official Feishu SDK as the client, in process and over HTTP',
  async () => {
    for (const target of [emulatorTarget(), await urlTarget(server.url)]) {
      const report = await runContracts({ target, client: 'lark-sdk', filter: 'feishu', validateResponses: true })
      expect(failuresOf(report)).toBe('')
      expect(report.summary.passed).toBeGreaterThan(5)
      expect(report.client).toBe('lark-sdk')
      // The SDK sent the well-formed token calls itself (a tenant token over the SDK, 10003 as data).
      expect(report.results.some((r) => r.steps.some((s) => s.via === 'client'))).toBe(true)
    }
  },
  SUITE_TIMEOUT,
)

test('a case whose expectation the emulator does not meet fails, says why, and lands in the JUnit file', async () => {
  const [sample] = loadCases().filter((c) => c.case.id === 'wecom.gateway.access_token.never-issued')
  const broken = structuredClone(sample!)
  ;(broken.case.steps[0]!.expect as { code: number }).code = 40013
  const report = await runContracts({ target: emulatorTarget(), cases: [broken] })
  expect(report.summary).toMatchObject({ failed: 1, passed: 0 })
  expect(report.results[0]!.failures[0]).toMatch(/errcode: expected 40013, got 40014/)
  expect(junitXml(report)).toMatch(/<failure message="call: errcode: expected 40013, got 40014/)
})

test('with validateResponses, a case whose answer breaks its response schema fails and says where; without, it passes', async () => {
  // The emulator's gettoken answers, with one field the schema does not know: the case's own expectations still hold.
  const tampering = async (target: Parameters<typeof makeClient>[1]): Promise<ContractClient> => {
    const inner = await makeClient('fetch', target)
    return {
      ...inner,
      wecomGetToken: async (query) => {
        const res = await inner.wecomGetToken(query)
        const json = { ...(res.json as object), expires_at: 0 }
        return { ...res, json, text: JSON.stringify(json) }
      },
    }
  }
  const cases = loadCases().filter((c) => c.case.id === 'wecom.gettoken.fresh-expires-in-7200')
  expect(cases).toHaveLength(1)
  const checked = await runContracts({ target: emulatorTarget(), client: tampering, cases, validateResponses: true })
  expect(checked.summary).toMatchObject({ failed: 1, passed: 0 })
  expect(checked.results[0]!.failures[0]).toBe(
    'get: response schema: wecom.gettoken answered HTTP 200: WecomGettokenSuccess: (root): unknown field "expires_at"',
  )
  const unchecked = await runContracts({ target: emulatorTarget(), client: tampering, cases })
  expect(unchecked.summary).toMatchObject({ failed: 0, passed: 1 })
})

test('a case refused by another rule with the same code fails on the emulator, naming both rules; live runs do not look', async () => {
  const [original] = loadCases().filter((c) => c.case.id === 'wecom.meeting.create.title.length')
  expect(original).toBeDefined()
  // title.required answers 400042 too: the code alone cannot tell the two apart, the reason header can.
  const wrong = {
    ...original!,
    case: { ...original!.case, rules: ['wecom.meeting.create.title.required'] as [string] },
  }
  const emulator = await runContracts({ target: emulatorTarget(), cases: [wrong] })
  expect(emulator.summary).toMatchObject({ failed: 1 })
  expect(emulator.results[0]!.reason).toMatch(
    /^call: x-worksuite-mock-reason: HTTP 200 code 400042 by "wecom\.meeting\.create\.title\.length: .*", not by wecom\.meeting\.create\.title\.required$/,
  )
  const asIfLive = { ...emulatorTarget(), kind: 'live' as const }
  expect((await runContracts({ target: asIfLive, cases: [wrong], paceMs: 0 })).summary).toMatchObject({ passed: 1 })
  // A rule refused under another id is answered by that one: the gateway's, for meeting/create's GET.
  const alias = loadCases().filter((c) => c.case.rules.includes('wecom.meeting.create.method.post'))
  expect((await runContracts({ target: emulatorTarget(), cases: alias })).summary).toMatchObject({ passed: 1 })
})

test('the CLI writes a JUnit file, exits 0 when green, and refuses a live run without --live', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'contracts-'))
  const file = join(dir, 'junit.xml')
  const log = console.log
  console.log = () => {}
  try {
    expect(await main(['--target', 'emulator', '--filter', 'auth', '--junit', file])).toBe(0)
    expect(await main(['--target', server.url, '--filter', '/^wecom\\.gettoken/', '--validate-responses'])).toBe(0)
  } finally {
    console.log = log
  }
  const xml = readFileSync(file, 'utf8')
  const authCases = all.filter((c) => c.area.startsWith('auth')).length
  expect(xml.match(/<testcase /g)?.length).toBe(authCases)
  const err = console.error
  console.error = () => {}
  try {
    expect(await main(['--target', 'live'])).toBe(2)
    expect(await main(['--client', 'curl'])).toBe(2)
  } finally {
    console.error = err
  }
})
