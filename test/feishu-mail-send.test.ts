/** The accepting side of feishu.mail.send and its read-back (control.mailbox, GET message), through every harness. */
import { describe, expect, test } from 'vitest'
import docExample from '../fixtures/feishu/mail/doc-example.json' with { type: 'json' }
import { buildEml, buildRawMail, buildStructuredMail } from '../fixtures/feishu/mail/factories.ts'
import { FAST, getMessage, mergeConfig, send } from './support/feishu-mail.ts'
import { expectRefusal, harnesses } from './support/harness.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const b64 = (s: string) => Buffer.from(s).toString('base64url')
const plain = (s: string) => Buffer.from(s, 'base64url').toString()

describe.each(harnesses)('feishu.mail.send via $name', (harness) => {
  const make = (config = {}) => harness.make({ config: mergeConfig(FAST, config) })

  test.each([
    'me',
    'user@xxx.xx',
  ])('feishu.mail.send.success: the doc example succeeds as written at %s', async (mailbox) => {
    const h = await make()
    const r = await send(h, docExample, { mailbox })
    expect(r.status).toBe(200)
    expect(r.json.code).toBe(0)
    expect(r.json.msg).toBe('success')
    expect(r.json.data.message_id).toMatch(UUID)
    expect(r.json.data.thread_id).toMatch(UUID)
  })

  test('feishu.mail.send.message-id.duplicate: the doc example sent again answers 409 1236005', async () => {
    const h = await make()
    expect((await send(h, docExample)).status).toBe(200)
    const again = await send(h, docExample)
    expect({ status: again.status, code: again.json.code, msg: again.json.msg }).toEqual({
      status: 409,
      code: 1236005,
      msg: 'send mail repeatedly',
    })
  })

  test('feishu.mail.send.message-id.assigned: a raw reusing the Message-ID the emulator assigned answers 409 1236005', async () => {
    const h = await make()
    await send(h, buildStructuredMail())
    const assigned = h.control.mailbox('user@xxx.xx')[0]!.smtp_message_id
    const r = await send(h, buildRawMail({ messageId: assigned }))
    expect({ status: r.status, code: r.json.code }).toEqual({ status: 409, code: 1236005 })
    expectRefusal(r, 'feishu.mail.send.message-id.assigned')
  })

  test.each([
    'application/json',
    'application/json; charset=utf-8',
  ])('feishu.mail.send.content-type: accepts Content-Type %s', async (type) => {
    const h = await make()
    const r = await send(h, buildStructuredMail(), { headers: { 'content-type': type } })
    expect({ status: r.status, code: r.json.code }).toEqual({ status: 200, code: 0 })
  })

  test.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
  ])('feishu.mail.send.content-type.json-only: a JSON body declared as %s answers 400 9499, nothing sent', async (type) => {
    const h = await make()
    const r = await send(h, buildStructuredMail(), { headers: { 'content-type': type } })
    expect({ status: r.status, code: r.json.code, msg: r.json.msg }).toEqual({
      status: 400,
      code: 9499,
      msg: 'Bad Request',
    })
    expect(h.control.mailbox('user@xxx.xx')).toHaveLength(0)
  })

  test('feishu.mail.send.body.type: 9499 names the field and value in the vendor words', async () => {
    const h = await make()
    const r = await send(h, { to: [{ mail_address: 42 }] })
    expect(r.status).toBe(400)
    expect(r.json.msg).toBe(
      'Invalid parameter type in json: to[0].mail_address. Invalid parameter value: 42. Please check and modify accordingly.',
    )
  })

  test('feishu.mail.send.body.null: null fields count as absent, not as a wrong type', async () => {
    const h = await make()
    const r = await send(h, { ...buildStructuredMail(), cc: null, attachments: null, subject: null })
    expect({ status: r.status, code: r.json.code }).toEqual({ status: 200, code: 0 })
  })

  test('feishu.mail.send.attachments.body.length: exactly 51,729,750 characters is accepted', async () => {
    const h = await make({ feishu: { mail: { maxMessageBytes: 40 * 1024 * 1024 } } })
    const r = await send(
      h,
      buildStructuredMail({ attachments: [{ body: 'A'.repeat(51_729_750), filename: 'max.bin' }] }),
    )
    expect({ status: r.status, code: r.json.code }).toEqual({ status: 200, code: 0 })
  })

  test('feishu.mail.send.base64url.padding: bodies with and without "=" padding are accepted', async () => {
    const h = await make()
    const padded = await send(h, buildStructuredMail({ attachments: [{ body: 'aGk=', filename: 'a.txt' }] }))
    const bare = await send(h, buildStructuredMail({ attachments: [{ body: 'aGk', filename: 'b.txt' }] }))
    expect([padded.json.code, bare.json.code]).toEqual([0, 0])
  })

  test('feishu.mail.send.size.limit: a message at the limit is accepted, one byte over is refused', async () => {
    const h = await make({ feishu: { mail: { maxMessageBytes: 100 } } })
    const at = await send(h, { to: [{ mail_address: 'jane@xxx.xx' }], body_plain_text: 'x'.repeat(100) })
    const over = await send(h, { to: [{ mail_address: 'jane@xxx.xx' }], body_plain_text: 'x'.repeat(101) })
    expect([at.json.code, over.status, over.json.code]).toEqual([0, 400, 1236001])
  })

  test('feishu.mail.send.recipients.limit: exactly 500 recipients is accepted', async () => {
    const h = await make({ feishu: { mail: { daily: { externalRecipientsPerUser: 1000 } } } })
    const to = Array.from({ length: 500 }, (_, i) => ({ mail_address: `r${i}@example.com` }))
    const r = await send(h, { to, subject: 'many' })
    expect({ status: r.status, code: r.json.code }).toEqual({ status: 200, code: 0 })
  })

  test('feishu.mail.send.raw.precedence: raw wins over structured fields, which are only type-checked', async () => {
    const h = await make()
    const r = await send(h, {
      ...buildRawMail({ subject: 'from raw', to: ['jane@xxx.xx'] }),
      subject: 'ignored',
      to: [{ mail_address: 'bad' }],
    })
    expect(r.json.code).toBe(0)
    const got = await getMessage(h, r.json.data.message_id)
    expect(got.json.data.message.subject).toBe('from raw')
    expect(got.json.data.message.to).toEqual([{ mail_address: 'jane@xxx.xx' }])
    const typed = await send(h, { ...buildRawMail(), subject: 7 })
    expect({ status: typed.status, code: typed.json.code }).toEqual({ status: 400, code: 9499 })
  })

  test('feishu.mail.send.dedupe-key.replay: the same key from the same mailbox answers the first result and sends nothing', async () => {
    const h = await make()
    const first = await send(h, buildStructuredMail({ dedupe_key: 'k-1' }))
    const second = await send(h, buildStructuredMail({ dedupe_key: 'k-1', subject: 'other' }))
    expect(second.json).toMatchObject({ code: 0, data: first.json.data })
    expect(h.control.mailbox('user@xxx.xx')).toHaveLength(1)
    const otherKey = await send(h, buildStructuredMail({ dedupe_key: 'k-2' }))
    expect(otherKey.json.data.message_id).not.toBe(first.json.data.message_id)
    const otherMailbox = await send(h, buildStructuredMail({ dedupe_key: 'k-1' }), { token: 'u-dev-user-token-2' })
    expect(otherMailbox.json.data.message_id).not.toBe(first.json.data.message_id)
  })

  test('feishu.mail.send.delivery.internal: internal recipients get a copy in their mailbox, external ones do not', async () => {
    const h = await make()
    const r = await send(h, buildStructuredMail({ subject: 'for jane', bcc: [{ mail_address: 'boss@example.com' }] }))
    const sent = h.control.mailbox('user@xxx.xx')
    const inbox = h.control.mailbox('jane@xxx.xx')
    expect(sent).toMatchObject([{ message_id: r.json.data.message_id, folder_id: 'SENT', message_state: 2 }])
    expect(inbox).toMatchObject([{ folder_id: 'INBOX', message_state: 1, subject: 'for jane', bcc: [] }])
    expect(inbox[0]!.message_id).not.toBe(r.json.data.message_id)
    const asJane = await getMessage(h, inbox[0]!.message_id, { token: 'u-dev-user-token-2' })
    expect(asJane.json.data.message.subject).toBe('for jane')
  })

  test('feishu.mail.send.thread.replies: a reply joins the thread of the message it answers (In-Reply-To / References)', async () => {
    const h = await make()
    const first = await send(h, buildRawMail({ messageId: 'root@xxx.xx' }))
    const reply = await send(h, buildRawMail({ messageId: 'r1@xxx.xx', inReplyTo: 'root@xxx.xx' }))
    const viaRefs = await send(h, buildRawMail({ messageId: 'r2@xxx.xx', references: ['root@xxx.xx', 'unknown@x.xx'] }))
    const fresh = await send(h, buildRawMail({ messageId: 'other@xxx.xx' }))
    expect(reply.json.data.thread_id).toBe(first.json.data.thread_id)
    expect(viaRefs.json.data.thread_id).toBe(first.json.data.thread_id)
    expect(fresh.json.data.thread_id).not.toBe(first.json.data.thread_id)
    const janeThreads = new Set(
      h.control
        .mailbox('jane@xxx.xx')
        .slice(0, 3)
        .map((m) => m.thread_id),
    )
    expect(janeThreads.size).toBe(1)
  })

  test('feishu.mail.send.store.cap: the store keeps at most maxStoredMessages, oldest first', async () => {
    const h = await make({ feishu: { mail: { maxStoredMessages: 3 } } })
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      ids.push((await send(h, { subject: `m${i}`, to: [{ mail_address: 'x@example.com' }] })).json.data.message_id)
    }
    expect(h.control.mailbox('user@xxx.xx').map((m) => m.subject)).toEqual(['m0', 'm1', 'm2'])
    await send(h, { subject: 'm3', to: [{ mail_address: 'x@example.com' }] })
    expect(h.control.mailbox('user@xxx.xx').map((m) => m.subject)).toEqual(['m1', 'm2', 'm3'])
    const gone = await getMessage(h, ids[0]!)
    expect({ status: gone.status, code: gone.json.code }).toEqual({ status: 404, code: 1234034 })
  })

  test('feishu.mail.send.store.cap: past maxStoredMessages the oldest send and its dedupe_key go, and the key sends anew', async () => {
    const h = await make({ feishu: { mail: { maxStoredMessages: 2 } } })
    const to = [{ mail_address: 'x@example.com' }]
    const first = (await send(h, { subject: 'm0', to, dedupe_key: 'k-0' })).json.data.message_id
    for (let i = 1; i < 5; i++) await send(h, { subject: `m${i}`, to, dedupe_key: `k-${i}` })
    expect(h.control.mailbox('user@xxx.xx').map((m) => m.subject)).toEqual(['m3', 'm4'])
    const again = await send(h, { subject: 'm0 again', to, dedupe_key: 'k-0' })
    expect(again.json.data.message_id).not.toBe(first)
    expect(h.control.mailbox('user@xxx.xx').map((m) => m.subject)).toEqual(['m4', 'm0 again'])
    const replay = await send(h, { subject: 'm4 replay', to, dedupe_key: 'k-4' })
    expect(h.control.mailbox('user@xxx.xx').map((m) => m.subject)).toEqual(['m4', 'm0 again'])
    expect(replay.json.data.message_id).toBe(h.control.mailbox('user@xxx.xx')[0]!.message_id)
  })

  test('feishu.mail.send.rate-limit: 429 carries x-ogw-ratelimit-limit and -reset, and the next minute is open again', async () => {
    const h = await make({ feishu: { mail: { rateLimitPerMinute: 100 } } })
    h.control.setClock({ now: 1_755_000_000, frozen: true })
    for (let i = 0; i < 100; i++) expect((await send(h, { subject: 'x' })).json.code).toBe(1234008)
    const limited = await send(h, buildStructuredMail())
    expect({ status: limited.status, code: limited.json.code }).toEqual({ status: 429, code: 99991400 })
    expect(limited.headers['x-ogw-ratelimit-limit']).toBe('100')
    expect(Number(limited.headers['x-ogw-ratelimit-reset'])).toBeGreaterThan(0)
    h.control.setClock({ advance: 60 })
    expect((await send(h, buildStructuredMail())).json.code).toBe(0)
  })

  test('feishu.mail.send.quota.day-boundary: daily quotas start again at Beijing midnight', async () => {
    const h = await make({ feishu: { mail: { daily: { sendsPerUser: 1 } } } })
    // 2025-08-13 23:59:00 +08:00
    h.control.setClock({ now: Date.UTC(2025, 7, 13, 15, 59, 0) / 1000, frozen: true })
    expect((await send(h, buildStructuredMail())).json.code).toBe(0)
    expect((await send(h, buildStructuredMail())).json.code).toBe(1236007)
    h.control.setClock({ advance: 60 })
    expect((await send(h, buildStructuredMail())).json.code).toBe(0)
  })

  test('feishu.mail.send.mailbox.case: the address in the path is matched case-insensitively', async () => {
    const h = await make()
    const r = await send(h, buildStructuredMail(), { mailbox: 'USER@xxx.xx' })
    expect(r.json.code).toBe(0)
  })
})

