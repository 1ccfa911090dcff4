/**
 * The client report (`GET /__mock/report`, `control.report()`, `worksuite-mock report`): exact counts per route
 * and code from the report's own counters, the documented rules a client broke (also through the intercepting
 * proxy), the documented codes it never received with hints that do produce them, and the JUnit and markdown
 * renderings, well-formed and counted right.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProxyAgent, fetch as undiciFetch } from 'undici'
import { afterEach, expect, test, vi } from 'vitest'
import failureModes from '../contracts/failure-modes.json' with { type: 'json' }
import failureModesSchema from '../contracts/schemas/failure-modes.schema.json' with { type: 'json' }
import { main as reportCli } from '../src/cli-report.ts'
import { resolveConfig } from '../src/core/config.ts'
import { catalogues } from '../src/core/errors.ts'
import type { ClientReport } from '../src/core/report.ts'
import { reportJunit, reportMarkdown } from '../src/core/report-render.ts'
import { describeAjvError, fullValidatorFor } from '../src/core/schema.ts'
import { RULES } from '../src/generated/rules.ts'
import { createEmulator, startStubServer } from '../src/index.ts'
import { CLI_TIMEOUT, finished, runCli } from './support/cli.ts'
import { type Call, testCore } from './support/core.ts'
import { coreHarness, expressHarness, mswHarness, stubServerHarness } from './support/harness.ts'
import { useStubServer } from './support/server.ts'

const CORPID = 'wwdevcorp0000001'
const SECRET = 'dev-secret-meetings-1000014'
const WECOM = 'https://qyapi.weixin.qq.com'
const GETTOKEN = `/cgi-bin/gettoken?corpid=${CORPID}&corpsecret=${SECRET}`
const TOO_LONG = 'x'.repeat(41)
const meeting = (title: string) => ({
  admin_userid: 'zhangsan',
  title,
  meeting_start: Math.floor(Date.now() / 1000) + 3600,
  meeting_duration: 3600,
})

const server = useStubServer()
afterEach(() => server.emulator.control.reset())

const report = async (query = ''): Promise<ClientReport> =>
  (await (await fetch(`${server.url}/__mock/report${query}`)).json()) as ClientReport
const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
const token = async (): Promise<string> =>
  ((await (await fetch(`${server.url}${GETTOKEN}`)).json()) as { access_token: string }).access_token
const codesOf = (r: ClientReport, route: string) => r.endpoints.find((e) => e.route === route)?.codes

test('the report counts each answered request per route and per code, exactly, and says how many it covers', async () => {
  const t = await token()
  await token()
  await post(`/cgi-bin/meeting/create?access_token=${t}`, meeting('weekly'))
  await post(`/cgi-bin/meeting/create?access_token=${t}`, meeting(TOO_LONG))
  await post(`/cgi-bin/meeting/create?access_token=${t}`, meeting(TOO_LONG))
  await post('/cgi-bin/no/such/path', {})
  await post('/open-apis/mail/v1/user_mailboxes/me/messages/send', {})
  const r = await report()
  expect(r.requests).toBe(7)
  expect(r.journal).toEqual({ held: 7, capacity: 1000, oldestSeq: 1 })
  expect(r.endpoints).toEqual([
    { route: 'wecom.gettoken', calls: 2, codes: { '0': 2 } },
    { route: 'wecom.meeting.create', calls: 3, codes: { '0': 1, '400042': 2 } },
    { route: 'feishu.mail.send', calls: 1, codes: { '99991661': 1 } },
    { route: 'wecom.gateway', calls: 1, codes: { 'http 404': 1 } },
  ])
  expect(r.violations.map((v) => [v.rule, v.count, v.routes])).toEqual([
    ['wecom.meeting.create.title.length', 2, { 'wecom.meeting.create': 2 }],
    ['feishu.gateway.authorization.missing', 1, { 'feishu.mail.send': 1 }],
    ['wecom.gateway.path.unknown', 1, { 'wecom.gateway': 1 }],
  ])
  // An answer with no vendor code (the unknown path's 404) names its HTTP status instead.
  expect(r.violations.find((v) => v.rule === 'wecom.gateway.path.unknown')).toMatchObject({ code: null, status: 404 })
  expect(r.uncalled).toContain('wecom.schedule.add')
  expect(r.uncalled).not.toContain('wecom.meeting.create')
})

test('a meeting/create with an over-long title sent through the proxy appears under violations with its rule id and under endpoints with its code', async () => {
  const caDir = join(mkdtempSync(join(tmpdir(), 'report-proxy-')), 'ca')
  const emulator = createEmulator({ config: { proxy: { port: 0, caDir } } })
  const s = await startStubServer(emulator, { port: 0 })
  const agent = new ProxyAgent({ uri: s.proxyUrl!, requestTls: { ca: s.ca!.certPem } })
  try {
    const got = (await (await undiciFetch(`${WECOM}${GETTOKEN}`, { dispatcher: agent })).json()) as any
    const created = await undiciFetch(`${WECOM}/cgi-bin/meeting/create?access_token=${got.access_token}`, {
      dispatcher: agent,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(meeting(TOO_LONG)),
    })
    expect(((await created.json()) as any).errcode).toBe(400042)
    const reasonHeader = created.headers.get('x-worksuite-mock-reason')!
    const r = (await (await fetch(`${s.url}/__mock/report`)).json()) as ClientReport
    expect(codesOf(r, 'wecom.meeting.create')).toEqual({ '400042': 1 })
    const v = r.violations.find((x) => x.rule === 'wecom.meeting.create.title.length')
    expect(v).toMatchObject({ code: 400042, count: 1, routes: { 'wecom.meeting.create': 1 }, reason: reasonHeader })
    // The example is the journal entry of that very request.
    const journal = (await (
      await fetch(`${s.url}/__mock/requests?reason=wecom.meeting.create.title.length`)
    ).json()) as any
    expect(journal.entries.map((e: any) => e.seq)).toEqual([v!.example])
  } finally {
    await agent.close()
    await s.close()
  }
}, 60_000)

test('reset clears the counters; emptying the journal does not, and an example it no longer holds is null', async () => {
  const t = await token()
  await post(`/cgi-bin/meeting/create?access_token=${t}`, meeting(TOO_LONG))
  await fetch(`${server.url}/__mock/requests`, { method: 'DELETE' })
  const kept = await report()
  expect(kept.requests).toBe(2)
  expect(kept.journal).toEqual({ held: 0, capacity: 1000, oldestSeq: null })
  expect(kept.violations).toMatchObject([{ rule: 'wecom.meeting.create.title.length', count: 1, example: null }])
  await fetch(`${server.url}/__mock/reset`, { method: 'POST' })
  expect(await report()).toMatchObject({ requests: 0, endpoints: [], violations: [], unexercised: [] })
})

test('an example is null once the bounded journal has evicted it, while the counts go on', async () => {
  const core = testCore({ config: { journal: { maxEntries: 2 } } })
  const body = meeting(TOO_LONG)
  const t = (await core.call({ path: '/cgi-bin/gettoken', query: { corpid: CORPID, corpsecret: SECRET } })).json
    .access_token
  await core.call({ method: 'POST', path: '/cgi-bin/meeting/create', query: { access_token: t }, body })
  for (let i = 0; i < 3; i++)
    await core.call({ path: '/cgi-bin/gettoken', query: { corpid: CORPID, corpsecret: SECRET } })
  const r = core.control.report()
  expect(r.requests).toBe(5)
  expect(r.journal).toEqual({ held: 2, capacity: 2, oldestSeq: 4 })
  expect(codesOf(r, 'wecom.gettoken')).toEqual({ '0': 4 })
  expect(r.violations).toMatchObject([{ rule: 'wecom.meeting.create.title.length', count: 1, example: null }])
})

test('unexercised lists 42001 with a clock move past the token lifetime and 45009 with a fault rule, and each hint produces its code', async () => {
  const t = await token()
  await post(`/cgi-bin/meeting/create?access_token=${t}`, meeting('weekly'))
  const before = (await report()).unexercised.find((u) => u.route === 'wecom.meeting.create')!
  const expired = before.codes.find((c) => c.code === 42001)!
  const limited = before.codes.find((c) => c.code === 45009)!
  expect(expired).toMatchObject({
    message: 'access_token expired',
    rules: ['wecom.gateway.access_token.expired'],
    hint: {
      clock: { method: 'PUT', path: '/__mock/clock', body: { advance: 7201 } },
      expireToken: { method: 'POST', path: '/__mock/tokens/expire' },
      fault: { body: { match: { path: '/cgi-bin/meeting/create' }, respond: { errcode: 42001 }, times: 1 } },
    },
  })
  expect(limited).toMatchObject({ rules: [], when: expect.stringContaining('frequency') })
  expect(limited.hint).toEqual({
    fault: {
      method: 'POST',
      path: '/__mock/faults',
      body: { match: { path: '/cgi-bin/meeting/create' }, respond: { errcode: 45009 }, times: 1 },
    },
  })
  // Follow the hints as given: a fault, then the clock move.
  const send = (h: { method: string; path: string; body: unknown }) =>
    fetch(`${server.url}${h.path}`, { method: h.method, body: JSON.stringify(h.body) })
  expect((await send(limited.hint.fault!)).status).toBe(201)
  const faulted: any = await (await post(`/cgi-bin/meeting/create?access_token=${t}`, meeting('weekly'))).json()
  expect(faulted.errcode).toBe(45009)
  expect((await send(expired.hint.clock!)).status).toBe(200)
  const stale: any = await (await post(`/cgi-bin/meeting/create?access_token=${t}`, meeting('weekly'))).json()
  expect(stale.errcode).toBe(42001)
  const after = (await report()).unexercised.find((u) => u.route === 'wecom.meeting.create')!
  expect(after.codes.map((c) => c.code)).not.toContain(42001)
  expect(after.codes.map((c) => c.code)).not.toContain(45009)
  expect(after.codes.length).toBe(before.codes.length - 2)
})

test('unexercised lists a route’s rule codes, its auth kind’s and the vendor-wide ones, and every fault hint is a rule the control plane accepts', async () => {
  const core = testCore()
  const calls: Call[] = [
    { path: '/cgi-bin/gettoken' },
    { method: 'POST', path: '/open-apis/mail/v1/user_mailboxes/me/messages/send', body: {} },
    { method: 'POST', path: '/open-apis/auth/v3/tenant_access_token/internal', body: {} },
  ]
  for (const c of calls) await core.call(c)
  const r = core.control.report()
  const send = r.unexercised.find((u) => u.route === 'feishu.mail.send')!.codes
  // The send rules' (1236006 the mailbox lock), the user-token gateway's (99991677 expiry) and the vendor-wide 99991672.
  expect(send.find((c) => c.code === 1236006)!.rules).toEqual(['feishu.mail.send.lock.serial'])
  expect(send.find((c) => c.code === 99991677)!.hint.expireToken).toBeDefined()
  expect(send.find((c) => c.code === 99991672)!.when).toBeDefined()
  expect(send.find((c) => c.code === 99991400)!).toMatchObject({
    rules: ['feishu.mail.send.rate-limit'],
    when: expect.any(String),
  })
  // A token endpoint meets no user-token codes.
  const tenant = r.unexercised.find((u) => u.route === 'feishu.auth.tenant_access_token')!.codes.map((c) => c.code)
  expect(tenant).toContain(99991400)
  expect(tenant).not.toContain(99991672)
  expect(tenant).not.toContain(99991677)
  let hints = 0
  for (const u of r.unexercised)
    for (const c of u.codes) {
      expect(c.hint.fault, `${u.route} ${c.code}`).toBeDefined()
      expect(() => core.control.addFault(c.hint.fault!.body as any), `${u.route} ${c.code}`).not.toThrow()
      hints++
    }
  expect(hints).toBeGreaterThan(20)
})

test('contracts/failure-modes.json matches its schema, names catalogue codes, refusal rules and lifetime settings', () => {
  const validate = fullValidatorFor(failureModesSchema)
  expect(validate(failureModes), (validate.errors ?? []).map(describeAjvError).join('\n')).toBe(true)
  for (const m of failureModes.vendorWide)
    expect(catalogues[m.vendor as 'wecom' | 'feishu'].has(m.code), `${m.vendor} ${m.code}`).toBe(true)
  const config = resolveConfig({}) as unknown as Record<string, Record<string, unknown>>
  for (const c of failureModes.clock) {
    expect((RULES as Record<string, { kind: string }>)[c.rule]?.kind, c.rule).toBe('refusal')
    const [section, key] = c.lifetime.split('.') as [string, string]
    expect(typeof config[section]?.[key], c.lifetime).toBe('number')
  }
})

test('a token endpoint’s refusal is journalled and reported under the rule its reason header names', async () => {
  const res = await post('/open-apis/auth/v3/tenant_access_token/internal', {
    app_id: 'cli_devapp00000001',
    app_secret: 'wrong',
  })
  const reason = res.headers.get('x-worksuite-mock-reason')!
  expect(reason).toMatch(/^feishu\.auth\.tenant_access_token\.app_secret\.valid: /)
  const journal = (await (await fetch(`${server.url}/__mock/requests`)).json()) as any
  expect(journal.entries[0].reason).toBe(reason)
  expect((await report()).violations).toMatchObject([
    { rule: 'feishu.auth.tenant_access_token.app_secret.valid', count: 1 },
  ])
})

/** A strict reading of the XML the renderer writes: elements, quoted attributes, the five entities, no control characters. */
interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  text: string
}
function parseXml(src: string): XmlElement {
  const decode = (s: string, at: number) => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 cannot hold
    if (/[<\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s)) throw new Error(`a forbidden character near ${at}`)
    return s.replace(/&([^;&]*)(;?)/g, (_, name: string, semi: string) => {
      const map: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
      if (!semi || !(name in map)) throw new Error(`a bad entity &${name} near ${at}`)
      return map[name]!
    })
  }
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(src)
  if (!decl) throw new Error('no XML declaration')
  const TAG = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w-]*="[^"<]*")*)\s*(\/?)>/y
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  let i = decl[0].length
  while (i < src.length) {
    const lt = src.indexOf('<', i)
    const text = decode(src.slice(i, lt < 0 ? src.length : lt), i)
    if (stack.length) stack.at(-1)!.text += text
    else if (text.trim()) throw new Error(`text outside the root near ${i}`)
    if (lt < 0) break
    TAG.lastIndex = lt
    const m = TAG.exec(src)
    if (!m) throw new Error(`a malformed tag near ${lt}: ${src.slice(lt, lt + 60)}`)
    const [whole, close, name, attrText, selfClose] = m as unknown as [string, string, string, string, string]
    i = lt + whole.length
    if (close) {
      if (stack.pop()?.name !== name) throw new Error(`</${name}> closes nothing open near ${lt}`)
      continue
    }
    const attrs: Record<string, string> = {}
    for (const a of attrText.matchAll(/([A-Za-z][\w-]*)="([^"]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`attribute ${a[1]} twice near ${lt}`)
      attrs[a[1]!] = decode(a[2]!, lt)
    }
    const el: XmlElement = { name, attrs, children: [], text: '' }
    if (stack.length) stack.at(-1)!.children.push(el)
    else if (root) throw new Error('a second root')
    else root = el
    if (!selfClose) stack.push(el)
  }
  if (stack.length || !root) throw new Error('unclosed elements')
  return root
}

