/**
 * A client still uploading when its over-limit body is refused gets the refusal, every time (issue 16): the
 * server answers with `Connection: close`, then reads and drops what the client still sends, and closes only
 * once the client stops or a bound (bytes, time) is hit. Closing with unread bytes makes the kernel send a
 * reset, and a client mid-upload then loses the answer it already received (ECONNRESET).
 */
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import express from 'express'
import { afterEach, expect, test } from 'vitest'
import { createEmulator, expressMiddleware } from '../src/index.ts'
import { useStubServer } from './support/server.ts'

const MiB = 1 << 20
const server = useStubServer()
afterEach(() => server.emulator.control.reset())

interface Upload {
  status?: number
  body?: string
  connection?: string
  /** The error the client saw before it had the whole answer. */
  error?: string
}

/**
 * POSTs `total` bytes in 64 KiB writes (waiting for 'drain'), declared up front or chunked, and keeps sending
 * after the answer arrives, as a client that does not watch for it does.
 */
function upload(url: string, total: number, declared: boolean): Promise<Upload> {
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  return new Promise((resolve) => {
    const u = new URL(url)
    const headers: Record<string, string | number> = { 'content-type': 'application/json' }
    if (declared) headers['content-length'] = total
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers })
    let answered = false
    req.on('response', (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => {
        body += d
      })
      res.on('end', () => {
        answered = true
        resolve({ status: res.statusCode ?? 0, body, connection: String(res.headers.connection) })
      })
      res.on('aborted', () => resolve({ error: 'aborted' }))
    })
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (!answered) resolve({ error: e.code ?? e.message })
    })
    let sent = 0
    const pump = () => {
      while (sent < total && !req.destroyed && req.writable) {
        sent += chunk.length
        if (!req.write(chunk)) {
          req.once('drain', pump)
          return
        }
      }
      if (sent >= total && req.writable) req.end()
    }
    pump()
  })
}

const TRIES = 20
const SIZE = 30 * 1_000_000
/**
 * Whether a client loses the answer depends on where in its writes the reset lands, so each try refuses at
 * another limit: 1 MiB, then 512 KiB more each time (without lingering, 6 and 10 MiB lose it every time here).
 */
const limitOf = (i: number) => MiB + i * 512 * 1024

test('the refusal of an over-limit body names the setting at the front of its reason, as rule refusals name their rule', async () => {
  server.emulator.control.setConfig({ server: { maxBodyBytes: 1024 } })
  try {
    const r = await fetch(`${server.url}/cgi-bin/meeting/create?access_token=x`, {
      method: 'POST',
      body: JSON.stringify({ title: 'x'.repeat(4096) }),
    })
    expect(((await r.json()) as { errcode: number }).errcode).toBe(40206)
    expect(decodeURIComponent(r.headers.get('x-worksuite-mock-reason') ?? '')).toMatch(
      /^server\.maxBodyBytes: the body is over the 1024-byte limit/,
    )
  } finally {
    server.emulator.control.setConfig({ server: { maxBodyBytes: 73_400_320 } })
  }
})

test('a 30 MB upload over a limit of 1 to 10.5 MiB gets the WeCom refusal on every try, declared or chunked', async () => {
  for (const declared of [true, false]) {
    const results: Upload[] = []
    for (let i = 0; i < TRIES; i++) {
      server.emulator.control.setConfig({ server: { maxBodyBytes: limitOf(i) } })
      results.push(await upload(`${server.url}/cgi-bin/exmail/app/compose_send?access_token=x`, SIZE, declared))
    }
    expect(results.filter((r) => r.error)).toEqual([])
    for (const r of results) {
      expect(r.status).toBe(200)
      expect(r.connection).toBe('close')
      expect(JSON.parse(r.body!).errcode).toBe(40206)
    }
  }
}, 120_000)

test('a 30 MB upload over a limit of 1 to 10.5 MiB gets the Feishu refusal on every try, declared or chunked', async () => {
  for (const declared of [true, false]) {
    const results: Upload[] = []
    for (let i = 0; i < TRIES; i++) {
      server.emulator.control.setConfig({ server: { maxBodyBytes: limitOf(i) } })
      results.push(await upload(`${server.url}/open-apis/mail/v1/user_mailboxes/me/messages/send`, SIZE, declared))
    }
    expect(results.filter((r) => r.error)).toEqual([])
    for (const r of results) {
      expect(r.status).toBe(400)
      expect(r.connection).toBe('close')
      expect(JSON.parse(r.body!).code).toBe(9499)
    }
  }
}, 120_000)

