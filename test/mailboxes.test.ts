/**
 * The meeting-mail mailboxes keep their mails in a queue per mailbox and their least-recently-delivered
 * order in a queue of their own; what they hold, in what order, and what the budget counts is what the store
 * that reordered a Map on every delivery held (test/support/mailboxes-reference.ts).
 */
import { expect, test } from 'vitest'
import { StateBudget } from '../src/core/budget.ts'
import { Random } from '../src/core/random.ts'
import { type DeliveredMail, type MailboxEntry, MailboxStore } from '../src/wecom/mail/mailboxes.ts'
import { ReferenceMailboxStore } from './support/mailboxes-reference.ts'

function mail(r: Random, i: number, attachments: number): DeliveredMail {
  return {
    id: String(i),
    at: i,
    corpid: 'wwdevcorp0000001',
    agentid: 1000014,
    to: ['a@x.com'],
    cc: [],
    subject: `m${i}`,
    content: 'c'.repeat(r.int(3000)),
    content_type: 'html',
    attachments: Array.from({ length: attachments }, (_, k) => ({ file_name: `f${k}`, size: 3 })),
    schedule: { schedule_id: 's', method: 'request', start_time: 0, end_time: 1, location: '' },
    meetingid: null,
  }
}

test('what each mailbox holds, their order and the budget are what the Map-reordering store kept', () => {
  for (const [maxMailboxes, maxPerMailbox, budgetBytes] of [
    [10_000, 100, 256 * 1024 * 1024],
    [3, 5, 1_000_000],
    [8, 2, 30_000],
    [1, 1, 65_536],
    [20, 50, 200_000],
  ] as const) {
    const r = new Random(maxMailboxes * 7 + maxPerMailbox)
    // One fixed clock for both: the last eviction carries its time.
    const budgetA = new StateBudget(
      () => budgetBytes,
      () => 0,
    )
    const budgetB = new StateBudget(
      () => budgetBytes,
      () => 0,
    )
    const store = new MailboxStore(maxMailboxes, maxPerMailbox, budgetA)
    const reference = new ReferenceMailboxStore(maxMailboxes, maxPerMailbox, budgetB)
    const addresses = Array.from({ length: 12 }, (_, k) => `user${k}@x.com`)
    const mailsA: DeliveredMail[] = []
    const mailsB: DeliveredMail[] = []
    for (let i = 0; i < 2000; i++) {
      const n = 1 + r.int(5)
      const to = Array.from({ length: n }, () => ({
        address: addresses[r.int(addresses.length)]!.replace(/^u/, r.int(2) ? 'U' : 'u'),
        as: (['to', 'cc', 'bcc'] as const)[r.int(3)]!,
      }))
      const attachments = r.int(3)
      const contents = Array.from({ length: attachments }, () => 'QUJD'.repeat(r.int(200)))
      const seed = r.int(1e9)
      // The same mail for both, as two objects: each store keys on its own.
      const a = mail(new Random(seed), i, attachments)
      const b = mail(new Random(seed), i, attachments)
      store.deliver(a, to, contents)
      reference.deliver(b, to, contents)
      mailsA.push(a)
      mailsB.push(b)
      if (i % 50 === 0 || i === 1999) {
        expect(store.addresses()).toEqual(reference.addresses())
        for (const address of addresses) {
          const ids = (es: readonly MailboxEntry[]) => es.map((e) => `${e.mail.id}/${e.as}`)
          expect(ids(store.read(address))).toEqual(ids(reference.read(address)))
        }
        expect(budgetA.state()).toEqual(budgetB.state())
        for (let k = Math.max(0, i - 30); k <= i; k++)
          expect(store.attachmentContent(mailsA[k]!, 0)).toBe(reference.attachmentContent(mailsB[k]!, 0))
      }
    }
  }
})