test('the JUnit rendering is well-formed XML with each route a suite, each violation a failed testcase and its counts right', async () => {
  const core = testCore()
  const t = (await core.call({ path: '/cgi-bin/gettoken', query: { corpid: CORPID, corpsecret: SECRET } })).json
    .access_token
  await core.call({
    method: 'POST',
    path: '/cgi-bin/meeting/create',
    query: { access_token: t },
    body: meeting(TOO_LONG),
  })
  // A reason that repeats what the client sent, with every XML special and a control character in it.
  await core.call({ method: 'POST', path: `/cgi-bin/a<b>&"c'\u0001]]>`, body: {} })
  const r = core.control.report()
  const xml = reportJunit(r)
  const root = parseXml(xml)
  expect(root.name).toBe('testsuites')
  const suites = root.children
  expect(suites.map((s) => s.attrs.name)).toEqual(r.endpoints.map((e) => e.route))
  let tests = 0
  let failures = 0
  let skipped = 0
  for (const s of suites) {
    const cases = s.children.filter((c) => c.name === 'testcase')
    const failed = cases.filter((c) => c.children.some((x) => x.name === 'failure'))
    const skips = cases.filter((c) => c.children.some((x) => x.name === 'skipped'))
    expect([s.attrs.tests, s.attrs.failures, s.attrs.skipped]).toEqual(
      [cases.length, failed.length, skips.length].map(String),
    )
    tests += cases.length
    failures += failed.length
    skipped += skips.length
  }
  expect([root.attrs.tests, root.attrs.failures, root.attrs.skipped]).toEqual([tests, failures, skipped].map(String))
  expect(failures).toBe(r.violations.length)
  expect(skipped).toBe(r.unexercised.reduce((n, u) => n + u.codes.length, 0))
  const create = suites.find((s) => s.attrs.name === 'wecom.meeting.create')!
  const failure = create.children
    .find((c) => c.attrs.name === 'wecom.meeting.create.title.length')!
    .children.find((c) => c.name === 'failure')!
  expect(failure.attrs.message).toBe('wecom.meeting.create.title.length: broken 1 time, answered 400042')
  expect(failure.attrs.type).toBe('RuleViolation')
  // The client's text comes back as it was sent, less the character XML cannot hold.
  const gateway = suites.find((s) => s.attrs.name === 'wecom.gateway')!
  expect(JSON.stringify(gateway)).toContain(`a<b>&\\"c'`)
  const python = spawnSync(
    'python3',
    ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())'],
    {
      input: xml,
      timeout: 20_000,
    },
  )
  if (!python.error) expect(python.status, python.stderr?.toString()).toBe(0)
})

