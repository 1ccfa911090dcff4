/** The id generator: one allocation per id, and the very sequence the char-at-a-time construction gave. */
import { expect, test } from 'vitest'
import { Random } from '../src/core/random.ts'

/** The construction before ids were built from character codes: kept here as the reference. */
class CharAtATime {
  constructor(private readonly r: Random) {}
  chars(alphabet: string, length: number): string {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet[this.r.int(alphabet.length)]
    return out
  }
  uuid(): string {
    const h = this.chars('0123456789abcdef', 32)
    const variant = '89ab'[this.r.int(4)]
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

test('ids with a prefix or suffix are the same strings, in the same sequence, as built a character at a time', () => {
  for (const seed of [0, 1, 7, 20240601, 2 ** 32 - 1]) {
    const a = new Random(seed)
    const b = new CharAtATime(new Random(seed))
    for (let k = 0; k < 200; k++) {
      expect(a.alnum(30, 'hy')).toBe(`hy${b.chars(ALNUM, 30)}`)
      expect(a.alnum(12, 'https://meeting.tencent.com/dm/')).toBe(
        `https://meeting.tencent.com/dm/${b.chars(ALNUM, 12)}`,
      )
      expect(a.hex(29, '', 'AAA')).toBe(`${b.chars('0123456789abcdef', 29)}AAA`)
      expect(a.hexUpper(20, '20240601120000')).toBe(`20240601120000${b.chars('0123456789abcdef', 20).toUpperCase()}`)
      expect(a.digits(15, '1700000000')).toBe(`1700000000${b.chars('0123456789', 15)}`)
      expect(a.uuid()).toBe(b.uuid())
      expect(a.alnum(0)).toBe('')
    }
  }
})

test('a uuid has the version-4 shape', () => {
  const r = new Random(3)
  for (let k = 0; k < 100; k++)
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
})

test('a prefix past Latin-1 is kept as given', () => {
  const a = new Random(4)
  const b = new CharAtATime(new Random(4))
  expect(a.alnum(10, '会议-', '-😀')).toBe(`会议-${b.chars(ALNUM, 10)}-😀`)
})

test('a seed gives the sequence it always gave (ids, digits, uuids, floats)', () => {
  // Recorded with the generator as it was first written (object fields, a string per character).
  const recorded = [
    '0: G5hevgZHjuKsLLlJK6AF9vgszGZHGS c412d9df2f66ab8349a2bc193e293 498274757044448 1dfdaf78-9922-43c6-a508-2cd02783b82d 647 0.36410857108421624',
    '1: 8o78p1UYoqOFd8D3M4bZVOaxg7c39W 60df3939ddf1fa34dfd044593ed26 774322520436845 62a2ae19-26e2-437e-bcd0-eabdf5d40151 526 0.7633856253232807',
    '7: C9MPtGj2ejB8PnDhnmv0v8WYEkUt4W 5a1995cab9a1733d4ae2e7615eca2 727636227553633 ceba5d3d-281f-4685-8e05-edec9d1f5324 571 0.1811720763798803',
    '20240601: 9q3aAAFfPNM2wXTsSTeT2KqxYbxU6C 857374751fc1f8624998f1124a9a2 131365270153650 3f4a84dc-45dd-4588-a676-07c98e1b6827 827 0.010814736364409328',
    '4294967295: Aj4XmXztGkQuEnyMoHRjfYv5dIdxPS 78f0de5fbf5391940294ed22d6045 047519531765333 091b6812-fc04-481b-a46b-264e2b4e2a5f 483 0.3537506207358092',
  ]
  const now = [0, 1, 7, 20240601, 4294967295].map((seed) => {
    const r = new Random(seed)
    return `${seed}: ${r.alnum(30)} ${r.hex(29)} ${r.digits(15)} ${r.uuid()} ${r.int(1000)} ${r.next()}`
  })
  expect(now).toEqual(recorded)
})

test('a uuid with a suffix is the uuid the same draws give, then the suffix, in one flat string', () => {
  const a = new Random(9)
  const b = new Random(9)
  for (let k = 0; k < 100; k++) {
    expect(a.uuid('@xxx.xx')).toBe(`${b.uuid()}@xxx.xx`)
    expect(a.uuid('@例子.测试')).toBe(`${b.uuid()}@例子.测试`)
    expect(a.alnum(27)).toBe(b.alnum(27))
  }
})
