/**
 * The stub server, the Express middleware and the MSW handlers are adapters over one core: given the
 * same faker seed and a frozen clock, the same requests get byte-identical answers through each, and
 * each answer fits its endpoint's response schema.
 */
import { expect, test } from 'vitest'
import { checkExchange } from '../contracts/response-check.ts'
import type { Call, Reply } from './support/core.ts'
import { coreHarness, expressHarness, mswHarness, stubServerHarness } from './support/harness.ts'

const script: Call[] = [
  { path: '/cgi-bin/gettoken', query: {} },
  { path: '/cgi-bin/gettoken', query: { corpid: 'wwdevcorp0000001', corpsecret: 'dev-secret-meetings-1000014' } },
  { method: 'POST', path: '/cgi-bin/meeting/create', query: { access_token: 'not-a-token' }, body: { title: 't' } },
  { method: 'POST', path: '/cgi-bin/meeting/create', body: {} },
  { path: '/cgi-bin/unknown' },
  { method: 'POST', path: '/open-apis/auth/v3/tenant_access_token/internal', body: { app_id: 'x' } },
  {
    method: 'POST',
    path: '/open-apis/auth/v3/tenant_access_token/internal',
    body: { app_id: 'cli_devapp00000001', app_secret: 'dev-feishu-secret-00000001' },
  },
  { method: 'POST', path: '/open-apis/mail/v1/user_mailboxes/me/messages/send', body: {} },
  {
    method: 'POST',
    path: '/open-apis/mail/v1/user_mailboxes/me/messages/send',
    body: {},
    headers: { authorization: 'Bearer u-x' },
  },
  { method: 'PUT', path: '/open-apis/mail/v1/user_mailboxes/me/messages/send' },
]

/** The parts of a response the adapters own: status, body and the vendor's headers. */
function comparable(r: Reply) {
  const keep = ['content-type', 'error-code', 'error-msg', 'x-tt-logid', 'x-request-id', 'x-worksuite-mock-reason']
  return { status: r.status, body: r.text, headers: Object.fromEntries(keep.map((k) => [k, r.headers[k]])) }
}

test('every adapter gives identical responses for the same requests, each in its response schema', async () => {
  const runs: ReturnType<typeof comparable>[][] = []
  for (const factory of [coreHarness, stubServerHarness, expressHarness, mswHarness]) {
    const h = await factory.make({ fakerSeed: 42 })
    h.control.setClock({ now: 1_700_000_000, frozen: true })
    const out = []
    for (const c of script) out.push(comparable(await h.call(c)))
    runs.push(out)
    await h.close()
  }
  expect(runs[0]).toHaveLength(script.length)
  for (const run of runs.slice(1)) expect(run).toEqual(runs[0])
  const method = (c: Call) => c.method ?? (c.body === undefined ? 'GET' : 'POST')
  const problems = script.flatMap((c, i) => checkExchange({ method: method(c), url: c.path }, runs[0]![i]!))
  expect(problems).toEqual([])
})
