/**
 * The control-plane routes the web console reads (src/console/routes.ts), over HTTP: the live feed, the
 * mailbox list, downloads, the mail HTML under its CSP, the calendar, the console's files and its cookie.
 */
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, beforeEach, expect, test } from 'vitest'
import { createEmulator, expressMiddleware, startStubServer } from '../src/index.ts'
import { CLOCK, client, PNG } from './support/console.ts'
import { useStubServer } from './support/server.ts'

const server = useStubServer({ config: { feishu: { mail: { lockHoldMs: 0 } } } })
const { emulator } = server
beforeEach(() => {
  emulator.control.reset()
  emulator.control.setClock({ now: CLOCK, frozen: true })
})

/** Reads server-sent events until `until` says enough (bounded by the test timeout). */
async function events(
  path: string,
  until: (seen: { event: string; data: any }[]) => boolean,
  act?: () => Promise<void>,
) {
  const ac = new AbortController()
  const r = await fetch(server.url + path, { signal: ac.signal })
  expect(r.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
  const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader()
  const seen: { event: string; data: any }[] = []
  let buffer = ''
  let acted = false
  while (!until(seen)) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += value
    let end = buffer.indexOf('\n\n')
    while (end >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1]
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (event && data) seen.push({ event, data: JSON.parse(data) })
      end = buffer.indexOf('\n\n')
    }
    if (!acted && seen.length > 0 && act) {
      acted = true
      await act()
    }
  }
  ac.abort()
  return seen
}

test('GET /__mock/events says hello, then coalesces the journal into events with summaries and no bodies', async () => {
  const c = client(server.url)
  const seen = await events(
    '/__mock/events',
    (s) => s.some((e) => e.event === 'journal' && e.data.entries.some((x: any) => x.route === 'wecom.meeting.create')),
    async () => {
      await c.createMeeting('Live one')
    },
  )
  expect(seen[0]).toMatchObject({ event: 'hello', data: { clock: { now: CLOCK, frozen: true } } })
  const journal = seen.filter((e) => e.event === 'journal')
  const entries = journal.flatMap((e) => e.data.entries)
  // gettoken and meeting/create: two requests, at most two events (one per 250 ms).
  expect(entries.map((e: any) => e.route)).toEqual(['wecom.gettoken', 'wecom.meeting.create'])
  expect(entries[1]).toMatchObject({ vendor: 'wecom', method: 'POST', path: '/cgi-bin/meeting/create', code: 0 })
  expect(entries[1]).not.toHaveProperty('requestBody')
  expect(journal.length).toBeLessThanOrEqual(2)
})

test('GET /__mock/events tells of control changes and resets, and the journal tap is off once nobody listens', async () => {
  const tap = emulator.journalTap
  // The previous test's stream is closing: once it has, nobody listens.
  await expect.poll(() => tap.listener).toBeUndefined()
  const seen = await events(
    '/__mock/events',
    (s) => s.some((e) => e.event === 'reset'),
    async () => {
      expect(tap.listener).toBeTypeOf('function')
      await fetch(`${server.url}/__mock/clock`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advance: 60 }),
      })
      await fetch(`${server.url}/__mock/reset`, { method: 'POST' })
    },
  )
  expect(seen.find((e) => e.event === 'control')).toMatchObject({
    data: { method: 'PUT', path: '/clock', clock: { now: CLOCK + 60, frozen: true } },
  })
  expect(seen.some((e) => e.event === 'reset')).toBe(true)
  await expect.poll(() => tap.listener).toBeUndefined()
})

test('GET /__mock/mailboxes lists every Feishu user mailbox and every WeCom address with its count', async () => {
  const c = client(server.url)
  await c.sendFeishuMail('hi')
  await c.sendMeetingMail('review')
  expect(await c.get('/__mock/mailboxes')).toEqual({
    feishu: [
      { address: 'user@xxx.xx', name: 'Mike', count: 1 },
      { address: 'jane@xxx.xx', name: 'Jane', count: 1 },
      { address: 'inactive@xxx.xx', name: 'Inactive', count: 0 },
    ],
    wecom: [
      { address: 'lisi@bgjkcsqy.wecom.work', name: null, count: 1 },
      { address: 'guest@example.com', name: null, count: 1 },
    ],
  })
})