test('the markdown rendering escapes what the client sent and folds the codes never received per route', async () => {
  const core = testCore()
  await core.call({ method: 'POST', path: '/cgi-bin/x|<script>`y`', body: {} })
  await core.call({ path: '/cgi-bin/gettoken' })
  const md = reportMarkdown(core.control.report())
  expect(md).toContain('## worksuite-mock client report')
  expect(md).not.toContain('<script>')
  expect(md).toContain('\\|&lt;script&gt;\\`y\\`')
  expect(md).toMatch(/<details><summary><code>wecom\.gettoken<\/code>: \d+ codes<\/summary>/)
  // Every table row has as many cells as its header.
  for (const table of md.split('\n\n').filter((b) => b.startsWith('| '))) {
    const rows = table.split('\n')
    const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length
    for (const row of rows) expect(cells(row), row).toBe(cells(rows[0]!))
  }
})

test('GET /__mock/report answers JUnit and markdown with ?format=, and refuses another format with 400', async () => {
  await token()
  const junit = await fetch(`${server.url}/__mock/report?format=junit`)
  expect(junit.headers.get('content-type')).toBe('application/xml; charset=utf-8')
  expect(await junit.text()).toBe(reportJunit(server.emulator.control.report()))
  const md = await fetch(`${server.url}/__mock/report?format=markdown`)
  expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8')
  expect(await md.text()).toBe(reportMarkdown(server.emulator.control.report()))
  const bad = await fetch(`${server.url}/__mock/report?format=html`)
  expect(bad.status).toBe(400)
  expect(await bad.json()).toEqual({ error: 'query parameter "format" must be one of json, junit, markdown' })
})

