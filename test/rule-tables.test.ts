/** The rule tables (test/support/contract-cases.ts) can fail: a broken case and a malformed refusal are caught. */
import { expect, test } from 'vitest'
import { makeClient, runCase } from '../contracts/runner/run.ts'
import { casesOf, harnessTarget, wecomEnvelopeFaults } from './support/contract-cases.ts'
import { mswHarness } from './support/harness.ts'

test('a case whose expected code the adapter does not answer fails through the harness target', async () => {
  const [c] = casesOf('wecom.schedule.get.json').filter(
    (x) => x.case.id === 'wecom.schedule.get.schedule_id_list.required',
  )
  const broken = structuredClone(c!)
  ;(broken.case.steps.at(-1)!.expect as { code: number }).code = 90461
  const h = await mswHarness.make()
  try {
    const target = harnessTarget(h)
    const session = { target, client: await makeClient('fetch', target), run: 'r', tokens: new Map() }
    expect((await runCase(c!, session)).status).toBe('passed')
    const result = await runCase(broken, session)
    expect(result.status).toBe('failed')
    expect(result.failures.join('\n')).toMatch(/errcode: expected 90461, got 90462/)
  } finally {
    await h.close()
  }
})

test('a WeCom refusal without the Error-Code header or the hint/ip errmsg is reported', () => {
  const reply = (errcode: number, errmsg: string, headers: Record<string, string>) => ({
    status: 200,
    headers,
    text: '',
    json: { errcode, errmsg },
  })
  const good = 'invalid Request Parameter, hint: [1700000000123456789012345], from ip: 127.0.0.1, more info at …'
  expect(wecomEnvelopeFaults([reply(40058, good, { 'error-code': '40058' }), reply(0, 'ok', {})])).toEqual([])
  expect(wecomEnvelopeFaults([reply(40058, good, {})])).toEqual(['errcode 40058 with Error-Code undefined'])
  expect(wecomEnvelopeFaults([reply(40058, 'invalid', { 'error-code': '40058' })])).toEqual([
    'errcode 40058 errmsg "invalid"',
  ])
})