test('a Feishu attachment downloads with its bytes, its name and no way to render in the page', async () => {
  const c = client(server.url)
  const sent = await c.sendFeishuMail('files')
  const m = (await c.get('/__mock/feishu/mailboxes/jane@xxx.xx/messages')).messages[0]
  const base = `${server.url}/__mock/feishu/mailboxes/jane@xxx.xx/messages/${m.message_id}`
  const r = await fetch(`${base}/attachments/${m.attachments[0].id}`)
  expect(r.status).toBe(200)
  expect(r.headers.get('content-type')).toBe('application/octet-stream')
  expect(r.headers.get('content-disposition')).toBe(`attachment; filename="agenda.txt"; filename*=UTF-8''agenda.txt`)
  expect(await r.text()).toBe('1. budget\n2. roadmap\n')
  const png = await fetch(`${base}/attachments/${m.attachments[1].id}`)
  expect(Buffer.from(await png.arrayBuffer())).toEqual(PNG)
  // The sender's copy shares the bytes; another mailbox's id is not found through this one.
  expect((await fetch(`${base}/attachments/nope`)).status).toBe(404)
  expect(
    (await fetch(`${server.url}/__mock/feishu/mailboxes/jane@xxx.xx/messages/${sent.data.message_id}/raw`)).status,
  ).toBe(404)
})

test('a Feishu raw send gives back its EML, and its attachments from it', async () => {
  const c = client(server.url)
  await c.sendFeishuRaw('raw subject')
  const m = (await c.get('/__mock/feishu/mailboxes/user@xxx.xx/messages')).messages[0]
  const base = `${server.url}/__mock/feishu/mailboxes/user@xxx.xx/messages/${m.message_id}`
  const raw = await fetch(`${base}/raw`)
  expect(raw.status).toBe(200)
  expect(raw.headers.get('content-disposition')).toContain(`filename="${m.message_id}.eml"`)
  expect(await raw.text()).toContain('Subject: raw subject\r\n')
  expect(await (await fetch(`${base}/attachments/${m.attachments[0].id}`)).text()).toBe('raw notes')
  // A structured send has no EML.
  await c.sendFeishuMail('structured')
  const s = (await c.get('/__mock/feishu/mailboxes/user@xxx.xx/messages')).messages[1]
  const none = await fetch(`${server.url}/__mock/feishu/mailboxes/user@xxx.xx/messages/${s.message_id}/raw`)
  expect(none.status).toBe(404)
  expect(((await none.json()) as { error: string }).error).toContain('structured fields')
})

test('the bytes kept for downloads count against state.maxBytes with the mail they belong to', async () => {
  const c = client(server.url)
  const big = Buffer.alloc(30_000, 7).toString('base64url')
  const send = (attachment: string) =>
    fetch(`${server.url}/open-apis/mail/v1/user_mailboxes/me/messages/send`, {
      method: 'POST',
      headers: { authorization: 'Bearer u-dev-user-token-1', 'content-type': 'application/json' },
      body: JSON.stringify({
        subject: 's',
        to: [{ mail_address: 'jane@xxx.xx' }],
        body_plain_text: 'x',
        attachments: [{ filename: 'a.bin', body: attachment }],
      }),
    })
  await send('AAAA')
  const small = (await c.get('/__mock/state')).stores['feishu.mail'].bytes
  emulator.control.reset()
  await send(big)
  const large = (await c.get('/__mock/state')).stores['feishu.mail'].bytes
  // The base64url text as sent, one byte a character, once for the send (not per copy).
  expect(large - small).toBe(big.length - 4)
})

test('a mail HTML is served with cid: images inlined under a CSP with no script and no remote image unless asked', async () => {
  const c = client(server.url)
  await c.sendFeishuMail(
    'inline',
    '<p>cid:logo <img src="cid:logo"><img src="https://images.example.invalid/a.png"></p>',
  )
  const m = (await c.get('/__mock/feishu/mailboxes/jane@xxx.xx/messages')).messages[0]
  const page = `${server.url}/__mock/feishu/mailboxes/jane@xxx.xx/messages/${m.message_id}/body.html`
  const r = await fetch(page)
  const csp = r.headers.get('content-security-policy')!
  expect(csp).toContain("script-src 'none'")
  expect(csp).toContain("default-src 'none'")
  expect(csp).toContain('img-src data:;')
  expect(csp.split('; ')).toContain('sandbox')
  expect(await r.text()).toBe(
    `<p>cid:logo <img src="data:image/png;base64,${PNG.toString('base64')}"><img src="https://images.example.invalid/a.png"></p>`,
  )
  expect((await fetch(`${page}?images=1`)).headers.get('content-security-policy')).toContain(
    'img-src data: http: https:;',
  )
})

