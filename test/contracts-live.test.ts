/**
 * A live-mode run against a stub server posing as the live APIs (base URLs and credentials from the
 * environment, as a real live run reads them): cases that need the control plane are skipped, requests
 * are paced, and everything booked is cancelled — also when a case fails — as the control plane shows.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type LoadedCase, loadCases } from '../contracts/runner/cases.ts'
import { runContracts } from '../contracts/runner/run.ts'
import { liveTarget } from '../contracts/runner/targets.ts'
import type { ContractCase } from '../src/generated/contracts.ts'
import { createEmulator, type Emulator, type StubServer, startStubServer } from '../src/index.ts'

let emu: Emulator
let server: StubServer
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  emu = createEmulator()
  server = await startStubServer(emu, { host: '127.0.0.1', port: 0 })
  const d = emu.control.defaults()
  const user = d.feishu.users[0]!
  env = {
    WECOM_BASE_URL: server.url,
    FEISHU_BASE_URL: `${server.url}/`,
    WECOM_CORP_ID: d.wecom.corpid,
    WECOM_CORP_SECRET: d.wecom.apps[0]!.corpsecret,
    WECOM_USER_IDS: 'zhangsan, lisi,wangwu,lis',
    FEISHU_APP_ID: d.feishu.app_id,
    FEISHU_APP_SECRET: d.feishu.app_secret,
    FEISHU_USER_ACCESS_TOKEN: user.user_access_token!,
    FEISHU_MAILBOX: user.mailbox,
  }
})
afterAll(async () => {
  await server.close()
})

const PACE = 40

test('a live run skips what needs the control plane, paces its requests and leaves no meeting behind', async () => {
  const cases = loadCases()
  const report = await runContracts({ target: liveTarget(env), paceMs: PACE })
  const needing = cases.filter((c) => c.case.needs?.length).map((c) => c.case.id)
  const skipped = report.results.filter((r) => r.status === 'skipped')
  expect(skipped.map((r) => r.id).sort()).toEqual(needing.sort())
  expect(skipped.every((r) => /no control plane on live/.test(r.reason ?? ''))).toBe(true)
  expect(report.results.filter((r) => r.status === 'failed').map((r) => `${r.id}: ${r.reason}`)).toEqual([])
  expect(report.summary.passed).toBe(cases.length - needing.length)
  expect(report.target).toBe('live')

  // Pacing: consecutive requests to one vendor are at least PACE ms apart on the server's clock. A
  // `parallel` step's copies go out together by design (the mail lock cases): its refused copies are left out.
  const entries = emu.control.requests({ limit: 100_000 }).entries.filter((e) => e.code !== 1236006)
  expect(entries.length).toBeGreaterThan(50)
  for (const vendor of ['wecom', 'feishu']) {
    const at = entries.filter((e) => e.vendor === vendor).map((e) => e.at)
    at.sort((a, b) => a - b)
    const gaps = at.slice(1).map((t, i) => t - at[i]!)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(PACE - 5)
  }

  // Clean-up: meetings were booked, far ahead, and none is still scheduled.
  const meetings = emu.control.meetings()
  expect(meetings.length).toBeGreaterThan(10)
  const now = emu.control.clock().now
  expect(Math.min(...meetings.map((m) => m.meeting_start))).toBeGreaterThan(now + 50 * 86_400)
  expect(meetings.filter((m) => m.status !== 'cancelled')).toEqual([])
  // Schedules too: each one added was deleted (oa/schedule/get shows a deleted one with status 1).
  const schedules = emu.control.wecomSchedules()
  expect(schedules.length).toBeGreaterThan(3)
  expect(schedules.filter((s) => s.status !== 1)).toEqual([])
  expect(report.cleanupFailures).toEqual([])
}, 120_000)

test('a failing case still cancels the meeting it booked', async () => {
  emu.control.reset()
  const base = loadCases().find((c) => c.case.id === 'wecom.meeting.get_info.fields')!
  const broken: LoadedCase = structuredClone(base)
  const info = broken.case.steps[1] as ContractCase['steps'][number] & { expect: { fields: Record<string, unknown> } }
  info.expect.fields.title = 'not the title'
  const report = await runContracts({ target: liveTarget(env), cases: [broken], paceMs: 5 })
  expect(report.summary.failed).toBe(1)
  expect(report.results[0]!.cleanup).toMatchObject([{ endpoint: 'wecom.meeting.cancel', ok: true }])
  const meetings = emu.control.meetings()
  expect(meetings).toHaveLength(1)
  expect(meetings[0]!.status).toBe('cancelled')
})

test('live placeholders without their environment variable skip the case instead of failing it', async () => {
  const { WECOM_USER_IDS: _drop, ...without } = env
  const report = await runContracts({ target: liveTarget(without), filter: 'wecom.meeting.get_info.fields' })
  expect(report.results[0]).toMatchObject({ status: 'skipped' })
  expect(report.results[0]!.reason).toMatch(/wecom\.userids\.0/)
})
