/**
 * Security of the stub server (issue 8): where it binds, who may use the control plane, that corps and
 * apps cannot reach each other's state, and that a slow client cannot hold it.
 */
import { connect } from 'node:net'
import { afterEach, describe, expect, test, vi } from 'vitest'
import defaultSeedJson from '../fixtures/seed/default.json' with { type: 'json' }
import { validateSeed } from '../src/core/seed.ts'
import { createEmulator, type StubServer, startStubServer } from '../src/index.ts'
import { controlAccessFor, isLoopback } from '../src/server/stub-server.ts'
import { testCore } from './support/core.ts'

const servers: StubServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
  vi.restoreAllMocks()
})

async function start(config: Parameters<typeof createEmulator>[0] = {}, host?: string) {
  const emu = createEmulator(config)
  const server = await startStubServer(emu, { port: 0, ...(host ? { host } : {}) })
  servers.push(server)
  const port = Number(new URL(server.url).port)
  return { emu, server, base: `http://127.0.0.1:${port}` }
}

describe('binding', () => {
  test('the stub server binds 127.0.0.1 unless told otherwise', async () => {
    const { server } = await start()
    expect(server.server.address()).toMatchObject({ address: '127.0.0.1' })
  })

  test('loopback addresses are told apart from the others', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopback(h)).toBe(true)
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com']) expect(isLoopback(h)).toBe(false)
  })
})