test('the report is the same through the core, the stub server, the Express middleware and MSW', async () => {
  const script: Call[] = [
    { path: '/cgi-bin/gettoken', query: { corpid: CORPID, corpsecret: SECRET } },
    { method: 'POST', path: '/cgi-bin/meeting/create', query: { access_token: 'not-a-token' }, body: { title: 't' } },
    { path: '/cgi-bin/unknown' },
    { method: 'POST', path: '/open-apis/mail/v1/user_mailboxes/me/messages/send', body: {} },
    { method: 'POST', path: '/open-apis/auth/v3/tenant_access_token/internal', body: { app_id: 'x' } },
  ]
  const reports: ClientReport[] = []
  for (const factory of [coreHarness, stubServerHarness, expressHarness, mswHarness]) {
    const h = await factory.make({ fakerSeed: 7 })
    try {
      for (const c of script) await h.call(c)
      reports.push(h.control.report())
    } finally {
      await h.close()
    }
  }
  expect(reports[0]!.requests).toBe(script.length)
  for (const r of reports.slice(1)) expect(r).toEqual(reports[0])
})

test('report --target writes the JUnit and markdown files, prints the summary and exits 0; --fail-on-violations exits 1', async () => {
  const t = await token()
  await post(`/cgi-bin/meeting/create?access_token=${t}`, meeting(TOO_LONG))
  const dir = mkdtempSync(join(tmpdir(), 'report-cli-'))
  const junit = join(dir, 'out', 'report.xml')
  const md = join(dir, 'out', 'report.md')
  const log = vi.spyOn(console, 'log').mockImplementation(() => {})
  try {
    expect(await reportCli(['--target', server.url, '--junit', junit, '--markdown', md])).toBe(0)
    const printed = log.mock.calls.map((c) => c.join(' ')).join('\n')
    expect(printed).toContain('report: 2 requests since the last reset')
    expect(printed).toContain('wecom.meeting.create.title.length (400042) ×1')
    const r = server.emulator.control.report()
    expect(readFileSync(junit, 'utf8')).toBe(reportJunit(r))
    expect(readFileSync(md, 'utf8')).toBe(reportMarkdown(r))
    log.mockClear()
    expect(await reportCli(['--target', `${server.url}/`, '--json', '--fail-on-violations'])).toBe(1)
    expect(JSON.parse(log.mock.calls[0]![0] as string)).toEqual(r)
  } finally {
    log.mockRestore()
  }
})

test('report exits 2 on a usage error and when the target does not answer', async () => {
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const { port } = closed.address() as AddressInfo
  await new Promise((resolve) => closed.close(resolve))
  const err = vi.spyOn(console, 'error').mockImplementation(() => {})
  try {
    expect(await reportCli([])).toBe(2)
    expect(await reportCli(['--target', server.url, '--html'])).toBe(2)
    expect(await reportCli(['--target', `http://127.0.0.1:${port}`])).toBe(2)
    expect(err.mock.calls.at(-1)![0]).toMatch(
      new RegExp(`^report: http://127\\.0\\.0\\.1:${port}/__mock/report: ECONNREFUSED`),
    )
  } finally {
    err.mockRestore()
  }
})

test(
  'worksuite-mock report runs as a command against a running server',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-bin-'))
    const junit = join(dir, 'junit.xml')
    writeFileSync(join(dir, '.keep'), '')
    await token()
    const r = await finished(runCli(['report', '--target', server.url, '--junit', junit]))
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('report: 1 request since the last reset')
    expect(readFileSync(junit, 'utf8')).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /)
  },
  CLI_TIMEOUT,
)
