/**
 * One byte budget for all kept state (`state.maxBytes`), through the stub server: many large meeting mails
 * and Feishu sends keep the bytes used within it and the server answering; the oldest records go first and
 * read back as the vendor's ordinary not-found; a body bigger than the whole budget is not kept; the journal
 * keeps a prefix and the size of a 20 MB body. Budgets are small and bodies a few MB, so this stays fast.
 */
import { beforeEach, expect, test } from 'vitest'
import { useStubServer } from './support/server.ts'

const MiB = 1024 * 1024
const BUDGET = 4 * MiB
const CORP = 'wwdevcorp0000001'
const USER_TOKEN = 'u-dev-user-token-1'

const server = useStubServer({
  config: {
    state: { maxBytes: BUDGET },
    feishu: { mail: { lockHoldMs: 0, rateLimitPerMinute: 100_000 } },
  },
})
const { emulator } = server
beforeEach(() => {
  emulator.control.reset()
  emulator.control.setClock({ now: 1_800_000_000 })
})

async function json(path: string, init?: RequestInit): Promise<any> {
  const r = await fetch(server.url + path, init)
  return r.json()
}
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  json(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
const state = () => json('/__mock/state')

async function wecomToken(): Promise<string> {
  return (await json(`/cgi-bin/gettoken?corpid=${CORP}&corpsecret=dev-secret-meetings-1000014`)).access_token
}

function meetingMail(i: number, content: string) {
  const start = 1_900_000_000 + i * 3600
  return {
    to: { userids: ['zhangsan'] },
    subject: `budget ${i}`,
    content,
    schedule: { start_time: start, end_time: start + 1800 },
    meeting: { meeting_admins: { userids: ['zhangsan'] } },
  }
}

const feishuSend = (i: number, text: string) =>
  post(
    '/open-apis/mail/v1/user_mailboxes/me/messages/send',
    { subject: `budget ${i}`, to: [{ mail_address: 'jane@xxx.xx' }], body_plain_text: text },
    { authorization: `Bearer ${USER_TOKEN}` },
  )
const feishuGet = (id: string) =>
  json(`/open-apis/mail/v1/user_mailboxes/me/messages/${id}`, { headers: { authorization: `Bearer ${USER_TOKEN}` } })

test('meeting mails of 1 MB under a 4 MiB budget keep the bytes used within it; the oldest read back as never issued', async () => {
  const token = await wecomToken()
  const content = 'x'.repeat(MiB)
  expect(await post(`/cgi-bin/exmail/app/compose_send?access_token=${token}`, meetingMail(0, content))).toMatchObject({
    errcode: 0,
  })
  const first = (await json('/__mock/wecom/schedules?origin=mail')).schedules[0]
  for (let i = 1; i < 12; i++) {
    const r = await post(`/cgi-bin/exmail/app/compose_send?access_token=${token}`, meetingMail(i, content))
    expect(r.errcode).toBe(0)
    const s = await state()
    expect(s.usedBytes).toBeLessThanOrEqual(BUDGET)
  }
  const s = await state()
  expect(s.maxBytes).toBe(BUDGET)
  expect(s.evicted.records).toBeGreaterThan(0)
  expect(s.stores['wecom.mailboxes'].evictedRecords).toBeGreaterThan(0)

  const never = await post(`/cgi-bin/oa/schedule/get?access_token=${token}`, { schedule_id_list: ['0'.repeat(29)] })
  const evicted = await post(`/cgi-bin/oa/schedule/get?access_token=${token}`, {
    schedule_id_list: [first.schedule_id],
  })
  expect(evicted.errcode).not.toBe(0)
  expect(evicted.errcode).toBe(never.errcode)
  const neverMeeting = await post(`/cgi-bin/meeting/get_info?access_token=${token}`, {
    meetingid: `hy${'0'.repeat(30)}`,
  })
  const evictedMeeting = await post(`/cgi-bin/meeting/get_info?access_token=${token}`, { meetingid: first.meetingid })
  expect(evictedMeeting.errcode).toBe(neverMeeting.errcode)
  expect(evictedMeeting.errcode).toBe(90602)
  // The mailbox keeps the newest mails only, within the budget.
  const box = await json('/__mock/wecom/mailboxes/zhangsan@bgjkcsqy.wecom.work')
  expect(box.count).toBeGreaterThan(0)
  expect(box.count).toBeLessThan(12)
  expect(box.mails.at(-1).subject).toBe('budget 11')
})

test('Feishu sends of 1 MB under a 4 MiB budget keep the bytes used within it; the oldest read back 1234034', async () => {
  const text = 'y'.repeat(MiB)
  const ids: string[] = []
  for (let i = 0; i < 12; i++) {
    const r = await feishuSend(i, text)
    expect(r.code).toBe(0)
    ids.push(r.data.message_id)
    expect((await state()).usedBytes).toBeLessThanOrEqual(BUDGET)
  }
  const s = await state()
  expect(s.stores['feishu.mail'].evictedRecords).toBeGreaterThan(0)
  const never = await feishuGet('00000000-0000-4000-8000-000000000000')
  const evicted = await feishuGet(ids[0]!)
  expect(evicted).toMatchObject({ code: 1234034 })
  expect(evicted.code).toBe(never.code)
  const newest = await feishuGet(ids.at(-1)!)
  expect(newest.code).toBe(0)
})

test('the journal says which request evicted records, and /__mock/state gives bytes used per store', async () => {
  const text = 'z'.repeat(MiB)
  for (let i = 0; i < 6; i++) await feishuSend(i, text)
  const page = await json('/__mock/requests?route=feishu.mail.send')
  const evicting = page.entries.filter((e: any) => e.evicted > 0)
  expect(evicting.length).toBeGreaterThan(0)
  expect(page.entries[0].evicted).toBe(0)
  const s = await state()
  expect(Object.keys(s.stores).sort()).toEqual([
    'feishu.mail',
    'wecom.calendars',
    'wecom.mailboxes',
    'wecom.meetings',
    'wecom.schedules',
  ])
  const sum =
    Object.values(s.stores as Record<string, { bytes: number }>).reduce((n, a) => n + a.bytes, 0) + s.journal.bytes
  expect(s.usedBytes).toBe(sum)
  expect(s.journal.entries).toBeGreaterThan(0)
  expect(s.lastEviction).toMatchObject({ store: 'feishu.mail' })
})

test('a mail bigger than the whole budget is not kept, and evicts nothing older', async () => {
  const small = await feishuSend(0, 'small')
  const big = await feishuSend(1, 'b'.repeat(5 * MiB))
  expect(big.code).toBe(0)
  expect((await feishuGet(big.data.message_id)).code).toBe(1234034)
  expect((await feishuGet(small.data.message_id)).code).toBe(0)
  const s = await state()
  expect(s.usedBytes).toBeLessThanOrEqual(BUDGET)
  expect(s.evicted.records).toBe(1)
})

test('a meeting mail bigger than the whole budget keeps neither its schedule, meeting nor mail; older ones stay', async () => {
  const token = await wecomToken()
  await post(`/cgi-bin/exmail/app/compose_send?access_token=${token}`, meetingMail(0, 'small'))
  const r = await post(`/cgi-bin/exmail/app/compose_send?access_token=${token}`, meetingMail(1, 'b'.repeat(5 * MiB)))
  expect(r.errcode).toBe(0)
  const schedules = (await json('/__mock/wecom/schedules?origin=mail')).schedules
  expect(schedules.map((x: any) => x.summary)).toEqual(['budget 0'])
  expect((await json('/__mock/wecom/meetings')).count).toBe(1)
  const s = await state()
  expect(s.evicted.records).toBe(3)
  expect(s.usedBytes).toBeLessThanOrEqual(BUDGET)
})

test('the journal of a 20 MB body keeps a prefix of it and its size', async () => {
  const text = 'p'.repeat(20 * MiB)
  const r = await feishuSend(0, text)
  expect(r.code).toBe(0)
  const [entry] = (await json('/__mock/requests?route=feishu.mail.send')).entries
  expect(entry.truncated).toBe(true)
  expect(entry.requestBytes).toBeGreaterThan(20 * MiB)
  expect(entry.requestBody.length).toBeLessThanOrEqual(8193)
  expect(entry.requestBody.startsWith('{"subject":"budget 0"')).toBe(true)
  expect((await state()).journal.bytes).toBeLessThan(64 * 1024)
})

test('a smaller state.maxBytes set while running evicts at once', async () => {
  for (let i = 0; i < 3; i++) await feishuSend(i, 'q'.repeat(MiB))
  const before = await state()
  expect(before.usedBytes).toBeGreaterThan(2 * MiB)
  const put = await json('/__mock/config', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ state: { maxBytes: MiB } }),
  })
  expect(put.state.maxBytes).toBe(MiB)
  const after = await state()
  expect(after.usedBytes).toBeLessThanOrEqual(MiB)
  expect(after.evicted.records).toBeGreaterThan(before.evicted.records)
})