test('a WeCom meeting mail gives its attachments by index and its HTML under the same CSP', async () => {
  const c = client(server.url)
  await c.sendMeetingMail('review')
  const mail = (await c.get('/__mock/wecom/mailboxes/lisi@bgjkcsqy.wecom.work')).mails[0]
  expect(mail.attachments).toEqual([{ file_name: 'slides.txt', size: 7 }])
  const base = `${server.url}/__mock/wecom/mailboxes/lisi@bgjkcsqy.wecom.work/mails/${mail.id}`
  expect(await (await fetch(`${base}/attachments/0`)).text()).toBe('slide 1')
  expect((await fetch(`${base}/attachments/1`)).status).toBe(404)
  const html = await fetch(`${base}/body.html`)
  expect(html.headers.get('content-security-policy')).toContain("script-src 'none'")
  expect(await html.text()).toBe('<p>Quarterly review</p>')
})

test('GET /__mock/overview lists the newest mails of both vendors and what was booked, newest first', async () => {
  const c = client(server.url)
  await c.sendFeishuMail('first')
  await c.sendMeetingMail('booked by mail')
  await c.createMeeting('standup')
  await c.addRepeatingSchedule('daily')
  const o = await c.get('/__mock/overview')
  expect(o.mails.map((m: any) => [m.vendor, m.subject, m.from])).toEqual([
    ['feishu', 'first', 'Mike <user@xxx.xx>'],
    ['wecom', 'booked by mail', 'Meetings (dev)'],
  ])
  expect(o.meetings.map((m: any) => [m.title, m.status, m.start])).toEqual([
    ['standup', 'scheduled', CLOCK + 7200],
    ['booked by mail', 'scheduled', CLOCK + 3600],
  ])
  expect(o.schedules.map((s: any) => [s.title, s.origin, s.repeats])).toEqual([
    ['daily', 'api', true],
    ['booked by mail', 'mail', false],
  ])
  expect((await fetch(`${server.url}/__mock/overview?limit=x`)).status).toBe(400)
  // Between two days of the daily series it is still on; after the last one it has ended.
  emulator.control.setClock({ now: CLOCK + 2 * 86_400 + 7200, frozen: true })
  expect((await c.get('/__mock/overview')).schedules[0]).toMatchObject({ title: 'daily', status: 'scheduled' })
  emulator.control.setClock({ now: CLOCK + 11 * 86_400, frozen: true })
  expect((await c.get('/__mock/overview')).schedules[0]).toMatchObject({ title: 'daily', status: 'ended' })
})

test('GET /__mock/calendar expands a daily series over the window with statuses on the clock and the booking mail', async () => {
  const c = client(server.url)
  await c.sendMeetingMail('booked by mail')
  await c.addRepeatingSchedule('daily')
  // From the first occurrence of the series; clock in the middle of the third.
  emulator.control.setClock({ now: CLOCK + 3 * 86_400 + 1800, frozen: true })
  const cal = await c.get(`/__mock/calendar?from=${CLOCK}&to=${CLOCK + 7 * 86_400}`)
  const daily = cal.items.find((i: any) => i.title === 'daily')
  expect(daily.occurrences.map((o: any) => [(o.start - CLOCK) / 86_400, o.status])).toEqual([
    [1, 'ended'],
    [2, 'ended'],
    [3, 'in_progress'],
    [4, 'scheduled'],
    [5, 'scheduled'],
    [6, 'scheduled'],
  ])
  expect(daily.detail).toMatchObject({ summary: 'daily', reminders: { is_repeat: 1, repeat_type: 0 } })
  const meeting = cal.items.find((i: any) => i.kind === 'meeting')
  expect(meeting).toMatchObject({ title: 'booked by mail', origin: 'mail', status: 'ended' })
  expect(meeting.mail).toMatchObject({
    vendor: 'wecom',
    subject: 'booked by mail',
    mailbox: 'lisi@bgjkcsqy.wecom.work',
  })
  expect(meeting.detail).toMatchObject({ title: 'booked by mail', status: 3, meeting_start: CLOCK + 3600 })
  expect((await fetch(`${server.url}/__mock/calendar?from=10&to=5`)).status).toBe(400)
  expect((await fetch(`${server.url}/__mock/calendar?from=0&to=${100 * 86_400}`)).status).toBe(400)
})

