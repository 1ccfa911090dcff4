/**
 * Settings at run time (control.setConfig, PUT /__mock/config) and the case steps built on the control
 * plane: setConfig, readBack and parallel steps act, and fail the case when their expectation is not met.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { loadCases } from '../contracts/runner/cases.ts'
import { runContracts } from '../contracts/runner/run.ts'
import { emulatorTarget, liveTarget, urlTarget } from '../contracts/runner/targets.ts'
import { ControlError } from '../src/core/control.ts'
import { createEmulator, type StubServer, startStubServer } from '../src/index.ts'

let server: StubServer
beforeAll(async () => {
  server = await startStubServer(createEmulator(), { host: '127.0.0.1', port: 0 })
})
afterAll(async () => {
  await server.close()
})

test('control.setConfig merges a partial config over the settings in effect, and reset restores the start-up ones', () => {
  const core = createEmulator({ config: { feishu: { mail: { lockHoldMs: 0 } } } })
  core.control.setConfig({ feishu: { mail: { daily: { sendsPerUser: 1 } } } })
  expect(core.control.config().feishu.mail.daily).toMatchObject({ sendsPerUser: 1, externalRecipientsPerUser: 1000 })
  expect(core.control.config().feishu.mail.lockHoldMs).toBe(0)
  core.control.reset()
  expect(core.control.config().feishu.mail.daily.sendsPerUser).toBe(1000)
  expect(core.control.config().feishu.mail.lockHoldMs).toBe(0)
})

test('control.setConfig refuses a bad value and a start-up-only setting with a 400 naming the field', () => {
  const core = createEmulator()
  expect(() => core.control.setConfig({ feishu: { mail: { lockHoldMs: -1 } } })).toThrow(ControlError)
  expect(() => core.control.setConfig({ feishu: { mail: { lockHoldMs: -1 } } })).toThrow(/lockHoldMs/)
  expect(() => core.control.setConfig({ wecom: { maxMeetings: 5 } })).toThrow(
    /"wecom.maxMeetings" applies only at start-up/,
  )
  expect(() => core.control.setConfig({ nope: 1 })).toThrow(/nope/)
  expect(core.control.config().feishu.mail.lockHoldMs).toBe(200)
})

test('PUT /__mock/config changes what the next request sees; a bad value answers 400 naming the field', async () => {
  const put = (body: unknown) =>
    fetch(`${server.url}/__mock/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  await fetch(`${server.url}/__mock/reset`, { method: 'POST' })
  const ok = await put({ feishu: { mail: { checks: { throttledMailboxes: ['user@xxx.xx'] }, lockHoldMs: 0 } } })
  expect(ok.status).toBe(200)
  expect(((await ok.json()) as { feishu: { mail: { lockHoldMs: number } } }).feishu.mail.lockHoldMs).toBe(0)
  const send = await fetch(`${server.url}/open-apis/mail/v1/user_mailboxes/me/messages/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer u-dev-user-token-1' },
    body: JSON.stringify({ subject: 's', to: [{ mail_address: 'jane@xxx.xx' }], body_plain_text: 'x' }),
  })
  expect([send.status, ((await send.json()) as { code: number }).code]).toEqual([429, 1236010])
  const bad = await put({ feishu: { mail: { rateLimitPerMinute: 'many' } } })
  expect(bad.status).toBe(400)
  expect(((await bad.json()) as { error: string }).error).toMatch(/rateLimitPerMinute/)
  await fetch(`${server.url}/__mock/reset`, { method: 'POST' })
  const after = (await (await fetch(`${server.url}/__mock/config`)).json()) as { feishu: { mail: { checks: object } } }
  expect(after.feishu.mail.checks).toMatchObject({ throttledMailboxes: [] })
})

const pick = (id: string) => structuredClone(loadCases().find((c) => c.case.id === id)!)

test('a parallel step fails the case when the answers do not fall in the expected counts', async () => {
  const c = pick('feishu.mail.send.lock.serial')
  const step = c.case.steps[0]!
  step.expect!.counts = [{ status: 200, code: 0, count: 5 }]
  const report = await runContracts({ target: emulatorTarget(), cases: [c] })
  expect(report.summary.failed).toBe(1)
  expect(report.results[0]!.reason).toMatch(/expected 5 answer\(s\) with HTTP 200 code 0, got 1/)
})

test('a read-back step fails the case when what the control plane holds does not match', async () => {
  const c = pick('wecom.exmail.compose_send.meeting.absent')
  const step = c.case.steps.find((s) => s.id === 'mail')!
  step.expect = { fields: { count: 2 } }
  const report = await runContracts({ target: emulatorTarget(), cases: [c] })
  expect(report.results[0]!.reason).toMatch(/mail: count: expected 2, got 1/)
})

test('config, control and clock cases run against a stub server over HTTP and are skipped on live', async () => {
  const filter =
    '/^(feishu\\.mail\\.send\\.(check\\.throttled|store\\.cap|rate-limit)|wecom\\.exmail\\.compose_send\\.cancel)$/'
  const overHttp = await runContracts({
    target: await urlTarget(server.url),
    filter,
  })
  expect(overHttp.summary).toMatchObject({ passed: 4, failed: 0 })
  const live = await runContracts({ target: liveTarget({}), filter })
  expect(live.summary).toMatchObject({ skipped: 4, passed: 0, failed: 0 })
  expect(live.results[0]!.reason).toMatch(/needs the emulator's config/)
})
