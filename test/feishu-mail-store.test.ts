/**
 * The Feishu message store keeps each copy with its send and its dedupe key, and one entry per owner and
 * Message-ID for both the thread lookup and the sent check; what it holds, answers, counts and writes to the
 * data directory is what the store that looked every copy up by id and every send up by its content did
 * (test/support/feishu-mail-store-reference.ts), under the count cap, the state budget and a reload.
 */
import { expect, test } from 'vitest'
import { StateBudget } from '../src/core/budget.ts'
import { Persist, type PersistedRecord, type Persistence } from '../src/core/persistence.ts'
import { Random } from '../src/core/random.ts'
import { type MailBodies, type MailContent, MailStore } from '../src/feishu/mail/store.ts'
import { ReferenceMailStore } from './support/feishu-mail-store-reference.ts'

/** Rows in the order first put, as the SQLite backend keeps them (a replaced row keeps its place). */
class MemoryRows implements Persistence {
  readonly location = 'memory'
  readonly starts = 0
  readonly rows = new Map<string, PersistedRecord>()
  records(): Iterable<PersistedRecord> {
    return [...this.rows.values()]
  }
  put(kind: string, id: string, text: string): void {
    this.rows.set(`${kind}/${id}`, { kind, id, text })
  }
  delete(kind: string, id: string): void {
    this.rows.delete(`${kind}/${id}`)
  }
  clear(): void {
    this.rows.clear()
  }
  committed(): undefined {
    return undefined
  }
  close(): void {}
}

const MAILBOXES = ['a@x.xx', 'b@x.xx', 'c@x.xx', 'd@x.xx', 'e@y.yy']

/** One send's content, made twice from the same draws: each store keeps (and trims) its own objects. */
function content(r: Random, i: number, smtpIds: string[]): MailContent {
  const address = () => ({ mail_address: MAILBOXES[r.int(MAILBOXES.length)]!, ...(r.int(2) ? { name: 'N' } : {}) })
  const list = (n: number) => Array.from({ length: n }, address)
  const reuse = smtpIds.length > 0 && r.int(6) === 0
  const smtpMessageId = reuse ? smtpIds[r.int(smtpIds.length)]! : `m${i}@x.xx`
  const replyTo = smtpIds.length > 0 && r.int(3) === 0 ? `<${smtpIds[r.int(smtpIds.length)]}>` : undefined
  const refs =
    smtpIds.length > 1 && r.int(4) === 0
      ? `<${smtpIds[r.int(smtpIds.length)]}> <${smtpIds[r.int(smtpIds.length)]}>`
      : undefined
  return {
    subject: `s${i}`,
    headFrom: { mail_address: 'a@x.xx', name: 'A' },
    to: list(r.int(3)),
    cc: list(r.int(2)),
    bcc: list(r.int(2)),
    bodyHtml: 'h'.repeat(r.int(400)),
    bodyPlain: 'p'.repeat(r.int(400)),
    attachments: r.int(4) === 0 ? [{ id: 'att', filename: 'f.txt', is_inline: false, size: 3 }] : [],
    smtpMessageId,
    ...(replyTo ? { inReplyTo: replyTo } : {}),
    ...(refs ? { references: refs } : {}),
    internalDate: i,
    size: 10,
  }
}

function bodies(r: Random): MailBodies | undefined {
  switch (r.int(4)) {
    case 0:
      return undefined
    case 1:
      return { raw: 'UmF3'.repeat(1 + r.int(100)) }
    case 2:
      return { attachments: [] }
    default:
      return { attachments: ['QUJD'.repeat(1 + r.int(100)), ''] }
  }
}

interface Side {
  store: MailStore | ReferenceMailStore
  budget: StateBudget
  rows: MemoryRows
}

function side(make: typeof MailStore | typeof ReferenceMailStore, cap: () => number, maxBytes: number, seed: number) {
  const budget = new StateBudget(
    () => maxBytes,
    () => 0,
  )
  const rows = new MemoryRows()
  const persist = new Persist(rows)
  const store = new make(new Random(seed), cap, budget, persist)
  return { store, budget, rows }
}

