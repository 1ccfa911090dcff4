/**
 * The bad-input matrix (issue 8): each answered with the vendor's code, and nothing stored. Run through the
 * stub server, where bodies arrive as bytes off a socket; the core sees the same bytes from every adapter.
 */
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createEmulator, type StubServer, startStubServer } from '../src/index.ts'

let server: StubServer
let emu: ReturnType<typeof createEmulator>
let token: string
let now: number

beforeAll(async () => {
  emu = createEmulator({ config: { server: { maxBodyBytes: 64 * 1024 } } })
  server = await startStubServer(emu, { port: 0 })
  const d = emu.control.defaults()
  const r = await fetch(
    `${server.url}/cgi-bin/gettoken?corpid=${d.wecom.corpid}&corpsecret=${d.wecom.apps[0]!.corpsecret}`,
  )
  token = ((await r.json()) as { access_token: string }).access_token
  now = emu.control.clock().now
})
afterAll(() => server.close())

/** Raw bytes to a path, with the headers given: what a broken client really sends. */
function send(
  path: string,
  body: Buffer | string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  method = 'POST',
): Promise<{ status: number; text: string; json: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url + path)
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown
          try {
            json = JSON.parse(text)
          } catch {}
          resolve({ status: res.statusCode ?? 0, text, json })
        })
      },
    )
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

const create = () => `/cgi-bin/meeting/create?access_token=${token}`
const valid = () => ({ admin_userid: 'zhangsan', title: 'ok', meeting_start: now + 7200, meeting_duration: 3600 })
const stored = () => emu.control.meetings().length

const wecomCases: [name: string, body: () => Buffer | string | undefined, code: number][] = [
  ['malformed JSON', () => '{"admin_userid": zhangsan}', 40058],
  ['truncated JSON', () => JSON.stringify(valid()).slice(0, 30), 40058],
  ['empty body', () => undefined, 40058],
  ['whitespace body', () => '   \n', 40058],
  ['a JSON array', () => '[1,2,3]', 40058],
  ['a JSON string', () => '"meeting"', 40058],
  ['JSON null', () => 'null', 40058],
  ['title of the wrong type', () => JSON.stringify({ ...valid(), title: 42 }), 40058],
  [
    'meeting_start as a string (its own code: 不合法的meeting_start参数)',
    () => JSON.stringify({ ...valid(), meeting_start: String(now + 7200) }),
    400034,
  ],
  ['invitees as a string', () => JSON.stringify({ ...valid(), invitees: 'lisi' }), 40058],
  ['missing title', () => JSON.stringify({ ...valid(), title: undefined }), 400042],
  ['missing admin_userid', () => JSON.stringify({ ...valid(), admin_userid: undefined }), 400040],
  ['deeply nested JSON (30,000 levels)', () => `${'['.repeat(30_000)}${']'.repeat(30_000)}`, 40058],
  ['deeply nested object in a field', () => `{"title":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`, 40058],
  [
    'invalid UTF-8',
    () => Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
    40058,
  ],
]

