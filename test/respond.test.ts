/**
 * `emulator.respond`: the pipeline without its promise, which the node:http adapter writes from in the body's
 * `end` event. It answers at once when no step waits, with a promise when one does, and the same answer as
 * `handle` either way; a failure in serving is a 500 on the wire, never a hang.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { fail, VendorError } from '../src/core/errors.ts'
import type { CoreRequest } from '../src/core/http.ts'
import { createEmulator } from '../src/index.ts'
import { useStubServer } from './support/server.ts'

const encoder = new TextEncoder()
const CORP = 'wwdevcorp0000001'
const SECRET = 'dev-secret-meetings-1000014'

function post(url: string, body: unknown, headers: Record<string, string> = {}): CoreRequest {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    body: encoder.encode(JSON.stringify(body)),
    remoteAddress: '127.0.0.1',
  }
}

async function wecomToken(emulator: ReturnType<typeof createEmulator>): Promise<string> {
  const r = await emulator.handle({
    method: 'GET',
    url: `/cgi-bin/gettoken?corpid=${CORP}&corpsecret=${SECRET}`,
    headers: {},
    body: new Uint8Array(0),
  })
  return JSON.parse(r.body).access_token
}

const booking = (now: number) => ({
  admin_userid: 'zhangsan',
  title: 'respond',
  meeting_start: now + 86_400,
  meeting_duration: 3600,
  agentid: 1000014,
})

describe('emulator.respond', () => {
  test('respond answers a token never issued at once, not with a promise', () => {
    const emulator = createEmulator({ fakerSeed: 1 })
    const answer = emulator.respond(post('/cgi-bin/meeting/create?access_token=never-issued', { title: 't' }))
    expect(answer).not.toBeInstanceOf(Promise)
    expect(JSON.parse((answer as { body: string }).body).errcode).toBe(40014)
    expect(emulator.control.requests().entries.at(-1)?.code).toBe(40014)
  })

  test('respond answers a Feishu user token never issued at once, with its HTTP status', () => {
    const emulator = createEmulator({ fakerSeed: 1 })
    const answer = emulator.respond(
      post('/open-apis/mail/v1/user_mailboxes/me/messages/send', { subject: 's' }, { authorization: 'Bearer u-no' }),
    )
    expect(answer).not.toBeInstanceOf(Promise)
    expect((answer as { status: number }).status).toBe(400)
    expect(JSON.parse((answer as { body: string }).body).code).toBe(99991668)
  })

  test('respond books a meeting at once and answers as handle does for the same request', async () => {
    const a = createEmulator({ fakerSeed: 7 })
    const b = createEmulator({ fakerSeed: 7 })
    const [ta, tb] = [await wecomToken(a), await wecomToken(b)]
    expect(ta).toBe(tb)
    const now = a.control.clock().now
    const answer = a.respond(post(`/cgi-bin/meeting/create?access_token=${ta}`, booking(now)))
    expect(answer).not.toBeInstanceOf(Promise)
    const handled = await b.handle(post(`/cgi-bin/meeting/create?access_token=${tb}`, booking(now)))
    expect(answer).toEqual(handled)
    expect(JSON.parse(handled.body).errcode).toBe(0)
  })

  test('respond answers with a promise while a fault delays the request, then the fault is the answer', async () => {
    const emulator = createEmulator({ fakerSeed: 1 })
    const token = await wecomToken(emulator)
    emulator.control.addFault({ match: { path: '/cgi-bin/meeting/create' }, delay_ms: 5, respond: { errcode: 45009 } })
    const answer = emulator.respond(post(`/cgi-bin/meeting/create?access_token=${token}`, booking(0)))
    expect(answer).toBeInstanceOf(Promise)
    expect(JSON.parse((await answer).body).errcode).toBe(45009)
    expect(emulator.control.requests().entries.at(-1)?.code).toBe(45009)
  })

  test('respond answers a delay-only fault with the route itself once the delay is over', async () => {
    const emulator = createEmulator({ fakerSeed: 1 })
    const token = await wecomToken(emulator)
    emulator.control.addFault({ match: { path: '/cgi-bin/meeting/create' }, delay_ms: 5 })
    const answer = emulator.respond(
      post(`/cgi-bin/meeting/create?access_token=${token}`, booking(emulator.control.clock().now)),
    )
    expect(answer).toBeInstanceOf(Promise)
    expect(JSON.parse((await answer).body).errcode).toBe(0)
  })
})

describe('VendorError', () => {
  test('a refusal is an Error with its reason as message and its name, built without a stack', () => {
    const e = new VendorError(40014, 'wecom.gateway.access_token.unknown: never issued', { prefix: 'p' })
    expect(e).toBeInstanceOf(Error)
    expect(e).toBeInstanceOf(VendorError)
    expect([e.code, e.reason, e.message, e.options]).toEqual([40014, e.reason, e.reason, { prefix: 'p' }])
    expect(String(e)).toBe('Error: wecom.gateway.access_token.unknown: never issued')
    expect(e.stack).toBeUndefined()
    expect(() => fail(40058, 'why')).toThrow(VendorError)
    expect(() => fail(40058, 'why')).toThrow('why')
  })
})

describe('the stub server when serving fails', () => {
  const server = useStubServer({ fakerSeed: 1 })
  afterEach(() => vi.restoreAllMocks())

  test('a request whose serving throws is answered 500, and the next one is served', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const respond = vi.spyOn(server.emulator, 'respond').mockImplementationOnce(() => {
      throw new Error('boom')
    })
    const url = `${server.url}/cgi-bin/meeting/create?access_token=never-issued`
    const failed = await fetch(url, { method: 'POST', body: '{}' })
    expect(failed.status).toBe(500)
    expect(error).toHaveBeenCalledWith('[worksuite-mock] Failed to serve a request:', expect.any(Error))
    respond.mockRestore()
    const next = await fetch(url, { method: 'POST', body: '{}' })
    expect(((await next.json()) as { errcode: number }).errcode).toBe(40014)
  })

  test('a request whose answer is rejected is answered 500', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.spyOn(server.emulator, 'respond').mockImplementationOnce(() => Promise.reject(new Error('late boom')))
    const res = await fetch(`${server.url}/cgi-bin/meeting/create?access_token=never-issued`, {
      method: 'POST',
      body: '{}',
    })
    expect(res.status).toBe(500)
  })
})
