/**
 * `--data-dir` (state.dataDir): what a client holds ids or tokens of survives a restart of the stub server,
 * `kill -9` included, and reads back through the vendors' own endpoints; reset empties the directory; a
 * directory that cannot be used stops the start with a message. The CLI runs as a process (test/support/cli.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { banner, optionsFromArgs } from '../src/cli-main.ts'
import { loadSqlite, openDataDir } from '../src/core/data-dir.ts'
import { DataDirError, type Persistence } from '../src/core/persistence.ts'
import { createEmulator } from '../src/emulator.ts'
import { CLI_TIMEOUT, finished, runCli, stopCli, waitForUrl } from './support/cli.ts'
import { testCore } from './support/core.ts'

const root = mkdtempSync(join(tmpdir(), 'data-dir-'))
let n = 0
const freshDir = () => join(root, `d${n++}`)

/** The stub server on `dir`, with the same faker seed every start: ids must still not repeat. */
async function start(dir: string) {
  const child = runCli(['--port', '0', '--quiet', '--data-dir', dir, '--faker-seed', '7', '--feishu.mail.lockHoldMs=0'])
  return { child, url: await waitForUrl(child) }
}

async function json(res: Response): Promise<any> {
  return res.json()
}

/** A client of one server: WeCom calls with a token it fetched once (apps cache theirs), Feishu with a seeded user's. */
function client(url: string) {
  const feishu = { authorization: 'Bearer u-dev-user-token-1', 'content-type': 'application/json' }
  return {
    url,
    async token(): Promise<string> {
      const d = await json(await fetch(`${url}/__mock/defaults`))
      const app = d.wecom.apps[0]
      return (await json(await fetch(`${url}/cgi-bin/gettoken?corpid=${d.wecom.corpid}&corpsecret=${app.corpsecret}`)))
        .access_token
    },
    wecom: async (token: string, path: string, body: unknown) =>
      json(
        await fetch(`${url}/cgi-bin/${path}?access_token=${token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
    feishuSend: async (body: unknown) =>
      json(
        await fetch(`${url}/open-apis/mail/v1/user_mailboxes/me/messages/send`, {
          method: 'POST',
          headers: feishu,
          body: JSON.stringify(body),
        }),
      ),
    feishuGet: async (id: string) =>
      json(await fetch(`${url}/open-apis/mail/v1/user_mailboxes/me/messages/${id}`, { headers: feishu })),
    control: async (path: string, method = 'GET') => json(await fetch(`${url}/__mock${path}`, { method })),
  }
}

const START = Math.floor(Date.now() / 1000) + 30 * 86_400
const meeting = (title: string) => ({
  admin_userid: 'zhangsan',
  title,
  meeting_start: START,
  meeting_duration: 3600,
  invitees: { userid: ['lisi'] },
  settings: { password: '1234', hosts: { userid: ['lisi'] } },
})
const schedule = (summary: string) => ({
  schedule: {
    admins: ['zhangsan'],
    start_time: START,
    end_time: START + 3600,
    attendees: [{ userid: 'zhangsan' }, { userid: 'lisi' }],
    summary,
    reminders: { is_remind: 1, remind_before_event_secs: 3600, timezone: 8 },
    location: 'Room 1',
  },
})
const meetingMail = {
  to: { userids: ['lisi'], emails: ['guest@example.com'] },
  subject: '评审',
  content: '正文',
  schedule: { start_time: START + 7200, end_time: START + 10_800, location: '3F' },
  meeting: { meeting_admins: { userids: ['lisi'] } },
}
const feishuMail = (subject: string) => ({
  subject,
  to: [{ mail_address: 'jane@xxx.xx', name: 'Jane' }],
  body_plain_text: 'hello',
  body_html: '<p>hello</p>',
})

describe('a stub server on a data directory', () => {
  test(
    'meetings, schedules and both vendors’ mail read back through the vendor endpoints after kill -9, and new ids do not repeat',
    async () => {
      const dir = freshDir()
      let { child, url } = await start(dir)
      let c = client(url)
      // First, so that a restart replaying the faker seed from its start would hand out this id again.
      const sent = await c.feishuSend(feishuMail('before'))
      expect(sent.code).toBe(0)
      const token = await c.token()
      const kept = await c.wecom(token, 'meeting/create', meeting('kept'))
      const cancelled = await c.wecom(token, 'meeting/create', meeting('cancelled'))
      expect([kept.errcode, cancelled.errcode]).toEqual([0, 0])
      expect((await c.wecom(token, 'meeting/cancel', { meetingid: cancelled.meetingid })).errcode).toBe(0)
      const added = await c.wecom(token, 'oa/schedule/add', schedule('planning'))
      expect(added.errcode).toBe(0)
      expect(await c.wecom(token, 'exmail/app/compose_send', meetingMail)).toEqual({ errcode: 0, errmsg: 'ok' })
      const mailSchedule = (await c.control('/wecom/schedules?origin=mail')).schedules[0]

      const meetingIds = [kept.meetingid, cancelled.meetingid, mailSchedule.meetingid]
      const scheduleIds = [added.schedule_id, mailSchedule.schedule_id]
      const readBack = async () => ({
        meetings: await Promise.all(meetingIds.map((id) => c.wecom(token, 'meeting/get_info', { meetingid: id }))),
        schedules: await c.wecom(token, 'oa/schedule/get', { schedule_id_list: scheduleIds }),
        feishu: await c.feishuGet(sent.data.message_id),
        lisi: await c.control('/wecom/mailboxes/lisi@bgjkcsqy.wecom.work'),
      })
      const before = await readBack()
      expect(before.meetings.map((m) => [m.errcode, m.status])).toEqual([
        [0, 1],
        [0, 4],
        [0, 1],
      ])
      expect(before.schedules.schedule_list).toHaveLength(2)
      expect(before.feishu.code).toBe(0)
      expect(before.lisi.count).toBe(1)
      const jane = (await c.control('/feishu/mailboxes/jane@xxx.xx/messages')).messages
      expect(jane).toHaveLength(1)

      expect(await stopCli(child, 'SIGKILL')).toBeNull()
      ;({ child, url } = await start(dir))
      c = client(url)
      expect((await c.control('/requests')).total, 'the journal is not kept').toBe(0)
      // The first id drawn after the restart, as the first one before it was.
      const nextMail = await c.feishuSend(feishuMail('after'))
      expect(nextMail.code).toBe(0)
      expect(nextMail.data.message_id).not.toBe(sent.data.message_id)
      expect((await c.control('/feishu/mailboxes/jane@xxx.xx/messages')).messages.slice(0, 1)).toEqual(jane)
      // The token the client cached still works, and every read-back answers as it did before the kill.
      expect(await readBack()).toEqual(before)

      const next = await c.wecom(token, 'meeting/create', meeting('after'))
      const nextSchedule = await c.wecom(token, 'oa/schedule/add', schedule('after'))
      expect([next.errcode, nextSchedule.errcode]).toEqual([0, 0])
      expect(meetingIds).not.toContain(next.meetingid)
      expect(scheduleIds).not.toContain(nextSchedule.schedule_id)
      expect((await c.control('/wecom/meetings')).count).toBe(4)
      expect((await c.control('/feishu/mailboxes/jane@xxx.xx/messages')).count).toBe(2)
      await stopCli(child, 'SIGKILL')
    },
    CLI_TIMEOUT,
  )

  test(
    'POST /__mock/reset empties the data directory: the next start reads nothing back',
    async () => {
      const dir = freshDir()
      let { child, url } = await start(dir)
      let c = client(url)
      const token = await c.token()
      const m = await c.wecom(token, 'meeting/create', meeting('gone'))
      expect(m.errcode).toBe(0)
      expect((await c.feishuSend(feishuMail('gone'))).code).toBe(0)
      await c.control('/reset', 'POST')
      await stopCli(child, 'SIGKILL')
      ;({ child, url } = await start(dir))
      c = client(url)
      expect((await c.control('/wecom/meetings')).count).toBe(0)
      expect((await c.control('/feishu/mailboxes/jane@xxx.xx/messages')).count).toBe(0)
      // The token went with the rest: the client is told it was never issued.
      expect((await c.wecom(token, 'meeting/get_info', { meetingid: m.meetingid })).errcode).toBe(40014)
      await stopCli(child, 'SIGKILL')
    },
    CLI_TIMEOUT,
  )

  test(
    'a second server on a directory in use is refused at start with a message, and the first goes on',
    async () => {
      const dir = freshDir()
      const first = await start(dir)
      const second = await finished(runCli(['--port', '0', '--quiet', '--data-dir', dir]))
      expect(second.code).toBe(1)
      expect(second.stderr).toContain('is in use by another worksuite-mock process')
      expect(second.stderr).not.toMatch(/\n\s+at /)
      expect((await fetch(`${first.url}/__mock/health`)).status).toBe(200)
      await stopCli(first.child, 'SIGKILL')
    },
    CLI_TIMEOUT,
  )

  test(
    'a data directory holding something other than a database stops the start with a message, not a stack trace',
    async () => {
      const dir = freshDir()
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, 'worksuite-mock.sqlite'), 'this is not a database, '.repeat(200))
      const r = await finished(runCli(['--port', '0', '--quiet', '--data-dir', dir]))
      expect(r.code).toBe(1)
      expect(r.stderr).toContain('is not a readable worksuite-mock database')
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(r.stdout).toBe('')
    },
    CLI_TIMEOUT,
  )

  test(
    'a data directory that cannot be made stops the start with a message, not a stack trace',
    async () => {
      const file = join(root, 'a-file')
      writeFileSync(file, '')
      const r = await finished(runCli(['--port', '0', '--quiet', '--data-dir', join(file, 'state')]))
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`cannot use the data directory ${join(file, 'state')}`)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    },
    CLI_TIMEOUT,
  )

  // Under /proc, mkdir -p spins: mkdir says ENOENT, the parent /proc exists, so Node's recursive mkdir
  // tries again, forever, at 100% CPU and deaf to SIGTERM (a blocked event loop runs no signal handler).
  test.skipIf(!existsSync('/proc'))(
    'a data directory under /proc stops the start with a message and exit 1, not a spin',
    async () => {
      const child = runCli(['--port', '0', '--quiet', '--data-dir', '/proc/nope/state'])
      // Bounded: a spinning CLI is killed, and the test fails on its exit code.
      const guard = setTimeout(() => child.kill('SIGKILL'), 60_000)
      const r = await finished(child)
      clearTimeout(guard)
      expect(r.code).toBe(1)
      expect(r.stderr).toContain('cannot use the data directory /proc/nope/state')
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stdout).toBe('')
    },
    CLI_TIMEOUT,
  )
})

describe('the data directory in process', () => {
  const open: ReturnType<typeof createEmulator>[] = []
  afterAll(() => {
    for (const e of open) e.close()
  })
  const core = (dir: string, config: Record<string, unknown> = {}) => {
    const t = testCore({ config: { ...config, state: { ...(config.state as object), dataDir: dir } } })
    open.push(t.emulator)
    return t
  }

  test('--data-dir, its environment variable and its config file key all set state.dataDir', () => {
    const file = join(root, 'config.json')
    writeFileSync(file, JSON.stringify({ state: { dataDir: '/from/file' } }))
    const dirOf = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
      optionsFromArgs(argv, env).options.config?.state?.dataDir
    expect(dirOf(['--data-dir', '/from/flag'])).toBe('/from/flag')
    expect(dirOf([], { WORKSUITE_MOCK_STATE_DATA_DIR: '/from/env' })).toBe('/from/env')
    expect(dirOf(['--config', file])).toBe('/from/file')
    expect(dirOf(['--config', file, '--data-dir', '/from/flag'])).toBe('/from/flag')
  })

  test('without a data directory nothing is opened and the state is in memory', () => {
    const emu = createEmulator()
    expect(emu.dataDir).toBeUndefined()
    expect(emu.config.state.dataDir).toBeUndefined()
    expect(banner('http://127.0.0.1:3000', emu, () => [])).not.toContain('State:')
  })

  test('the banner says where the state is kept and how much was read back', async () => {
    const dir = freshDir()
    const t = core(dir)
    await t.wecomToken()
    t.emulator.close()
    const again = core(dir)
    expect(banner('http://127.0.0.1:3000', again.emulator, () => [])).toContain(
      `State:         kept in ${join(dir, 'worksuite-mock.sqlite')} (1 records read back; POST /__mock/reset empties it)`,
    )
  })

  test('state.dataDir applies only at start-up: setConfig refuses it', () => {
    const { control } = core(freshDir())
    expect(() => control.setConfig({ state: { dataDir: freshDir() } })).toThrow(/only at start-up/)
  })

  test('a Node without node:sqlite gets a message saying which Node has it', () => {
    expect(() => openDataDir(freshDir(), () => loadSqlite(() => undefined))).toThrow(DataDirError)
    expect(() => openDataDir(freshDir(), () => loadSqlite(() => undefined))).toThrow(/Node 22\.13 or later/)
  })

  test('loading node:sqlite prints no ExperimentalWarning', () => {
    const warnings: string[] = []
    const listener = (w: Error) => warnings.push(w.message)
    process.on('warning', listener)
    try {
      loadSqlite()
    } finally {
      process.off('warning', listener)
    }
    expect(warnings.filter((w) => w.includes('SQLite'))).toEqual([])
  })

  test('what is read back counts against state.maxBytes: past a smaller budget the oldest go, from the directory too', async () => {
    const dir = freshDir()
    let t = core(dir)
    const token = await t.wecomToken()
    const ids: string[] = []
    for (let i = 0; i < 100; i++) {
      const r = await t.wecom('/cgi-bin/meeting/create', { ...meeting(`m${i}`), description: 'x'.repeat(500) }, token)
      expect(r.json.errcode).toBe(0)
      ids.push(r.json.meetingid)
    }
    t.emulator.close()
    t = core(dir, { state: { maxBytes: 65_536 } })
    const state = t.control.state()
    expect(state.usedBytes).toBeLessThanOrEqual(65_536)
    const left = t.control.meetings().map((m) => m.meetingid)
    expect(left.length).toBeGreaterThan(0)
    expect(left.length).toBeLessThan(100)
    expect(left, 'the newest stay').toEqual(ids.slice(-left.length))
    t.emulator.close()
    t = core(dir)
    expect(
      t.control.meetings().map((m) => m.meetingid),
      'the evicted are gone from the directory',
    ).toEqual(left)
  })

  test('a request that changes state is answered only once the change is committed; one that reads is not held', async () => {
    let pending: (() => void) | undefined
    let open = false
    const backend: Persistence = {
      location: 'a fake',
      starts: 0,
      records: () => [],
      put: () => {
        open = true
      },
      delete: () => {},
      clear: () => {},
      close: () => {},
      committed: () =>
        open
          ? new Promise<void>((resolve) => {
              pending = () => {
                open = false
                resolve()
              }
            })
          : undefined,
    }
    const t = testCore({ persistence: backend })
    let answered = false
    const token = t.wecomToken().then((v) => {
      answered = true
      return v
    })
    await new Promise((r) => setImmediate(r))
    expect(answered, 'the issued token is not committed yet').toBe(false)
    pending!()
    const reply = await t.wecom('/cgi-bin/meeting/get_info', { meetingid: 'hy-none' }, await token)
    expect(reply.json.errcode, 'a read is answered without waiting').not.toBe(0)
  })

  test('a cancelled occurrence of a recurring meeting stays cancelled after a restart', async () => {
    const dir = freshDir()
    let t = core(dir)
    const daily = { ...meeting('daily'), reminders: { is_repeat: 1, repeat_type: 0, repeat_until: START + 5 * 86_400 } }
    const { meetingid } = (await t.wecom('/cgi-bin/meeting/create', daily)).json
    const sub = String(START + 86_400)
    const cancel = { meetingid, sub_meetingid: sub }
    expect((await t.wecom('/cgi-bin/meeting/cancel', cancel)).json.errcode).toBe(0)
    const subs = async () => (await t.wecom('/cgi-bin/meeting/get_info', { meetingid })).json
    const before = await subs()
    t.emulator.close()
    t = core(dir)
    expect(await subs()).toEqual(before)
    expect((await t.wecom('/cgi-bin/meeting/cancel', cancel)).json.errcode).toBe(400041)
  })

  test('calendars an app made, changed or deleted, and its default, read back after a restart', async () => {
    const dir = freshDir()
    let t = core(dir)
    const token = await t.wecomToken()
    const { agentid } = t.defaults.wecom.corps[0]!.apps[0]!
    const seeded = t.control.wecomCalendars({ agentid })[0]!.cal_id
    const add = (summary: string, extra = {}) =>
      t.wecom('/cgi-bin/oa/calendar/add', { calendar: { summary, color: '#FF3030', ...extra } }, token)
    const made = (await add('made', { set_as_default: 1 })).json.cal_id
    const gone = (await add('gone')).json.cal_id
    const renamed = { calendar: { cal_id: seeded, summary: 'renamed', color: '#00FF00' } }
    expect((await t.wecom('/cgi-bin/oa/calendar/update', renamed, token)).json.errcode).toBe(0)
    expect((await t.wecom('/cgi-bin/oa/calendar/del', { cal_id: gone }, token)).json.errcode).toBe(0)
    const get = { cal_id_list: [seeded, made] }
    const before = (await t.wecom('/cgi-bin/oa/calendar/get', get, token)).json
    const listed = t.control.wecomCalendars()
    t.emulator.close()
    t = core(dir)
    expect((await t.wecom('/cgi-bin/oa/calendar/get', get, token)).json).toEqual(before)
    expect(t.control.wecomCalendars()).toEqual(listed)
    const deleted = await t.wecom('/cgi-bin/oa/calendar/get', { cal_id_list: [gone] }, token)
    expect(deleted.json.errcode).toBe(90459)
    const added = (await t.wecom('/cgi-bin/oa/schedule/add', schedule('on the default'), token)).json
    const read = await t.wecom('/cgi-bin/oa/schedule/get', { schedule_id_list: [added.schedule_id] }, token)
    expect(read.json.schedule_list[0].cal_id).toBe(made)
  })

  test('a lower wecom.maxMeetings at start keeps the newest meetings read back', async () => {
    const dir = freshDir()
    let t = core(dir)
    const token = await t.wecomToken()
    const ids: string[] = []
    for (let i = 0; i < 5; i++)
      ids.push((await t.wecom('/cgi-bin/meeting/create', meeting(`m${i}`), token)).json.meetingid)
    t.emulator.close()
    t = core(dir, { wecom: { maxMeetings: 2 } })
    expect(t.control.meetings().map((m) => m.meetingid)).toEqual(ids.slice(-2))
  })
})