/** Everything either store answers, for the same questions. */
function answers(s: Side, smtpIds: string[], dedupeKeys: string[], ids: string[]) {
  const all = s.store.all()
  return {
    size: s.store.size,
    all: JSON.stringify(all),
    lists: MAILBOXES.map((m) => s.store.list(m.toUpperCase()).map((x) => x.messageId)),
    get: ids.map((id) => s.store.get(id)?.messageId ?? null),
    bodies: ids.map((id) => JSON.stringify(s.store.bodiesOf(id) ?? null)),
    sent: MAILBOXES.flatMap((m) => smtpIds.map((id) => s.store.wasSent(m, id))),
    dedupe: MAILBOXES.flatMap((m) => dedupeKeys.map((k) => s.store.byDedupeKey(m, k)?.messageId ?? null)),
    budget: s.budget.state(),
    rows: [...s.rows.rows.values()],
  }
}

test('what the store holds, answers, counts and persists is what the store of lookups by id did', () => {
  for (const [caps, maxBytes] of [
    [[10_000], 256 * 1024 * 1024],
    [[1], 1_000_000],
    [[2], 1_000_000],
    [[3, 7, 1, 5], 1_000_000],
    [[12], 9_000],
    [[50, 4], 30_000],
  ] as const) {
    let cap: number = caps[0]
    const seed = caps.reduce((a, b) => a * 31 + b, maxBytes)
    const a = side(MailStore, () => cap, maxBytes, seed)
    const b = side(ReferenceMailStore, () => cap, maxBytes, seed)
    const r = new Random(seed)
    const smtpIds: string[] = []
    const dedupeKeys = ['k1', 'k2', 'k3']
    const ids: string[] = []
    for (let i = 0; i < 600; i++) {
      if (i % 100 === 99) cap = caps[((i / 100) % caps.length) | 0]!
      const mailbox = MAILBOXES[r.int(MAILBOXES.length)]!.toLowerCase()
      const dedupeKey = r.int(5) === 0 ? dedupeKeys[r.int(dedupeKeys.length)] : undefined
      // As the send does: a kept dedupe key answers the first send again, and nothing is filed.
      const replayA = dedupeKey ? a.store.byDedupeKey(mailbox, dedupeKey) : undefined
      const replayB = dedupeKey ? b.store.byDedupeKey(mailbox, dedupeKey) : undefined
      expect(replayA?.messageId).toBe(replayB?.messageId)
      if (replayA) continue
      const contentSeed = r.int(1e9)
      const ca = content(new Random(contentSeed), i, smtpIds)
      const cb = content(new Random(contentSeed), i, smtpIds)
      const bodySeed = r.int(1e9)
      const recipients = Array.from({ length: r.int(4) }, () => {
        const m = MAILBOXES[r.int(MAILBOXES.length)]!
        return { mailbox: m, tenantKey: m.endsWith('x.xx') ? 'tx' : 'ty' }
      })
      const input = (c: MailContent) => ({
        mailbox,
        tenantKey: 'tx',
        content: c,
        ...(dedupeKey ? { dedupeKey } : {}),
        internalRecipients: recipients,
        bodies: bodies(new Random(bodySeed)),
      })
      expect(a.store.wasSent(mailbox, ca.smtpMessageId)).toBe(b.store.wasSent(mailbox, cb.smtpMessageId))
      const sa = a.store.send(input(ca))
      const sb = b.store.send(input(cb))
      expect(sa).toEqual(sb)
      smtpIds.push(ca.smtpMessageId)
      ids.push(sa.messageId)
      if (i % 20 === 0 || i === 599)
        expect(answers(a, smtpIds, dedupeKeys, ids)).toEqual(answers(b, smtpIds, dedupeKeys, ids))
    }
    // Read back from the rows each wrote, with the same cap or a lower one.
    for (const reloadCap of [cap, 2]) {
      cap = reloadCap
      const reload = (from: Side, make: typeof MailStore | typeof ReferenceMailStore): Side => {
        const rows = new MemoryRows()
        for (const row of from.rows.records()) rows.put(row.kind, row.id, row.text)
        const budget = new StateBudget(
          () => maxBytes,
          () => 0,
        )
        const persist = new Persist(rows)
        const store = new make(new Random(seed + 1), () => cap, budget, persist)
        persist.replay()
        budget.settle()
        return { store, budget, rows }
      }
      const ra = reload(a, MailStore)
      const rb = reload(b, ReferenceMailStore)
      expect(answers(ra, smtpIds, dedupeKeys, ids)).toEqual(answers(rb, smtpIds, dedupeKeys, ids))
    }
  }
})
