/**
 * The state read-backs over HTTP: what a test against a started stub server reads to assert side effects
 * (meetings, schedules, WeCom meeting-mail deliveries, Feishu mailboxes).
 */
import { beforeEach, expect, test } from 'vitest'
import { buildComposeSend, mailFaker } from '../fixtures/wecom/mail/factory.ts'
import { useStubServer } from './support/server.ts'

const server = useStubServer()
const { emulator } = server
beforeEach(() => {
  emulator.control.reset()
  emulator.control.setClock({ now: 1_800_000_000 })
})

const get = async (path: string) => {
  const r = await fetch(server.url + path)
  return { status: r.status, body: (await r.json()) as any }
}
const post = async (path: string, body: unknown, headers: Record<string, string> = {}) =>
  (await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }).then((r) => r.json())) as any
const token = async (): Promise<string> => {
  const r = await fetch(`${server.url}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014`)
  return ((await r.json()) as any).access_token
}

test('a meeting mail shows in /__mock/wecom/meetings, /__mock/wecom/schedules?origin=mail and each recipient mailbox', async () => {
  const body = buildComposeSend({}, mailFaker(1))
  expect(await post(`/cgi-bin/exmail/app/compose_send?access_token=${await token()}`, body)).toEqual({
    errcode: 0,
    errmsg: 'ok',
  })
  const meetings = (await get('/__mock/wecom/meetings?corpid=wwdevcorp0000001&agentid=1000014')).body
  expect(meetings.count).toBe(1)
  const schedules = (await get('/__mock/wecom/schedules?origin=mail')).body
  expect(schedules.count).toBe(1)
  expect(schedules.schedules[0].meetingid).toBe(meetings.meetings[0].meetingid)
  expect((await get('/__mock/wecom/schedules?origin=api')).body.count).toBe(0)
  expect((await get('/__mock/wecom/meetings?agentid=1000015')).body.count).toBe(0)
  const recipient = body.to.emails?.[0] ?? `${body.to.userids![0]}@bgjkcsqy.wecom.work`
  const box = (await get(`/__mock/wecom/mailboxes/${encodeURIComponent(recipient)}`)).body
  expect(box.count).toBe(1)
  expect(box.mails[0]).toMatchObject({ subject: body.subject, delivered_as: 'to' })
  expect((await get('/__mock/wecom/mailboxes/nobody@example.com')).body).toEqual({
    address: 'nobody@example.com',
    count: 0,
    mails: [],
  })
  expect((await get('/__mock/wecom/schedules?origin=x')).status).toBe(400)
  expect((await get('/__mock/wecom/meetings?agentid=abc')).status).toBe(400)
})

test('a Feishu send shows in the sender mailbox and the internal recipient mailbox', async () => {
  const r = await post(
    '/open-apis/mail/v1/user_mailboxes/me/messages/send',
    { subject: 'read back', to: [{ mail_address: 'jane@xxx.xx' }], body_plain_text: 'hi' },
    { authorization: 'Bearer u-dev-user-token-1' },
  )
  expect(r.code).toBe(0)
  const sent = (await get('/__mock/feishu/mailboxes/user@xxx.xx/messages')).body
  expect(sent).toMatchObject({ mailbox: 'user@xxx.xx', count: 1 })
  expect(sent.messages[0]).toMatchObject({ subject: 'read back', message_id: r.data.message_id })
  const inbox = (await get('/__mock/feishu/mailboxes/Jane@xxx.xx/messages')).body
  expect(inbox.count).toBe(1)
  expect(inbox.messages[0].subject).toBe('read back')
})

test('a WeCom mailbox is looked up by address: a bare userid is refused with the address to use', async () => {
  const { createEmulator } = await import('../src/index.ts')
  const emu = createEmulator()
  expect(() => emu.control.wecomMailbox('william')).toThrow(/william@bgjkcsqy\.wecom\.work/)
  expect(emu.control.wecomMailbox('william@bgjkcsqy.wecom.work')).toEqual([])
})
