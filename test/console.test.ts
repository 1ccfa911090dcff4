/**
 * The web console in a real browser: Debian's chromium (installed by .ci/run when missing), driven by
 * playwright-core through `executablePath` (no browser download). One browser and one stub server for the
 * file; the tests run in order and build on what the earlier ones sent. They wait for what the page shows,
 * never for time. With UPDATE_SCREENSHOTS=1 (`npm run screenshots`) they write docs/console-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createEmulator, startStubServer } from '../src/index.ts'
import { CLOCK, client, PNG } from './support/console.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const present = existsSync(CHROMIUM)
if (!present && !process.env.CI)
  console.warn(`[console.test] skipped: no chromium at ${CHROMIUM} (apt-get install chromium; CI installs it)`)

const shots = process.env.UPDATE_SCREENSHOTS ? 'docs' : join('.cache', 'console-shots')

// Bounded, with room for a loaded CI machine running other test files beside it.
describe.skipIf(!present && !process.env.CI)('web console', { timeout: 40_000 }, () => {
  // Seeded ids and a frozen clock: the same pictures from run to run.
  const emulator = createEmulator({ fakerSeed: 7, config: { feishu: { mail: { lockHoldMs: 0 } } } })
  let url = ''
  let close = async () => {}
  let browser: Browser
  let context: BrowserContext
  let page: Page
  const errors: string[] = []
  const api = () => client(url)
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    if (!present) throw new Error(`chromium is missing at ${CHROMIUM}: .ci/run installs it with apt-get`)
    emulator.control.setClock({ now: CLOCK, frozen: true })
    const s = await startStubServer(emulator, { host: '127.0.0.1', port: 0 })
    url = s.url
    close = s.close
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    })
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url })
    page = await context.newPage()
    page.setDefaultTimeout(15_000)
    page.on('pageerror', (e) => errors.push(e.message))
    mkdirSync(shots, { recursive: true })
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    await close()
  })

  const open = async (hash: string) => {
    await page.goto(`${url}/__mock/ui/#${hash}`)
    await page.locator('#live[data-state="live"]').waitFor()
  }
  const shot = (name: string) => page.screenshot({ path: join(shots, `console-${name}.png`) })

  test('the overview shows the Feishu mail, the WeCom meeting mail, the meeting and the schedule as they arrive', async () => {
    await open('/overview')
    await page.locator('#overview-mails tr.empty').waitFor()
    const booked = await page.locator('#overview-booked').boundingBox()
    const c = api()
    const sent = await c.sendFeishuMail('Budget review notes')
    expect(sent.code).toBe(0)
    ids.feishu = sent.data.message_id
    // Live: the page is not reloaded; the rows come through /__mock/events.
    await page.locator('#overview-mails tr', { hasText: 'Budget review notes' }).waitFor()
    expect((await c.sendFeishuRaw('Raw EML hello')).code).toBe(0)
    expect((await c.sendMeetingMail('Quarterly planning')).errcode).toBe(0)
    const meeting = await c.createMeeting('Design standup')
    expect(meeting.errcode).toBe(0)
    ids.meeting = meeting.meetingid
    const schedule = await c.addRepeatingSchedule('Daily sync')
    expect(schedule.errcode).toBe(0)
    ids.schedule = schedule.schedule_id
    const mails = page.locator('#overview-mails tbody tr')
    await page.locator('#overview-mails tr[data-vendor="wecom"]', { hasText: 'Quarterly planning' }).waitFor()
    await expect.poll(() => mails.count()).toBe(3)
    const row = page.locator('#overview-mails tr', { hasText: 'Budget review notes' })
    expect(await row.textContent()).toContain('Mike <user@xxx.xx>')
    expect(await row.textContent()).toContain('jane@xxx.xx')
    expect(await row.textContent()).toContain('2027-01-15 16:00:00')
    await page.locator('#overview-booked tr', { hasText: 'Daily sync' }).waitFor()
    const standup = page.locator('#overview-booked tr', { hasText: 'Design standup' })
    expect(await standup.textContent()).toContain('2027-01-15 18:00:00')
    expect(await standup.textContent()).toContain('scheduled')
    expect(await page.locator('#overview-booked tr', { hasText: 'Quarterly planning' }).count()).toBe(2)
    // New rows land inside their own tables: the other card stays where it was.
    expect(await page.locator('#overview-booked').boundingBox()).toMatchObject({ x: booked!.x, y: booked!.y })
    await shot('overview')
  })

  test('the Feishu mailbox shows headers, plain text, the HTML with its inline image resolved, and downloadable attachments', async () => {
    await open(`/mail/feishu/user@xxx.xx/${ids.feishu}`)
    const reader = page.locator('#mail-reader')
    await reader.locator('h2', { hasText: 'Budget review notes' }).waitFor()
    expect(await reader.locator('.headers').textContent()).toContain('Mike <user@xxx.xx>')
    expect(await reader.locator('.plain-body').textContent()).toBe('Hello Jane')
    const frame = page.frameLocator('iframe.mail-frame')
    await frame.locator('b', { hasText: 'Jane' }).waitFor()
    expect(await frame.locator('img').getAttribute('src')).toMatch(/^data:image\/png;base64,/)
    expect(await page.locator('iframe.mail-frame').getAttribute('sandbox')).toBe('')
    const attachments = page.locator('#attachments li')
    expect(await attachments.allTextContents()).toEqual([
      'agenda.txt 21 B',
      `logo.png ${PNG.length} B · inline (cid:logo)`,
    ])
    expect(await frame.locator('img').evaluate((img: any) => img.naturalWidth)).toBe(24)
    const download = page.waitForEvent('download')
    await attachments.first().locator('a').click()
    const file = await download
    expect(file.suggestedFilename()).toBe('agenda.txt')
    // A structured send has no EML to offer.
    await expect.poll(() => page.locator('#raw-eml').isHidden()).toBe(true)
    // The raw send does; it lists in the thread list of the same mailbox.
    await page.locator('#mail-list a.msg', { hasText: 'Raw EML hello' }).click()
    await reader.locator('h2', { hasText: 'Raw EML hello' }).waitFor()
    await page.locator('#raw-eml:not([hidden])').waitFor()
    const eml = await page.request.get((await page.locator('#raw-eml').getAttribute('href'))!)
    expect(await eml.text()).toContain('Subject: Raw EML hello')
    await page.locator('#mail-list a.msg', { hasText: 'Budget review notes' }).click()
    await frame.locator('b', { hasText: 'Jane' }).waitFor()
    await shot('mail')
  })

  test('a reply joins its thread, and remote images load only when the reader asks', async () => {
    const original = (await api().get(`/__mock/feishu/mailboxes/jane@xxx.xx/messages`)).messages.find(
      (m: any) => m.subject === 'Budget review notes',
    )
    const probe = `${url}/__mock/ui/icon.svg?remote-probe`
    const eml = [
      'From: Jane <jane@xxx.xx>',
      'To: Mike <user@xxx.xx>',
      'Subject: Re: Budget review notes',
      `In-Reply-To: <${original.smtp_message_id}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<p>Agreed.</p><img src="${probe}">`,
      '',
    ].join('\r\n')
    const reply = await api().post(
      '/open-apis/mail/v1/user_mailboxes/me/messages/send',
      { raw: Buffer.from(eml).toString('base64url') },
      { authorization: 'Bearer u-dev-user-token-2' },
    )
    expect(reply.code).toBe(0)
    await open('/mail/feishu/jane@xxx.xx')
    const thread = page.locator('#mail-list li.thread', { hasText: 'Re: Budget review notes' })
    await thread.waitFor()
    expect(await thread.locator('a.msg').allTextContents()).toEqual([
      expect.stringContaining('Budget review notes'),
      expect.stringContaining('Re: Budget review notes'),
    ])
    expect(await thread.locator('.thread-head').textContent()).toBe('Thread · 2 messages')
    // A request the CSP blocks is reported too (and fails): what matters is whether the server answered one.
    const remote: string[] = []
    page.on('response', (r) => {
      if (r.url() === probe) remote.push(r.url())
    })
    await thread.locator('a.msg', { hasText: 'Re: Budget' }).click()
    await page.frameLocator('iframe.mail-frame').locator('p', { hasText: 'Agreed.' }).waitFor()
    expect(remote).toEqual([])
    const asked = page.waitForResponse(probe)
    await page.getByRole('button', { name: 'Load remote images' }).click()
    await asked
    await page.getByRole('button', { name: 'Block remote images' }).waitFor()
  })

  test('the WeCom mailbox shows the meeting mail with its schedule and links the meeting it booked', async () => {
    await open('/mail/wecom/lisi@bgjkcsqy.wecom.work')
    await page.locator('#mail-list a.msg', { hasText: 'Quarterly planning' }).click()
    const reader = page.locator('#mail-reader')
    await reader.locator('h2', { hasText: 'Quarterly planning' }).waitFor()
    expect(await reader.locator('.headers').textContent()).toContain(
      'request · 2027-01-15 17:00:00 – 18:00:00 · Room 5',
    )
    expect(await page.locator('#attachments li').allTextContents()).toEqual(['slides.txt 7 B'])
    await page.frameLocator('iframe.mail-frame').locator('p', { hasText: 'Quarterly review' }).waitFor()
    await reader.locator('a', { hasText: 'show in the calendar' }).waitFor()
  })

  test('the calendar shows the meetings and each day of the repeating schedule, with the get_info fields and the booking mail', async () => {
    await open(`/calendar/${CLOCK}`)
    await page.locator('#week button.event', { hasText: 'Design standup' }).waitFor()
    // The series starts the day after the clock (a Friday): Saturday and Sunday in this week.
    expect(await page.locator('#week button.event', { hasText: 'Daily sync' }).count()).toBe(2)
    await page.locator('#week button.event.kind-meeting', { hasText: 'Quarterly planning' }).click()
    const detail = page.locator('#cal-detail')
    await detail.locator('.booked-by', { hasText: 'Quarterly planning' }).waitFor()
    const json = JSON.parse((await detail.locator('pre.json').textContent())!)
    const info = (await api().post(`/cgi-bin/meeting/get_info?access_token=${await api().wecomToken()}`, {
      meetingid: (await api().get('/__mock/wecom/meetings')).meetings[0].meetingid,
    })) as Record<string, unknown>
    const { errcode: _e, errmsg: _m, ...body } = info
    expect(json).toEqual(body)
    await page.locator('#week button.event', { hasText: 'Design standup' }).focus()
    await page.keyboard.press('Enter')
    await detail.locator('h2', { hasText: 'Design standup' }).waitFor()
    expect(await detail.textContent()).toContain(ids.meeting)
    // Next week: the rest of the series (ten days from the day after the clock: to Monday 25th at most).
    await page.getByRole('button', { name: 'Next week' }).click()
    await page.locator('#week-title', { hasText: '2027-01-18 – 2027-01-24' }).waitFor()
    await expect.poll(() => page.locator('#week button.event', { hasText: 'Daily sync' }).count()).toBe(7)
    await page.getByRole('button', { name: 'Previous week' }).click()
    await page.locator('#week-title', { hasText: '2027-01-11 – 2027-01-17' }).waitFor()
    await page.locator('#week button.event', { hasText: 'Design standup' }).click()
    await shot('calendar')
  })

  test('the clock moves from the control view and statuses follow it', async () => {
    await open('/control')
    await page.locator('#control-clock', { hasText: '2027-01-15 16:00:00' }).waitFor()
    await page.locator('#clock-advance').fill('7500')
    await page.getByRole('button', { name: 'Advance', exact: true }).click()
    await page.locator('#clock', { hasText: '2027-01-15 18:05:00' }).waitFor()
    await open('/overview')
    await page.locator('#overview-booked tr', { hasText: 'Design standup' }).locator('.badge-in_progress').waitFor()
    emulator.control.setClock({ now: CLOCK, frozen: true })
  })

  test('a fault added from the form fails the next request, and the requests view shows it with its rule', async () => {
    await open('/control')
    await page.locator('#fault-code option[value="45009"]').waitFor({ state: 'attached' })
    // The form offers only catalogue codes: every option is one.
    const offered = await page
      .locator('#fault-code option')
      .evaluateAll((os) => os.map((o) => Number((o as any).value)))
    const catalogue = (await api().get('/__mock/catalogues')).wecom.map((e: { code: number }) => e.code)
    expect(offered).toEqual(catalogue)
    await page.locator('#fault-code').selectOption('45009')
    await page.locator('#fault-path').selectOption('/cgi-bin/meeting/create')
    await page.locator('#fault-times').fill('1')
    await page.getByRole('button', { name: 'Add fault' }).click()
    await page.locator('#fault-table tr', { hasText: '45009' }).waitFor()
    const failed = await api().createMeeting('Will fail')
    expect(failed.errcode).toBe(45009)
    await page.locator('#fault-table tr', { hasText: '45009' }).locator('td', { hasText: '1 (0 left)' }).waitFor()
    await page
      .locator('#fault-table tr', { hasText: '45009' })
      .getByRole('button', { name: /^Remove fault/ })
      .click()
    await page.locator('#fault-table tr.empty').waitFor()
    expect((await api().get('/__mock/faults')).count).toBe(0)

    await open('/requests')
    const row = page.locator('#req-table tbody tr', { hasText: '45009' })
    await row.waitFor()
    await row.locator('button').click()
    await page.locator('#req-refusal', { hasText: 'Answered by a fault rule' }).waitFor()
    // A request a rule refused: the rule id and its vendor doc.
    const refused = await api().post(`/cgi-bin/meeting/create?access_token=${await api().wecomToken()}`, {
      admin_userid: 'zhangsan',
      meeting_start: CLOCK + 3600,
      meeting_duration: 1800,
    })
    expect(refused.errcode).toBe(400042)
    const refusedRow = page.locator('#req-table tbody tr', { hasText: '400042' })
    await refusedRow.waitFor()
    await refusedRow.locator('button').click()
    const refusal = page.locator('#req-refusal')
    await refusal.locator('.rule-id', { hasText: 'wecom.meeting.create.title.required' }).waitFor()
    expect(await refusal.locator('a.doc-link').getAttribute('href')).toBe(
      'https://developer.work.weixin.qq.com/document/path/99104',
    )
    await page.locator('#copy-curl').click()
    await page.locator('#copy-curl[data-copied="true"]').waitFor()
    const curl = await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())
    expect(curl).toContain(`${url}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014`)
    expect(curl).toContain(`curl -s -X POST "${url}/cgi-bin/meeting/create?access_token=$TOKEN"`)
    expect(curl).toContain(`--data-raw '{"admin_userid":"zhangsan"`)
    // Filters: by vendor and by text.
    await page.locator('#req-filters select[name="vendor"]').selectOption('feishu')
    await expect.poll(() => page.locator('#req-table tbody tr', { hasText: 'wecom' }).count()).toBe(0)
    expect(await page.locator('#req-table tbody tr', { hasText: 'feishu.mail.send' }).count()).toBe(3)
    await page.locator('#req-filters select[name="vendor"]').selectOption('')
    await page.locator('#req-filters input[name="code"]').fill('400042')
    await expect.poll(() => page.locator('#req-table tbody tr').count()).toBe(1)
    await page.locator('#req-filters input[name="code"]').fill('')
    await expect.poll(() => page.locator('#req-table tbody tr').count()).toBeGreaterThan(1)
    // Text: the body of the request the fault answered ("Will fail" is its title).
    await page.locator('#req-filters input[name="text"]').fill('Will fail')
    await page.locator('#req-count', { hasText: /^1 shown/ }).waitFor()
    expect(await page.locator('#req-table tbody tr').textContent()).toContain('45009')
    await page.locator('#req-filters input[name="text"]').fill('')
    await expect.poll(() => page.locator('#req-table tbody tr').count()).toBeGreaterThan(1)
    await refusedRow.locator('button').click()
    await page.locator('#req-refusal .rule-id').waitFor()
    await shot('requests')
    // A gateway rule: its file lists three pages, the link is one; its text ends in its code, said once.
    const unknownToken = await api().post('/cgi-bin/meeting/create?access_token=never-issued', {})
    expect(unknownToken.errcode).toBe(40014)
    await page.locator('#req-table tbody tr', { hasText: '40014' }).locator('button').click()
    await refusal.locator('.rule-id', { hasText: 'wecom.gateway.access_token.unknown' }).waitFor()
    expect(await refusal.locator('a.doc-link').getAttribute('href')).toMatch(/^https:\/\/\S+$/)
    expect(await refusal.textContent()).toContain('a token never issued → 40014. ')
  })

  test('a mail whose HTML has a script and an onerror handler runs neither', async () => {
    const html =
      '<p id="probe">probe</p><script>parent.postMessage("script ran", "*")</script>' +
      '<img src="x.png" onerror="parent.postMessage(\'onerror ran\', \'*\')">'
    // The probe works: the same HTML in an unsandboxed frame sends both messages.
    const control = await context.newPage()
    await control.setContent('<iframe id="f"></iframe>')
    const got = control.evaluate(
      (srcdoc) =>
        new Promise<string[]>((resolve) => {
          const w = globalThis as any
          const seen: string[] = []
          w.addEventListener('message', (e: { data: unknown }) => {
            seen.push(String(e.data))
            if (seen.length === 2) resolve(seen.sort())
          })
          w.document.getElementById('f').srcdoc = srcdoc
        }),
      html,
    )
    expect(await got).toEqual(['onerror ran', 'script ran'])
    await control.close()

    const sent = await api().sendFeishuMail('Hostile HTML', html)
    expect(sent.code).toBe(0)
    await open(`/mail/feishu/jane@xxx.xx`)
    await page.evaluate(() => {
      const w = globalThis as any
      w.seen = []
      w.addEventListener('message', (e: { data: unknown }) => w.seen.push(String(e.data)))
    })
    const loaded = page.waitForEvent('framenavigated', (f) => f.url().endsWith('/body.html'))
    await page.locator('#mail-list a.msg', { hasText: 'Hostile HTML' }).click()
    const frame = await loaded
    await frame.waitForLoadState('load')
    await page.frameLocator('iframe.mail-frame').locator('#probe').waitFor()
    // A message posted now arrives after anything the frame could have posted while loading.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const w = globalThis as any
          w.addEventListener('message', (e: { data: unknown }) => e.data === 'flush' && resolve())
          w.postMessage('flush', '*')
        }),
    )
    expect(await page.evaluate(() => (globalThis as any).seen)).toEqual(['flush'])
    const response = await page.request.get(frame.url())
    expect(response.headers()['content-security-policy']).toContain("script-src 'none'")
    expect(response.headers()['content-security-policy']).toContain('sandbox')
  })

  test('the console works from the keyboard, fits a narrow window and follows the dark mode of the system', async () => {
    await open('/overview')
    // A fresh load, so focus starts at the top of the page.
    await page.reload()
    await page.locator('#live[data-state="live"]').waitFor()
    await page.keyboard.press('Tab') // the skip link
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('Calendar')
    await page.keyboard.press('Enter')
    await page.locator('main[data-view="calendar"] #week button.event').first().waitFor()
    const overflow = () =>
      page.evaluate(() => {
        const root = (globalThis as any).document.documentElement
        return root.scrollWidth - root.clientWidth
      })
    expect(await overflow()).toBeLessThanOrEqual(0)
    await page.setViewportSize({ width: 390, height: 800 })
    for (const view of ['/overview', '/mail/feishu/jane@xxx.xx', '/calendar', '/requests', '/control']) {
      await open(view)
      await page.locator('main h1').waitFor()
      expect(await overflow(), view).toBeLessThanOrEqual(0)
    }
    await page.setViewportSize({ width: 1280, height: 800 })
    const background = () =>
      page.evaluate(() => {
        const w = globalThis as any
        return w.getComputedStyle(w.document.body).backgroundColor
      })
    const light = await background()
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await background()).not.toBe(light)
    expect(await background()).toBe('rgb(18, 21, 27)')
    await page.emulateMedia({ colorScheme: 'light' })
  })

  test('a live update keeps the keyboard focus where it was, and the rows in view where they were', async () => {
    await open('/requests')
    const first = page.locator('#req-table tbody tr').first()
    await first.waitFor()
    const seq = await first.getAttribute('data-seq')
    await first.locator('button').focus()
    await page.setViewportSize({ width: 1280, height: 500 })
    const before = Number(await page.locator('#live').getAttribute('data-seq'))
    expect((await api().createMeeting('Focus keeper')).errcode).toBe(0)
    await page.locator('#req-table tbody tr', { hasText: 'wecom.meeting.create' }).first().waitFor()
    await expect.poll(async () => Number(await page.locator('#live').getAttribute('data-seq'))).toBeGreaterThan(before)
    await page.locator(`#req-table tbody tr[data-seq="${Number(before) + 2}"]`).waitFor()
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('aria-label'))).toBe(
      `Request ${seq}`,
    )
    // Scrolled down: new rows arrive above without moving the rows in view.
    const scroller = page.locator('.req-layout .scroll')
    await scroller.evaluate((el) => {
      el.scrollTop = 120
    })
    const row = page.locator(`#req-table tbody tr[data-seq="${seq}"]`)
    const y = (await row.boundingBox())!.y
    const last = Number(await page.locator('#live').getAttribute('data-seq'))
    expect((await api().createMeeting('Anchor keeper')).errcode).toBe(0)
    await page.locator(`#req-table tbody tr[data-seq="${last + 2}"]`).waitFor({ state: 'attached' })
    expect((await row.boundingBox())!.y).toBe(y)
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  test('behind a control token the console works on the cookie it trades the token for', async () => {
    const guarded = createEmulator({ config: { server: { controlToken: 'console-secret' } } })
    const s = await startStubServer(guarded, { host: '127.0.0.1', port: 0 })
    const p = await context.newPage()
    try {
      expect((await p.goto(`${s.url}/__mock/ui/`))!.status()).toBe(401)
      await p.goto(`${s.url}/__mock/ui/?token=console-secret#/mail/feishu/jane@xxx.xx`)
      expect(p.url()).toBe(`${s.url}/__mock/ui/#/mail/feishu/jane@xxx.xx`)
      await p.locator('#live[data-state="live"]').waitFor()
      const sent = await client(s.url).sendFeishuMail('Behind the token')
      expect(sent.code).toBe(0)
      await p.locator('#mail-list a.msg', { hasText: 'Behind the token' }).click()
      await p.frameLocator('iframe.mail-frame').locator('b', { hasText: 'Jane' }).waitFor()
    } finally {
      await p.close()
      await s.close()
    }
  })

  test('reset from the control view, clicked twice, empties every view', async () => {
    await open('/control')
    await page.locator('#reset').click()
    await page.locator('#reset[data-armed="true"]').waitFor()
    await page.locator('#reset').click()
    await page.locator('#control-message', { hasText: 'Back to the seed' }).waitFor()
    expect((await api().get('/__mock/overview')).mails).toEqual([])
    await open('/overview')
    await page.locator('#overview-mails tr.empty').waitFor()
    await page.locator('#overview-booked tr.empty').waitFor()
    expect(errors).toEqual([])
  })
})