test('the Express middleware answers an over-limit upload the same way: the refusal on every try', async () => {
  const emulator = createEmulator()
  const app = express()
  app.use(expressMiddleware(emulator))
  const http = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => http.once('listening', resolve))
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  try {
    const results: Upload[] = []
    for (let i = 0; i < TRIES; i++) {
      emulator.control.setConfig({ server: { maxBodyBytes: limitOf(i) } })
      results.push(await upload(`${base}/cgi-bin/exmail/app/compose_send?access_token=x`, SIZE, false))
    }
    expect(results.filter((r) => r.error)).toEqual([])
    for (const r of results) expect(JSON.parse(r.body!).errcode).toBe(40206)
  } finally {
    http.closeAllConnections()
    await new Promise((resolve) => http.close(resolve))
  }
}, 120_000)

interface RawUpload {
  /** What the server sent back (the answer), as text. */
  answer: string
  /** Body bytes the client had written when the server cut it off (or when it stopped on its own). */
  sent: number
  /** The write error that ended it (the server closed the connection), if any. */
  error?: string
  /** From the first byte of the answer to the end: the cut, or the socket closed. */
  msAfterAnswer: number
}

/**
 * A raw TCP client sending a chunked body: `burst` bytes at once, then `trickle` bytes every `everyMs`, until
 * `total` bytes are sent (then it ends the body) or the server cuts it off. Bounded by `total`.
 */
function rawUpload(options: { burst: number; trickle: number; everyMs: number; total: number }): Promise<RawUpload> {
  const { port } = new URL(server.url)
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port), allowHalfOpen: true })
    let answer = ''
    let answeredAt = 0
    let sent = 0
    let ended = false
    let timer: NodeJS.Timeout | undefined
    const finish = (error?: string) => {
      if (ended) return
      ended = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ answer, sent, ...(error ? { error } : {}), msAfterAnswer: answeredAt ? Date.now() - answeredAt : -1 })
    }
    socket.setEncoding('latin1')
    socket.on('data', (d: string) => {
      answeredAt ||= Date.now()
      answer += d
    })
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message))
    socket.on('close', () => finish())
    const chunk = (n: number) => `${n.toString(16)}\r\n${'a'.repeat(n)}\r\n`
    const next = () => {
      if (ended) return
      if (sent >= options.total) {
        socket.end('0\r\n\r\n')
        return
      }
      sent += options.trickle
      socket.write(chunk(options.trickle))
      timer = setTimeout(next, options.everyMs)
    }
    socket.write(
      'POST /cgi-bin/exmail/app/compose_send?access_token=x HTTP/1.1\r\nhost: 127.0.0.1\r\n' +
        'content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n',
    )
    const burst = 64 * 1024
    const pump = () => {
      while (sent < options.burst && !ended) {
        sent += burst
        if (!socket.write(chunk(burst))) {
          socket.once('drain', pump)
          return
        }
      }
      next()
    }
    pump()
  })
}

test('after the refusal the server drops at most server.lingerBytes more, then cuts a client that keeps sending', async () => {
  server.emulator.control.setConfig({ server: { maxBodyBytes: MiB, lingerBytes: 256 * 1024, lingerMs: 60_000 } })
  const read: Promise<number> = new Promise((resolve) => {
    server.http!.once('connection', (socket) => socket.once('close', () => resolve(socket.bytesRead)))
  })
  const r = await rawUpload({ burst: 64 * MiB, trickle: 1, everyMs: 1, total: 64 * MiB })
  // Past the bound the answer may be lost to the reset: the client was told, and kept sending.
  expect(r.error).toMatch(/ECONNRESET|EPIPE/)
  expect(r.sent).toBeLessThan(64 * MiB)
  // The limit, the linger bytes, and at most one read (64 KiB) and the chunk framing over them.
  expect(await read).toBeLessThan(MiB + 256 * 1024 + 128 * 1024)
})

test('after the refusal the server drops for at most server.lingerMs, then cuts a client that keeps sending', async () => {
  server.emulator.control.setConfig({ server: { maxBodyBytes: MiB, lingerMs: 300 } })
  // 2 MiB at once (refused), then 1 KiB every 20 ms for up to 20 s: never the linger bytes, only the time.
  const r = await rawUpload({ burst: 2 * MiB, trickle: 1024, everyMs: 20, total: 2 * MiB + 1000 * 1024 })
  expect(r.answer).toContain('"errcode":40206')
  expect(r.error).toMatch(/ECONNRESET|EPIPE/)
  expect(r.msAfterAnswer).toBeLessThan(10_000)
  expect(r.sent).toBeLessThan(2 * MiB + 1000 * 1024)
})

test('after the refusal the server closes as soon as the client has sent its whole body, not after server.lingerMs', async () => {
  server.emulator.control.setConfig({ server: { maxBodyBytes: MiB, lingerMs: 60_000 } })
  const r = await rawUpload({ burst: 3 * MiB, trickle: 1024, everyMs: 1, total: 3 * MiB })
  expect(r.answer).toContain('"errcode":40206')
  expect(r.error).toBeUndefined()
  expect(r.msAfterAnswer).toBeLessThan(10_000)
})
