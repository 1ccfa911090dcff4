/**
 * The stub server's health endpoints, for compose health checks and CI wait loops: `/__mock/health` says the
 * process answers, `/__mock/health/ready` that it answers at full speed (state built, endpoint schemas
 * compiled). Both are open whatever guards the rest of the control plane (decision: health is not a secret).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { compilePendingSchemas, pendingSchemaCount, validatorFor } from '../src/core/schema.ts'
import { createEmulator } from '../src/emulator.ts'
import { createStubServer } from '../src/server/stub-server.ts'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()))
})

/** A stub server that believes it listens on `host` (for its access rules) but binds 127.0.0.1, port 0. */
async function serve(host = '127.0.0.1', config: Parameters<typeof createEmulator>[0] = {}): Promise<string> {
  const server = createStubServer(createEmulator(config), host)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  closers.push(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('liveness: GET /__mock/health', () => {
  test('answers 200 {"status":"ok"} as JSON that no cache keeps', async () => {
    const base = await serve()
    const r = await fetch(`${base}/__mock/health`)
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toMatch(/^application\/json/)
    expect(r.headers.get('cache-control')).toBe('no-store')
    expect(await r.json()).toEqual({ status: 'ok' })
  })

  test('answers HEAD with the status and no body, and ignores a query string', async () => {
    const base = await serve()
    const head = await fetch(`${base}/__mock/health`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect((await fetch(`${base}/__mock/health?probe=compose`)).status).toBe(200)
  })

  test('refuses other methods with 405 and an Allow header', async () => {
    const base = await serve()
    const r = await fetch(`${base}/__mock/health`, { method: 'POST', body: '{}' })
    expect(r.status).toBe(405)
    expect(r.headers.get('allow')).toBe('GET, HEAD')
  })

  test('answers when the control plane needs a token, without the token', async () => {
    const base = await serve('127.0.0.1', { config: { server: { controlToken: 'tok' } } })
    expect((await fetch(`${base}/__mock/defaults`)).status).toBe(401)
    expect((await fetch(`${base}/__mock/health`)).status).toBe(200)
    expect((await fetch(`${base}/__mock/health/ready`)).status).not.toBe(401)
  })

  test('answers when the control plane is disabled off loopback', async () => {
    const base = await serve('0.0.0.0')
    expect((await fetch(`${base}/__mock/defaults`)).status).toBe(403)
    expect((await fetch(`${base}/__mock/health`)).status).toBe(200)
    expect((await fetch(`${base}/__mock/health/ready`)).status).not.toBe(403)
  })
})

describe('readiness: GET /__mock/health/ready', () => {
  test('answers 503 while an endpoint schema is not compiled, then 200 once it is', async () => {
    const base = await serve()
    compilePendingSchemas()
    // A schema handed out and not compiled yet, as every endpoint's is right after start.
    validatorFor({ type: 'object', properties: { readinessProbe: { type: 'string' } } })
    expect(pendingSchemaCount()).toBe(1)
    const before = await fetch(`${base}/__mock/health/ready`)
    expect(before.status).toBe(503)
    expect(before.headers.get('retry-after')).toBe('1')
    expect(await before.json()).toEqual({ status: 'starting', pendingSchemas: 1 })
    compilePendingSchemas()
    const after = await fetch(`${base}/__mock/health/ready`)
    expect(after.status).toBe(200)
    expect(await after.json()).toEqual({ status: 'ready' })
  })

  test('a schema compiled by its first use is no longer pending', () => {
    compilePendingSchemas()
    const validate = validatorFor({ type: 'object', properties: { firstUse: { type: 'integer' } } })
    expect(pendingSchemaCount()).toBe(1)
    expect(validate({ firstUse: 1 })).toBe(true)
    expect(pendingSchemaCount()).toBe(0)
  })

  test('a started stub server becomes ready on its own, and its health answers never load Express', async () => {
    // A child process, so that nothing else in it has loaded Express.
    const script = `
      import { createRequire } from 'node:module'
      import { createEmulator } from './src/emulator.ts'
      import { startStubServer } from './src/server/stub-server.ts'
      const server = await startStubServer(createEmulator(), { host: '127.0.0.1', port: 0 })
      const alive = await fetch(server.url + '/__mock/health')
      let ready = 0
      for (let i = 0; i < 200 && ready !== 200; i++) {
        ready = (await fetch(server.url + '/__mock/health/ready')).status
        if (ready !== 200) await new Promise((r) => setTimeout(r, 25))
      }
      const express = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/express/'))
      console.log(JSON.stringify({ alive: alive.status, ready, express }))
      await server.close()
    `
    const child = spawn('node_modules/.bin/tsx', ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ alive: 200, ready: 200, express: false })
  }, 30_000)
})