describe('control plane access', () => {
  test('a non-loopback host without a control token disables the control plane with a warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { base } = await start({}, '0.0.0.0')
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('control plane (/__mock) is disabled'))
    const r = await fetch(`${base}/__mock/defaults`)
    expect(r.status).toBe(403)
    expect(((await r.json()) as { error: string }).error).toContain('server.controlToken')
    const reset = await fetch(`${base}/__mock/reset`, { method: 'POST' })
    expect(reset.status).toBe(403)
    // The vendor endpoints are still served.
    const token = await fetch(`${base}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=nope`)
    expect(token.status).toBe(200)
  })

  test('with a control token the control plane answers only requests that carry it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { base } = await start({ config: { server: { controlToken: 's3cret-token' } } }, '0.0.0.0')
    expect(warn).not.toHaveBeenCalled()
    const none = await fetch(`${base}/__mock/defaults`)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer')
    expect((await fetch(`${base}/__mock/defaults`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
    expect(
      (await fetch(`${base}/__mock/defaults`, { headers: { 'x-mock-control-token': 's3cret-toke' } })).status,
    ).toBe(401)
    expect((await fetch(`${base}/__mock/defaults`, { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(
      200,
    )
    expect((await fetch(`${base}/__mock/clock`, { headers: { 'x-mock-control-token': 's3cret-token' } })).status).toBe(
      200,
    )
  })

  test('a control token is required on loopback too once it is set', async () => {
    const { base } = await start({ config: { server: { controlToken: 'tok' } } })
    expect((await fetch(`${base}/__mock/defaults`)).status).toBe(401)
    expect((await fetch(`${base}/__mock/defaults`, { headers: { authorization: 'Bearer tok' } })).status).toBe(200)
  })

  test('on loopback without a token the control plane is open', async () => {
    const { base } = await start()
    expect((await fetch(`${base}/__mock/defaults`)).status).toBe(200)
    expect(controlAccessFor('127.0.0.1', undefined)).toEqual({ kind: 'open' })
  })
})

describe('isolation between corps and apps', () => {
  const booking = (now: number, title: string) => ({
    admin_userid: 'zhangsan',
    title,
    meeting_start: now + 7200,
    meeting_duration: 3600,
  })

  test('another app of the same corp cannot update an app’s meeting (730005)', async () => {
    const t = testCore()
    const now = t.control.clock().now
    const created = await t.wecom('/cgi-bin/meeting/create', booking(now, 'app one'), await t.wecomToken(0))
    expect(created.json.errcode).toBe(0)
    const other = await t.wecom(
      '/cgi-bin/meeting/update',
      { meetingid: created.json.meetingid, title: 'taken over' },
      await t.wecomToken(1),
    )
    expect(other.json.errcode).toBe(730005)
    expect(t.control.meetings()[0]!.title).toBe('app one')
  })

  test('another corp cannot see or update a corp’s meeting (90602)', async () => {
    const t = testCore()
    const now = t.control.clock().now
    const created = await t.wecom('/cgi-bin/meeting/create', booking(now, 'corp one'), await t.wecomToken(0, 0))
    const corp2 = await t.wecom(
      '/cgi-bin/meeting/update',
      { meetingid: created.json.meetingid, title: 'corp two was here' },
      await t.wecomToken(0, 1),
    )
    expect(corp2.json.errcode).toBe(90602)
    expect(t.control.meetings({ corpid: 'wwdevcorp0000002' })).toHaveLength(0)
    expect(t.control.meetings({ corpid: 'wwdevcorp0000001' })[0]!.title).toBe('corp one')
  })

  test('a token of one corp is not accepted as another corp’s (no cross-corp booking)', async () => {
    const t = testCore()
    const now = t.control.clock().now
    const r = await t.wecom(
      '/cgi-bin/meeting/create',
      { ...booking(now, 'where'), agentid: 1000014 },
      await t.wecomToken(0, 1),
    )
    // The caller is corp 2's app whatever agentid the body names: anything booked lands in corp 2.
    for (const m of t.control.meetings({ corpid: 'wwdevcorp0000001' })) expect(m.title).not.toBe('where')
    if (r.json.errcode === 0) expect(t.control.meetings({ corpid: 'wwdevcorp0000002' })).toHaveLength(1)
  })
})

describe('isolation between Feishu users', () => {
  test('a user’s token cannot send from another user’s mailbox, and nothing is stored there', async () => {
    const t = testCore()
    const r = await t.call({
      method: 'POST',
      path: '/open-apis/mail/v1/user_mailboxes/user@xxx.xx/messages/send',
      headers: { authorization: `Bearer ${t.userToken(1)}` },
      body: { subject: 'not mine', to: [{ mail_address: 'jane@xxx.xx' }], body_plain_text: 'x' },
    })
    expect(r.json.code).not.toBe(0)
    expect(r.status).toBeGreaterThanOrEqual(400)
    expect(t.control.mailbox('user@xxx.xx').filter((m) => m.subject === 'not mine')).toHaveLength(0)
  })
})

describe('slow clients', () => {
  /** Opens a raw connection, runs `drip` on it, and resolves with the ms until the server closed it. */
  function heldFor(
    base: string,
    drip: (write: (s: string) => boolean) => NodeJS.Timeout,
  ): Promise<{ ms: number; text: string }> {
    const { port } = new URL(base)
    return new Promise((resolve) => {
      const t0 = performance.now()
      let text = ''
      const socket = connect(Number(port), '127.0.0.1')
      let timer: NodeJS.Timeout | undefined
      socket.on('connect', () => {
        timer = drip((s) => socket.write(s))
      })
      socket.on('data', (d) => {
        text += d.toString()
      })
      socket.on('error', () => {})
      socket.on('close', () => {
        clearInterval(timer)
        resolve({ ms: performance.now() - t0, text })
      })
      // Bound the test: a server that never cuts the client off fails here rather than hanging.
      setTimeout(() => socket.destroy(), 8000).unref()
    })
  }

  test('a client that trickles its headers is cut off after server.requestTimeoutMs', async () => {
    const { base } = await start({ config: { server: { requestTimeoutMs: 1000 } } })
    const header = 'POST /cgi-bin/meeting/create?access_token=x HTTP/1.1\r\nHost: localhost\r\nX-Slow: '
    let i = 0
    const { ms, text } = await heldFor(base, (write) => setInterval(() => write(i++ === 0 ? header : 'a'), 100))
    expect(ms).toBeLessThan(3000)
    expect(ms).toBeGreaterThanOrEqual(900)
    expect(text === '' || text.startsWith('HTTP/1.1 408')).toBe(true)
  })

  test('a client that trickles its body is cut off after server.requestTimeoutMs', async () => {
    const { base } = await start({ config: { server: { requestTimeoutMs: 1000 } } })
    const head =
      'POST /cgi-bin/meeting/create?access_token=x HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n'
    let i = 0
    const { ms } = await heldFor(base, (write) => setInterval(() => write(i++ === 0 ? head : ' '), 100))
    expect(ms).toBeLessThan(3000)
    expect(ms).toBeGreaterThanOrEqual(900)
  })

  test('the server still answers others while a slow client waits', async () => {
    const { base } = await start({ config: { server: { requestTimeoutMs: 2000 } } })
    const { port } = new URL(base)
    const slow = connect(Number(port), '127.0.0.1')
    slow.on('error', () => {})
    slow.write('POST /cgi-bin/meeting/create HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{')
    const r = await fetch(`${base}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=nope`)
    expect(r.status).toBe(200)
    slow.destroy()
  })
})

describe('startup', () => {
  test('the built-in seed passes the seed schema (it is not validated again at every start)', () => {
    expect(() => validateSeed(structuredClone(defaultSeedJson), 'fixtures/seed/default.json')).not.toThrow()
  })
})
