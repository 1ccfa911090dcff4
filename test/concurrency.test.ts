/**
 * Concurrency through the stub server (issue 8): many clients at once lose nothing, the Feishu per-mailbox
 * lock lets exactly one send through at a time, and racing updates leave one requested state, never a mix.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { createEmulator, type StubServer, startStubServer } from '../src/index.ts'

const servers: StubServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function start(config: Parameters<typeof createEmulator>[0] = {}) {
  const emu = createEmulator(config)
  const server = await startStubServer(emu, { port: 0 })
  servers.push(server)
  const d = emu.control.defaults()
  const r = await fetch(
    `${server.url}/cgi-bin/gettoken?corpid=${d.wecom.corpid}&corpsecret=${d.wecom.apps[0]!.corpsecret}`,
  )
  const token = ((await r.json()) as { access_token: string }).access_token
  return { emu, url: server.url, token, now: emu.control.clock().now }
}

const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  return { status: r.status, json: (await r.json()) as any }
}

describe('concurrency', () => {
  test('1,000 concurrent meeting creates give 1,000 distinct meetings and lose none', async () => {
    const { emu, url, token, now } = await start()
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        post(`${url}/cgi-bin/meeting/create?access_token=${token}`, {
          admin_userid: 'zhangsan',
          title: `concurrent ${i}`,
          meeting_start: now + 3600 + i * 60,
          meeting_duration: 1800,
        }),
      ),
    )
    expect(answers.map((a) => a.json.errcode)).toEqual(Array(1000).fill(0))
    const ids = new Set(answers.map((a) => a.json.meetingid))
    expect(ids.size).toBe(1000)
    const stored = emu.control.meetings()
    expect(stored).toHaveLength(1000)
    expect(new Set(stored.map((m) => m.meetingid))).toEqual(ids)
    expect(new Set(stored.map((m) => m.meeting_code)).size).toBe(1000)
  })

  test('concurrent updates of one meeting leave it in one of the requested states, never a mixture', async () => {
    const { emu, url, token, now } = await start()
    const created = await post(`${url}/cgi-bin/meeting/create?access_token=${token}`, {
      admin_userid: 'zhangsan',
      title: 'to be raced',
      meeting_start: now + 7200,
      meeting_duration: 1800,
    })
    const meetingid = created.json.meetingid as string
    const requested = Array.from({ length: 100 }, (_, i) => ({
      title: `state ${i}`,
      description: `description ${i}`,
      location: `room ${i}`,
      meeting_start: now + 10_000 + i * 60,
      meeting_duration: 600 + i * 60,
    }))
    const answers = await Promise.all(
      requested.map((r) => post(`${url}/cgi-bin/meeting/update?access_token=${token}`, { meetingid, ...r })),
    )
    expect(answers.map((a) => a.json.errcode)).toEqual(Array(100).fill(0))
    const m = emu.control.meetings().find((x) => x.meetingid === meetingid)!
    const i = Number(m.title.replace('state ', ''))
    expect(requested[i]).toBeDefined()
    expect({
      title: m.title,
      description: m.description,
      location: m.location,
      meeting_start: m.meeting_start,
      meeting_duration: m.meeting_duration,
    }).toEqual(requested[i])
  })

  test('concurrent sends to one Feishu mailbox follow the lock: one goes through, the rest get 429 1236006', async () => {
    const { emu, url } = await start({ config: { feishu: { mail: { lockHoldMs: 300 } } } })
    const userToken = emu.control.defaults().feishu.users[0]!.user_access_token!
    const send = (i: number) =>
      post(
        `${url}/open-apis/mail/v1/user_mailboxes/me/messages/send`,
        { subject: `race ${i}`, to: [{ mail_address: 'jane@xxx.xx' }], body_plain_text: `hello ${i}` },
        { authorization: `Bearer ${userToken}` },
      )
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i)))
    const ok = answers.filter((a) => a.json.code === 0)
    const locked = answers.filter((a) => a.json.code === 1236006)
    expect(ok).toHaveLength(1)
    expect(locked).toHaveLength(19)
    for (const a of locked) expect(a.status).toBe(429)
    // Exactly one message went out of the sender's mailbox.
    const sent = emu.control.mailbox('user@xxx.xx').filter((m) => String(m.subject).startsWith('race'))
    expect(sent).toHaveLength(1)
    // Once the send is done, the lock is free again.
    const after = await send(99)
    expect(after.json.code).toBe(0)
  })

  test('the lock is per mailbox: concurrent sends from two users both go through', async () => {
    const { emu, url } = await start({ config: { feishu: { mail: { lockHoldMs: 300 } } } })
    const users = emu.control.defaults().feishu.users.slice(0, 2)
    const answers = await Promise.all(
      users.map((u, i) =>
        post(
          `${url}/open-apis/mail/v1/user_mailboxes/me/messages/send`,
          { subject: `pair ${i}`, to: [{ mail_address: 'user@xxx.xx' }], body_plain_text: 'hi' },
          { authorization: `Bearer ${u.user_access_token}` },
        ),
      ),
    )
    expect(answers.map((a) => a.json.code)).toEqual([0, 0])
  })
})
