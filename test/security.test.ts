/**
 * Security of the stub server (issue 8): where it binds, who may use the control plane, that corps and
 * apps cannot reach each other's state, and that a slow client cannot hold it.
 */
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import express from 'express'
import supertest from 'supertest'
import { afterEach, describe, expect, test, vi } from 'vitest'
import defaultSeedJson from '../fixtures/seed/default.json' with { type: 'json' }
import { validateSeed } from '../src/core/seed.ts'
import { createEmulator, expressMiddleware, type StubServer, startStubServer } from '../src/index.ts'
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
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '127.evil.example'])
      expect(isLoopback(h)).toBe(false)
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

describe('control plane and web pages', () => {
  /** A request with exactly the headers given (fetch will not set Host). */
  function send(
    base: string,
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<{ status: number; json: any }> {
    const { port } = new URL(base)
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d) => {
          text += d
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }))
      })
      req.on('error', reject)
      req.end(body)
    })
  }
  const json = { 'content-type': 'application/json' }
  const evil = { origin: 'http://evil.example' }

  test('a page of another origin cannot reset, add faults, expire tokens or read the defaults (403)', async () => {
    const { emu, base } = await start()
    const attempts = [
      send(base, 'POST', '/__mock/reset', { ...evil, 'content-type': 'text/plain' }, '{}'),
      send(base, 'POST', '/__mock/faults', { ...evil, ...json }, '{"match":{"vendor":"wecom"},"drop":true}'),
      send(base, 'POST', '/__mock/tokens/expire', { ...evil, ...json }, '{"token":"x"}'),
      send(base, 'GET', '/__mock/defaults', evil),
      send(base, 'GET', '/__mock/defaults', { origin: 'null' }),
    ]
    for (const r of await Promise.all(attempts)) {
      expect(r.status).toBe(403)
      expect(r.json.error).toMatch(/Origin .* is not this server's own/)
      expect(JSON.stringify(r.json)).not.toContain('dev-secret')
    }
    expect(emu.control.faults()).toHaveLength(0)
  })

  test('a page of the server’s own origin, and curl (no Origin), are served', async () => {
    const { base } = await start()
    const host = new URL(base).host
    expect((await send(base, 'GET', '/__mock/defaults', { origin: `http://${host}` })).status).toBe(200)
    expect((await send(base, 'POST', '/__mock/reset')).status).toBe(200)
    const added = await send(base, 'POST', '/__mock/faults', json, '{"match":{"vendor":"wecom"},"drop":true}')
    expect(added.status).toBe(201)
  })

  test('a Host that is not a loopback name is refused (DNS rebinding), and the secrets are not given', async () => {
    const { base } = await start()
    for (const host of ['evil.example', 'evil.example:3000', '127.evil.example', 'localhost.evil.example']) {
      const r = await send(base, 'GET', '/__mock/defaults', { host })
      expect(r.status, host).toBe(403)
      expect(r.json.error).toContain('server.allowedHosts')
      expect(JSON.stringify(r.json)).not.toContain('dev-secret')
    }
    for (const host of ['localhost', 'localhost:8080', 'LOCALHOST:3000', '127.0.0.1', '127.1.2.3:99', '[::1]:3000'])
      expect((await send(base, 'GET', '/__mock/defaults', { host })).status, host).toBe(200)
    // The vendor endpoints answer under any name.
    const token = await send(base, 'GET', '/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=nope', {
      host: 'evil.example',
    })
    expect(token.status).toBe(200)
  })

  test('server.allowedHosts adds names, with or without a port', async () => {
    const { base } = await start({ config: { server: { allowedHosts: ['mock.test', 'other.test:8080'] } } })
    expect((await send(base, 'GET', '/__mock/defaults', { host: 'mock.test:3000' })).status).toBe(200)
    expect((await send(base, 'GET', '/__mock/defaults', { host: 'other.test:8080' })).status).toBe(200)
    expect((await send(base, 'GET', '/__mock/defaults', { host: 'other.test:9090' })).status).toBe(403)
    expect((await send(base, 'GET', '/__mock/defaults', { host: 'third.test' })).status).toBe(403)
  })

  test('with a control token any Host is served to whoever presents it, and other origins are still refused', async () => {
    const { base } = await start({ config: { server: { controlToken: 'tok' } } })
    const bearer = { authorization: 'Bearer tok' }
    expect((await send(base, 'GET', '/__mock/defaults', { ...bearer, host: 'mock:3000' })).status).toBe(200)
    expect((await send(base, 'GET', '/__mock/defaults', { host: 'mock:3000' })).status).toBe(401)
    expect((await send(base, 'GET', '/__mock/defaults', { ...bearer, ...evil })).status).toBe(403)
  })

  test('a sandboxed mail frame (Origin: null) may load the console files, and nothing else of the control plane', async () => {
    const { base } = await start()
    const page = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(base)
      httpRequest({ host: '127.0.0.1', port, path: '/__mock/ui/index.html', headers: { origin: 'null' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
        .on('error', reject)
        .end()
    })
    expect(page).toBe(200)
    expect((await send(base, 'GET', '/__mock/defaults', { origin: 'null' })).status).toBe(403)
    expect((await send(base, 'POST', '/__mock/ui/index.html', { origin: 'null' })).status).toBe(403)
  })

  test('a page may send the control plane JSON only: another type is refused (415) with the fix, and nothing changes', async () => {
    const { emu, base } = await start()
    const rule = '{"match":{"vendor":"wecom"},"drop":true}'
    const own = { origin: base }
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await send(base, 'POST', '/__mock/faults', { ...own, 'content-type': type }, rule)
      expect(r.status, type).toBe(415)
      expect(r.json.error).toContain('content-type: application/json')
    }
    expect((await send(base, 'POST', '/__mock/faults', own, rule)).status).toBe(415)
    expect(emu.control.faults()).toHaveLength(0)
    // A body-less POST needs no content type; a JSON one is read.
    expect((await send(base, 'POST', '/__mock/reset', { ...own, 'content-type': 'text/plain' })).status).toBe(200)
    const merge = { ...own, 'content-type': 'application/merge-patch+json' }
    expect((await send(base, 'POST', '/__mock/faults', merge, rule)).status).toBe(201)
  })

  test('without an Origin (curl -d, a script) a control body is read as JSON whatever its content type', async () => {
    const { emu, base } = await start()
    const rule = '{"match":{"vendor":"wecom"},"drop":true}'
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    expect((await send(base, 'POST', '/__mock/faults', form, rule)).status).toBe(201)
    expect(emu.control.faults()).toHaveLength(1)
  })

  test('the Express middleware refuses other origins and Host names on /__mock the same way', async () => {
    const emulator = createEmulator({ config: { server: { allowedHosts: ['app.test'] } } })
    const app = express()
    app.use(expressMiddleware(emulator))
    const r = (path: string) => supertest(app).get(path)
    expect((await r('/__mock/defaults')).status).toBe(200)
    const fromPage = await r('/__mock/defaults').set('origin', 'http://evil.example')
    expect(fromPage.status).toBe(403)
    expect(fromPage.body.error).toMatch(/Origin/)
    expect((await r('/__mock/defaults').set('host', 'evil.example')).status).toBe(403)
    expect((await r('/__mock/defaults').set('host', 'app.test:5173')).status).toBe(200)
    const text = await supertest(app)
      .post('/__mock/faults')
      .set('origin', 'http://127.0.0.1')
      .set('host', '127.0.0.1')
      .set('content-type', 'text/plain')
      .send('{"drop":true}')
    expect(text.status).toBe(415)
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
