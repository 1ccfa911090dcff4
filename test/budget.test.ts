/**
 * The state budget in process: oldest-first eviction across accounts, the journal's byte share, and the
 * stores dropping what the budget evicts (so a read-back finds nothing) and releasing what they drop.
 */
import { describe, expect, test } from 'vitest'
import { StateBudget, utf8Bytes } from '../src/core/budget.ts'
import { Journal, type NewJournalEntry } from '../src/core/journal.ts'
import { Random } from '../src/core/random.ts'
import type { DeliveredMail } from '../src/wecom/mail/mailboxes.ts'
import { MailboxStore } from '../src/wecom/mail/mailboxes.ts'
import { MeetingStore } from '../src/wecom/meetings/store.ts'

const CORP = 'wwdevcorp0000001'

describe('StateBudget', () => {
  test('evicts the oldest record of any account past the budget, and counts it', () => {
    const budget = new StateBudget(() => 100)
    const gone: string[] = []
    const a = budget.account<string>('a', (x) => gone.push(x))
    const b = budget.account<string>('b', (x) => gone.push(x))
    a.add('a1', 40)
    b.add('b1', 40)
    budget.settle()
    expect(gone).toEqual([])
    a.add('a2', 40)
    budget.settle()
    expect(gone).toEqual(['a1'])
    expect(budget.state()).toMatchObject({
      usedBytes: 80,
      evicted: { records: 1, bytes: 40 },
      stores: { a: { records: 1, bytes: 40, evictedRecords: 1 }, b: { records: 1, bytes: 40 } },
      lastEviction: { store: 'a', bytes: 40 },
    })
  })

  test('a record bigger than the whole budget is evicted alone, the older ones stay', () => {
    const budget = new StateBudget(() => 100)
    const gone: string[] = []
    const a = budget.account<string>('a', (x) => gone.push(x))
    a.add('small', 10)
    a.add('huge', 500)
    budget.settle()
    expect(gone).toEqual(['huge'])
    expect(budget.usedBytes).toBe(10)
  })

  test('released and resized records count what they keep; a released one is never evicted', () => {
    const budget = new StateBudget(() => 100)
    const gone: string[] = []
    const a = budget.account<string>('a', (x) => gone.push(x))
    const first = a.add('first', 60)
    const second = a.add('second', 30)
    a.release(first)
    a.resize(second, 90)
    budget.settle()
    expect(gone).toEqual([])
    expect(budget.usedBytes).toBe(90)
    expect(first.item).toBeUndefined()
  })

  test('the journal share counts in the budget; stores evict to make room for it', () => {
    const budget = new StateBudget(() => 10_000)
    const gone: string[] = []
    const a = budget.account<string>('a', (x) => gone.push(x))
    a.add('a1', 6000)
    const journal = new Journal(100, 8192, 1_000_000, budget)
    for (let i = 0; i < 10; i++) journal.record(entry('x'.repeat(400)))
    expect(gone).toEqual(['a1'])
    expect(budget.usedBytes).toBeLessThanOrEqual(10_000)
  })
})

function entry(requestBody: string, responseBody = '{"errcode":0}'): NewJournalEntry {
  return {
    at: 0,
    vendor: 'wecom',
    route: 'wecom.meeting.create',
    method: 'POST',
    path: '/cgi-bin/meeting/create',
    status: 200,
    code: 0,
    app: null,
    user: null,
    mailbox: null,
    reason: null,
    requestBody,
    requestBytes: utf8Bytes(requestBody),
    responseBody,
    evicted: 0,
  }
}