test('GET /__mock/catalogues offers only catalogue codes, and /__mock/rules names each rule with its doc', async () => {
  const c = client(server.url)
  const cat = await c.get('/__mock/catalogues')
  expect(cat.wecom.find((e: any) => e.code === 45009)).toMatchObject({ code: 45009 })
  expect(cat.wecom.some((e: any) => e.code === 0)).toBe(false)
  expect(cat.routes).toContainEqual({
    id: 'wecom.meeting.create',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/meeting/create',
  })
  for (const e of [...cat.wecom.slice(0, 3), ...cat.feishu.slice(0, 3)]) {
    const vendor = cat.wecom.includes(e) ? 'wecom' : 'feishu'
    const added = await fetch(`${server.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ respond: { [vendor === 'wecom' ? 'errcode' : 'code']: e.code } }),
    })
    expect(added.status).toBe(201)
  }
  const rules = await c.get('/__mock/rules')
  expect(rules['wecom.meeting.create.title.required']).toMatchObject({
    endpoint: 'wecom.meeting.create',
    code: 400042,
    doc: 'https://developer.work.weixin.qq.com/document/path/99104',
  })
  // A rule file's doc may list several pages (the gateway's): a rule's link is one page, its source's first.
  const docs = Object.values(rules as Record<string, { doc: string }>).map((r) => r.doc)
  expect(docs.filter((d) => !/^https:\/\/\S+$/.test(d))).toEqual([])
})

test('GET /__mock/ui/ serves the console under a strict CSP, only its own files, and redirects /__mock/ui', async () => {
  const r = await fetch(`${server.url}/__mock/ui/`)
  expect(r.status).toBe(200)
  expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8')
  const csp = r.headers.get('content-security-policy')!
  expect(csp).toContain("default-src 'self'")
  expect(csp).toContain("script-src 'self'")
  expect(csp).toContain("frame-ancestors 'none'")
  // Offline: nothing from another origin.
  const html = await r.text()
  expect(html).not.toMatch(/https?:\/\//)
  expect((await fetch(`${server.url}/__mock/ui/app.js`)).headers.get('content-type')).toBe(
    'text/javascript; charset=utf-8',
  )
  expect((await fetch(`${server.url}/__mock/ui/views/mail.js`)).status).toBe(200)
  expect((await fetch(`${server.url}/__mock/ui/../routes.ts`)).status).toBe(404)
  expect((await fetch(`${server.url}/__mock/ui/%2e%2e/routes.ts`)).status).toBe(404)
  expect((await fetch(`${server.url}/__mock/ui/nope.js`)).status).toBe(404)
  const bare = await fetch(`${server.url}/__mock/ui`, { redirect: 'manual' })
  expect(bare.status).toBe(303)
  expect(bare.headers.get('location')).toBe('/__mock/ui/')
})

test('with a control token the console trades ?token= for an HttpOnly cookie that admits its requests', async () => {
  const emu = createEmulator({ config: { server: { controlToken: 'tok-123' } } })
  const s = await startStubServer(emu, { host: '127.0.0.1', port: 0 })
  try {
    expect((await fetch(`${s.url}/__mock/ui/`)).status).toBe(401)
    expect((await fetch(`${s.url}/__mock/ui/?token=wrong`)).status).toBe(401)
    const login = await fetch(`${s.url}/__mock/ui/?token=tok-123`, { redirect: 'manual' })
    expect(login.status).toBe(303)
    expect(login.headers.get('location')).toBe('/__mock/ui/')
    const cookie = login.headers.get('set-cookie')!
    expect(cookie).toBe('worksuite_mock_console=tok-123; Path=/__mock; HttpOnly; SameSite=Strict')
    const jar = { cookie: cookie.split(';')[0]! }
    expect((await fetch(`${s.url}/__mock/ui/`, { headers: jar })).status).toBe(200)
    expect((await fetch(`${s.url}/__mock/clock`, { headers: jar })).status).toBe(200)
    expect((await fetch(`${s.url}/__mock/clock`, { headers: { cookie: 'worksuite_mock_console=nope' } })).status).toBe(
      401,
    )
    // The query token opens only the console page, not the rest of the control plane.
    expect((await fetch(`${s.url}/__mock/clock?token=tok-123`)).status).toBe(401)
  } finally {
    await s.close()
  }
})

const apps: import('node:http').Server[] = []
afterAll(() => Promise.all(apps.map((a) => new Promise((r) => a.close(r)))))

test('the Express middleware serves the console under its mount path, with relative links that keep the prefix', async () => {
  const app = express()
  app.use('/mock', expressMiddleware(createEmulator()))
  const listening = await new Promise<import('node:http').Server>((resolve) => {
    const l = app.listen(0, '127.0.0.1', () => resolve(l))
  })
  apps.push(listening)
  const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/mock`
  const r = await fetch(`${base}/__mock/ui/`)
  expect(r.status).toBe(200)
  expect(await r.text()).toContain('src="app.js"')
  expect((await fetch(`${base}/__mock/mailboxes`)).status).toBe(200)
  const bare = await fetch(`${base}/__mock/ui`, { redirect: 'manual' })
  expect(bare.headers.get('location')).toBe('/mock/__mock/ui/')
})
