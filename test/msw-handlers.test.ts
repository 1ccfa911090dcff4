/**
 * The MSW handlers' answers carry their Content-Length, as the stub server's do: without it MSW never let a
 * mocked connection go back to the client's pool, so every request opened a connection of its own and kept
 * its socket (tens of KB) for the rest of the run (bench/msw-retention.ts).
 */
import dc from 'node:diagnostics_channel'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createEmulator, createHandlers } from '../mocks/index.ts'

const emulator = createEmulator()
const server = setupServer(...createHandlers(emulator))
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
afterAll(() => server.close())

test('an MSW answer carries its Content-Length', async () => {
  const wecom = await fetch('https://qyapi.weixin.qq.com/cgi-bin/meeting/create?access_token=x', {
    method: 'POST',
    body: '{}',
  })
  const text = await wecom.text()
  expect(wecom.headers.get('content-length')).toBe(String(Buffer.byteLength(text)))
  const feishu = await fetch('https://open.feishu.cn/open-apis/mail/v1/user_mailboxes/me/messages/send', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  expect(feishu.headers.get('content-length')).toBe(String(Buffer.byteLength(await feishu.text())))
})

test('after a turn of the event loop, requests one after another reuse one connection', async () => {
  let connections = 0
  const count = () => {
    connections++
  }
  dc.subscribe('undici:client:connected', count)
  try {
    const call = async () => {
      const r = await fetch('https://qyapi.weixin.qq.com/cgi-bin/meeting/create?access_token=x', {
        method: 'POST',
        body: '{}',
      })
      await r.text()
    }
    await call()
    // The check phase, where MSW lets a connection go: from here on the pool has a free one.
    await new Promise((resolve) => setImmediate(resolve))
    const before = connections
    for (let i = 0; i < 20; i++) await call()
    expect(connections - before).toBe(0)
  } finally {
    dc.unsubscribe('undici:client:connected', count)
  }
})