describe('Journal bytes', () => {
  test('past journal.maxBytes the oldest entries go first', () => {
    const journal = new Journal(1000, 8192, 20_000)
    for (let i = 0; i < 50; i++) journal.record(entry(`${i} ${'x'.repeat(2000)}`))
    expect(journal.bytes).toBeLessThanOrEqual(20_000)
    expect(journal.size).toBeLessThan(50)
    expect(journal.all().at(-1)!.requestBody.startsWith('49 ')).toBe(true)
    expect(journal.all()[0]!.requestBody.startsWith(`${50 - journal.size} `)).toBe(true)
  })

  test('an entry alone never takes more than the share: both bodies are cut to fit, the sizes kept', () => {
    const journal = new Journal(10, 1_000_000, 8192)
    const body = '会'.repeat(100_000)
    journal.record({ ...entry(body, body) })
    const [e] = journal.all()
    expect(journal.bytes).toBeLessThanOrEqual(8192)
    expect(e!.truncated).toBe(true)
    expect(e!.requestBytes).toBe(300_000)
    expect(e!.responseBytes).toBe(300_000)
    expect(body.startsWith(e!.requestBody)).toBe(true)
  })

  test('a cut body keeps its first characters without splitting a surrogate pair', () => {
    const journal = new Journal(10, 5, 1_000_000)
    journal.record(entry('abcd😀efgh'))
    expect(journal.all()[0]!.requestBody).toBe('abcd')
  })

  test('clear empties the bytes too', () => {
    const journal = new Journal(10, 8192, 1_000_000)
    journal.record(entry('x'))
    journal.clear()
    expect(journal.bytes).toBe(0)
  })
})

describe('stores under a budget', () => {
  const base = { admin_userid: 'zhangsan', title: 't', meeting_start: 2_000_000_000, meeting_duration: 3600 }

  test('MeetingStore drops a meeting the budget evicts: get, code and duplicate lookups find nothing', () => {
    const budget = new StateBudget(() => 3 * 2000)
    const s = new MeetingStore(new Random(7), { maxMeetings: 100, statusFromClock: true, budget })
    const first = s.create(CORP, 1, { ...base, description: 'x'.repeat(200) }, 0)
    for (let i = 0; i < 5; i++) s.create(CORP, 1, { ...base, title: `t${i}` }, 0)
    expect(s.get(CORP, first.meetingid)).toBeUndefined()
    expect(s.getByCode(CORP, first.meeting_code)).toBeUndefined()
    expect(s.findDuplicate(CORP, 1, base)).toBeUndefined()
    expect(budget.usedBytes).toBeLessThanOrEqual(6000)
    expect(s.list().length).toBe(s.size)
  })

  test('MeetingStore releases the meetings its count cap drops: the bytes follow the records', () => {
    const budget = new StateBudget(() => Number.POSITIVE_INFINITY)
    const s = new MeetingStore(new Random(7), { maxMeetings: 2, statusFromClock: true, budget })
    for (let i = 0; i < 10; i++) s.create(CORP, 1, { ...base, title: `t${i}` }, 0)
    expect(budget.state().stores['wecom.meetings']).toMatchObject({ records: 2, evictedRecords: 0 })
  })

  test('MeetingStore counts an update that grows a meeting', () => {
    const budget = new StateBudget(() => Number.POSITIVE_INFINITY)
    const s = new MeetingStore(new Random(7), { maxMeetings: 2, statusFromClock: true, budget })
    const m = s.create(CORP, 1, base, 0)
    const before = budget.usedBytes
    s.update(CORP, m.meetingid, { description: 'd'.repeat(400) })
    expect(budget.usedBytes).toBe(before + 400)
  })

  test('MailboxStore takes an evicted mail out of every mailbox that holds it, once', () => {
    const budget = new StateBudget(() => 5000)
    const boxes = new MailboxStore(100, 100, budget)
    const mail = (i: number): DeliveredMail => ({
      id: String(i),
      at: 0,
      corpid: CORP,
      agentid: 1,
      to: ['a@x.com', 'b@x.com'],
      cc: [],
      subject: `m${i}`,
      content: 'c'.repeat(1000),
      content_type: 'text',
      attachments: [],
      schedule: { schedule_id: 's', method: 'request', start_time: 0, end_time: 1, location: '' },
      meetingid: null,
    })
    const to = [
      { address: 'a@x.com', as: 'to' as const },
      { address: 'b@x.com', as: 'to' as const },
    ]
    for (let i = 0; i < 4; i++) boxes.deliver(mail(i), to)
    const kept = boxes.read('a@x.com').map((e) => e.mail.id)
    expect(kept.length).toBeLessThan(4)
    expect(kept.at(-1)).toBe('3')
    expect(boxes.read('b@x.com').map((e) => e.mail.id)).toEqual(kept)
    expect(budget.state().stores['wecom.mailboxes']!.records).toBe(kept.length)
    expect(budget.usedBytes).toBeLessThanOrEqual(5000)
  })
})
