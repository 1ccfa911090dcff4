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
