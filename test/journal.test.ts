/**
 * The journal keeps its text as UTF-8 bytes in one ring and its numbers in typed arrays; read back, every
 * entry is what the journal of objects and strings kept (test/support/journal-reference.ts): the same
 * bodies (valid, invalid, with a byte-order mark, cut, with lone surrogates), the same sizes, the same
 * entries dropped by count and by bytes, across many turns of the ring.
 */
import { expect, test } from 'vitest'
import { Journal, type JournalEntry } from '../src/core/journal.ts'
import { Random } from '../src/core/random.ts'
import { type ReferenceInput, ReferenceJournal } from './support/journal-reference.ts'

const encoder = new TextEncoder()

/** Bodies of every kind the journal meets, picked and sized by a seeded generator. */
function body(r: Random): Uint8Array {
  const kind = r.int(10)
  const n = [0, 1, 10, 200, 3000, 9000, 40_000][r.int(7)]!
  if (kind === 0) return new Uint8Array([0xff, 0xfe, 0x41, 0xc3, 0x28]) // invalid UTF-8
  if (kind === 1) return new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('{"bom":1}')]) // byte-order mark
  if (kind === 2) return encoder.encode(`{"subject":"邮件标题 😀 ${'会'.repeat(n)}"}`)
  if (kind === 3) return encoder.encode('x'.repeat(n))
  if (kind === 4) return new Uint8Array(Array.from({ length: n }, () => r.int(256))) // random bytes
  return encoder.encode(`{"title":"bench meeting ${r.int(1e6)}","n":${n}}`)
}

function response(r: Random): string {
  const kind = r.int(8)
  if (kind === 0) return '\ud800 a lone surrogate from a fault body'
  if (kind === 1) return '\ufeffstarts with U+FEFF'
  if (kind === 2) return `{"errmsg":"${'错'.repeat(r.int(5000))}"}`
  if (kind === 3) return ''
  return `{"errcode":0,"errmsg":"ok","meetingid":"hy${r.alnum(30)}"}`
}

function input(r: Random, i: number): ReferenceInput {
  const raw = body(r)
  const reasons = [null, 'wecom.gateway.access_token.unknown: never issued', 'lone \udc00 surrogate', '']
  return {
    at: 1_700_000_000_000 + i,
    vendor: r.int(2) ? 'wecom' : 'feishu',
    route: r.int(5) ? 'wecom.meeting.create' : null,
    method: 'POST',
    path: `/cgi-bin/meeting/create${r.int(3) ? '' : `/${r.alnum(r.int(40))}`}`,
    status: [200, 400, 404, 429][r.int(4)]!,
    code: r.int(4) ? r.int(100_000) - 1 : null,
    app: r.int(2) ? 'wwdevcorp0000001/1000014' : null,
    user: r.int(2) ? `ou_${r.alnum(8)}` : null,
    mailbox: r.int(3) ? null : 'user@xxx.xx',
    reason: reasons[r.int(reasons.length)]!,
    requestRaw: raw,
    requestBytes: raw.length,
    responseBody: response(r),
    evicted: r.int(3),
  }
}

test('read back, every entry is what the journal of objects kept, over many turns of its ring', () => {
  for (const [capacity, maxBodyChars, cap] of [
    [1000, 8192, 33_554_432],
    [50, 8192, 200_000],
    [7, 100, 10_000],
    [1, 8192, 1_000_000],
    [300, 2000, 4096],
  ] as const) {
    const r = new Random(capacity * 31 + maxBodyChars)
    const journal = new Journal(capacity, maxBodyChars, cap)
    const reference = new ReferenceJournal(capacity, maxBodyChars, cap)
    for (let i = 0; i < 3000; i++) {
      const e = input(r, i)
      journal.record(e)
      reference.record(e)
      if (i % 97 === 0 || i === 2999) {
        expect(journal.all()).toEqual(reference.all())
        expect(journal.bytes).toBe(reference.bytes)
      }
      if (i === 1500) {
        journal.clear()
        reference.clear()
      }
    }
  }
})

test('the entry a listener is told of is the one read back', () => {
  const seen: JournalEntry[] = []
  const journal = new Journal(10, 8192, 1_000_000, undefined, { listener: (e) => seen.push(e) })
  const r = new Random(5)
  for (let i = 0; i < 25; i++) journal.record(input(r, i))
  expect(seen.slice(-10)).toEqual(journal.all())
})