describe('bad input: WeCom meeting/create', () => {
  test.each(wecomCases)('%s → errcode %i, nothing stored', async (_name, body, code) => {
    const before = stored()
    const r = await send(create(), body())
    expect(r.status).toBe(200)
    expect(r.json.errcode).toBe(code)
    expect(stored()).toBe(before)
  })

  test('extra unknown fields are ignored and the meeting is booked (WeCom ignores what it does not know)', async () => {
    const before = stored()
    const r = await send(create(), JSON.stringify({ ...valid(), title: 'extra', unknown_field: [1, { x: 2 }] }))
    expect(r.json.errcode).toBe(0)
    expect(stored()).toBe(before + 1)
  })

  test('a body over server.maxBodyBytes → 40206, refused from its Content-Length without reading it', async () => {
    const before = stored()
    const r = await send(create(), undefined, {
      'content-type': 'application/json',
      'content-length': String(10 * 1024 * 1024),
    })
    expect(r.json.errcode).toBe(40206)
    expect(stored()).toBe(before)
  })

  test('a chunked body that passes server.maxBodyBytes → 40206, and reading stops', async () => {
    const before = stored()
    const r = await send(create(), Buffer.alloc(200 * 1024, 0x20), {
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
    })
    expect(r.json.errcode).toBe(40206)
    expect(stored()).toBe(before)
  })

  test('__proto__ and constructor keys do not pollute Object.prototype and nothing is stored', async () => {
    const before = stored()
    const polluted =
      '{"__proto__":{"polluted":"yes","errcode":0},"constructor":{"prototype":{"polluted2":"yes"}},"admin_userid":"zhangsan","title":{"__proto__":{"x":1}},"meeting_start":1,"meeting_duration":3600}'
    const r = await send(create(), polluted)
    expect(r.json.errcode).toBe(40058)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).polluted2).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('errcode')
    expect(stored()).toBe(before)
  })

  test('__proto__ in a valid booking is kept out of the stored meeting and the prototype', async () => {
    const body = `{"__proto__":{"cancelled":true},"admin_userid":"zhangsan","title":"proto","meeting_start":${now + 9000},"meeting_duration":3600,"settings":{"__proto__":{"password":"0000"}}}`
    const r = await send(create(), body)
    expect(r.json.errcode).toBe(0)
    const m = emu.control.meetings().find((x) => x.meetingid === r.json.meetingid)!
    expect(m.cancelled).toBe(false)
    expect(({} as Record<string, unknown>).cancelled).toBeUndefined()
    expect(({} as Record<string, unknown>).password).toBeUndefined()
  })

  test('GET on a POST endpoint → 40058, nothing stored', async () => {
    const before = stored()
    const r = await send(create(), undefined, {}, 'GET')
    expect(r.json.errcode).toBe(40058)
    expect(stored()).toBe(before)
  })

  test('a wrong content type with a JSON body is read as JSON, as WeCom does (the body decides)', async () => {
    const r = await send(create(), JSON.stringify({ ...valid(), title: 'text/plain' }), {
      'content-type': 'text/plain',
    })
    expect(r.json.errcode).toBe(0)
  })

  test('a form-encoded body → 40058, nothing stored', async () => {
    const before = stored()
    const r = await send(create(), 'admin_userid=zhangsan&title=x', {
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(r.json.errcode).toBe(40058)
    expect(stored()).toBe(before)
  })

  test('a long query string (12 KB) is answered, not a crash (unknown token → 40014)', async () => {
    const r = await send(`/cgi-bin/meeting/create?access_token=${'x'.repeat(12_000)}`, JSON.stringify(valid()))
    expect(r.status).toBe(200)
    expect(r.json.errcode).toBe(40014)
  })

  test('a request line past 16 KB is refused with 431 before the core sees it (as nginx refuses one past its buffers)', async () => {
    const r = await send(`/cgi-bin/meeting/create?access_token=${'x'.repeat(100_000)}`, JSON.stringify(valid())).catch(
      () => ({ status: 431 }),
    )
    expect(r.status).toBe(431)
  })
})

describe('bad input: Feishu mail send', () => {
  const path = '/open-apis/mail/v1/user_mailboxes/me/messages/send'
  const auth = () => ({
    'content-type': 'application/json',
    authorization: `Bearer ${emu.control.defaults().feishu.users[0]!.user_access_token}`,
  })
  test.each([
    ['malformed JSON', '{"subject": }'],
    ['truncated JSON', '{"subject":"hel'],
    ['empty body', undefined],
    ['deeply nested, unclosed JSON', `{"subject":${'['.repeat(30_000)}`],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
  ] as const)('%s → HTTP 400, code 9499', async (_name, body) => {
    const r = await send(path, body as string | Buffer | undefined, auth())
    expect(r.status).toBe(400)
    expect(r.json.code).toBe(9499)
  })

  test('a body over server.maxBodyBytes → HTTP 400, code 9499, not read', async () => {
    const r = await send(path, undefined, { ...auth(), 'content-length': String(10 * 1024 * 1024) })
    expect(r.status).toBe(400)
    expect(r.json.code).toBe(9499)
  })
})
