/** The per-user serial lock of feishu.mail.send (the send doc's 注意事项), with the default hold. */
import { describe, expect, test } from 'vitest'
import { buildStructuredMail } from '../fixtures/feishu/mail/factories.ts'
import { createEmulator, defaultConfig } from '../src/index.ts'
import { SEND, send } from './support/feishu-mail.ts'
import { harnesses } from './support/harness.ts'

describe.each(harnesses)('feishu.mail.send lock via $name', (harness) => {
  test('feishu.mail.send.lock.default: the documented default hold is above zero', () => {
    expect(defaultConfig.feishu.mail.lockHoldMs).toBeGreaterThan(0)
  })

  test('feishu.mail.send.lock.serial: five concurrent sends to one mailbox give one success and 429 1236006 for the rest, while another mailbox sends', async () => {
    // A hold long enough that all five arrive within it, however loaded the machine (the default 200 ms is
    // shorter than a busy 2-core machine can take to deliver five requests): the success answers after it.
    const h = await harness.make({ config: { feishu: { mail: { lockHoldMs: 4000 } } } })
    try {
      const same = Array.from({ length: 5 }, (_, i) => send(h, buildStructuredMail({ subject: `s${i}` })))
      const other = send(h, buildStructuredMail({ to: [{ mail_address: 'user@xxx.xx' }] }), {
        token: 'u-dev-user-token-2',
      })
      const results = await Promise.all(same)
      const ok = results.filter((r) => r.status === 200 && r.json.code === 0)
      const locked = results.filter((r) => r.status === 429 && r.json.code === 1236006)
      expect([ok.length, locked.length]).toEqual([1, 4])
      expect(locked[0]!.json.msg).toBe('too many request')
      const o = await other
      expect({ status: o.status, code: o.json.code }).toEqual({ status: 200, code: 0 })
    } finally {
      await h.close()
    }
  })

  test('feishu.mail.send.lock.release: once the hold is over the mailbox sends again', async () => {
    const h = await harness.make({ config: { feishu: { mail: { lockHoldMs: 50 } } } })
    try {
      const first = await send(h, buildStructuredMail())
      const second = await send(h, buildStructuredMail())
      expect([first.json.code, second.json.code]).toEqual([0, 0])
    } finally {
      await h.close()
    }
  })

  test('feishu.mail.send.lock.failure: a refused send does not keep the mailbox', async () => {
    const h = await harness.make({ config: { feishu: { mail: { lockHoldMs: 1000 } } } })
    try {
      const refused = await send(h, { subject: 'no recipients' })
      const started = Date.now()
      const next = await send(h, buildStructuredMail())
      expect([refused.json.code, next.json.code]).toEqual([1234008, 0])
      expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    } finally {
      await h.close()
    }
  })
})

/**
 * With no hold (lockHoldMs 0) a send keeps its mailbox while it is processed: in process, a send made in the
 * same turn meets the lock whether its checks waited (a raw to parse) or not, and one made once the first
 * answered sends. What the handler did when it awaited every check; it answers in its own turn now.
 */
describe('feishu.mail.send lock with no hold, in process', () => {
  const raw = (subject: string) =>
    Buffer.from(`From: a@xxx.xx\r\nTo: jane@xxx.xx\r\nSubject: ${subject}\r\n\r\nhello\r\n`).toString('base64url')
  test.each([
    ['structured', (i: number) => buildStructuredMail({ subject: `s${i}` })],
    ['raw', (i: number) => ({ raw: raw(`r${i}`) })],
  ])('%s: two sends in one turn give 0 and 1236006; the next turn sends', async (_kind, body) => {
    const core = createEmulator({ fakerSeed: 3, config: { feishu: { mail: { lockHoldMs: 0 } } } })
    const call = (i: number) =>
      core.handle({
        method: 'POST',
        url: SEND(),
        headers: { 'content-type': 'application/json', authorization: 'Bearer u-dev-user-token-1' },
        body: new TextEncoder().encode(JSON.stringify(body(i))),
      })
    const codes = (await Promise.all([call(1), call(2)])).map((r) => (JSON.parse(r.body) as { code: number }).code)
    expect(codes).toEqual([0, 1236006])
    const next = await call(3)
    expect((JSON.parse(next.body) as { code: number }).code).toBe(0)
    // Both orders of a refusal and a success in one turn: the refused one does not keep the mailbox.
    const again = (await Promise.all([call(4), call(5), call(6)])).map(
      (r) => (JSON.parse(r.body) as { code: number }).code,
    )
    expect(again).toEqual([0, 1236006, 1236006])
  })
})