describe.each(harnesses)('feishu.mail.message.get via $name', (harness) => {
  test('feishu.mail.message.get.success: answers the stored message with base64url bodies', async () => {
    const h = await harness.make({ config: FAST })
    const body = buildStructuredMail({ subject: '主题', body_plain_text: 'plain ✓', body_html: '<b>html</b>' })
    const sent = await send(h, body)
    const r = await getMessage(h, sent.json.data.message_id, { mailbox: 'user@xxx.xx' })
    expect(r.status).toBe(200)
    const m = r.json.data.message
    expect(m).toMatchObject({
      message_id: sent.json.data.message_id,
      thread_id: sent.json.data.thread_id,
      subject: '主题',
      head_from: { mail_address: 'user@xxx.xx' },
      to: body.to,
      cc: body.cc,
      message_state: 2,
    })
    expect(plain(m.body_plain_text)).toBe('plain ✓')
    expect(plain(m.body_html)).toBe('<b>html</b>')
    expect(m.internal_date).toMatch(/^\d{13}$/)
    expect(m.attachments).toMatchObject([
      { filename: body.attachments![0]!.filename, attachment_type: 1, is_inline: false },
    ])
  })

  test('feishu.mail.message.get.raw: a raw message reads back with its parsed headers and bodies', async () => {
    const h = await harness.make({ config: FAST })
    const eml = buildEml({ subject: 'raw subject', text: 'raw text', to: ['jane@xxx.xx', '"Ext" <ext@example.com>'] })
    const sent = await send(h, { raw: b64(eml) })
    const m = (await getMessage(h, sent.json.data.message_id)).json.data.message
    expect(m.subject).toBe('raw subject')
    expect(m.to).toEqual([{ mail_address: 'jane@xxx.xx' }, { mail_address: 'ext@example.com', name: 'Ext' }])
    expect(plain(m.body_plain_text)).toContain('raw text')
  })

  test('feishu.mail.message.get.not-found: an unknown id answers 404 1234034', async () => {
    const h = await harness.make({ config: FAST })
    expectRefusal(await getMessage(h, '00000000-0000-4000-8000-000000000000'), 'feishu.mail.message.get.not-found')
  })

  test('feishu.mail.message.get.mailbox.not-found: an unknown mailbox answers 404 1235013', async () => {
    const h = await harness.make({ config: FAST })
    const sent = await send(h, buildStructuredMail())
    const r = await getMessage(h, sent.json.data.message_id, { mailbox: 'ghost@xxx.xx' })
    expectRefusal(r, 'feishu.mail.message.get.mailbox.not-found')
  })

  test('feishu.mail.message.get.mailbox.inactive: an inactive mailbox answers 404 1235013', async () => {
    const h = await harness.make({ config: FAST })
    const sent = await send(h, buildStructuredMail())
    const r = await getMessage(h, sent.json.data.message_id, { mailbox: 'inactive@xxx.xx' })
    expectRefusal(r, 'feishu.mail.message.get.mailbox.inactive')
  })

  test("feishu.mail.message.get.mailbox.other-user: another user's mailbox answers 403 1234017", async () => {
    const h = await harness.make({ config: FAST })
    const sent = await send(h, buildStructuredMail())
    const r = await getMessage(h, sent.json.data.message_id, { mailbox: 'jane@xxx.xx' })
    expectRefusal(r, 'feishu.mail.message.get.mailbox.other-user')
  })

  test('feishu.mail.message.get.other-copy: a message id from another mailbox answers 404 1234034', async () => {
    const h = await harness.make({ config: FAST })
    const sent = await send(h, buildStructuredMail())
    const r = await getMessage(h, sent.json.data.message_id, { token: 'u-dev-user-token-2' })
    expectRefusal(r, 'feishu.mail.message.get.other-copy')
  })
})
