/**
 * Every generated id, token, code and hint comes from here. With a seed the sequence is the same from
 * run to run (`--faker-seed`), so two runs that send the same requests get the same responses.
 * sfc32 rather than faker on the hot path: ids are made on every create, and this costs a few ns.
 */
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const HEX = '0123456789abcdef'
const HEX_UPPER = '0123456789ABCDEF'
const VARIANT = '89ab'
const DASH = 45
const FOUR = 52

/** Where an id is put together, a byte a character, before it becomes one string. */
let scratch = Buffer.alloc(256)

function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false
  return true
}

export class Random {
  /**
   * sfc32's four words, as unsigned 32-bit integers. In a typed array: as object fields outside the small-integer
   * range they were numbers boxed on the heap, a new box at every draw (about 64 bytes of garbage a draw).
   */
  private readonly state = new Uint32Array(4)
  readonly seed: number

  constructor(seed?: number) {
    this.seed = seed ?? Math.floor(Math.random() * 2 ** 32)
    const s = this.state
    s[0] = 0x9e3779b9
    s[1] = 0x243f6a88
    s[2] = 0xb7e15162
    s[3] = this.seed >>> 0
    for (let i = 0; i < 15; i++) this.next()
  }

  /** A float in [0, 1). */
  next(): number {
    const s = this.state
    const a = s[0]!
    const b = s[1]!
    const c = s[2]!
    const d = (s[3]! + 1) | 0
    const t = (((a + b) | 0) + d) | 0
    s[0] = b ^ (b >>> 9)
    s[1] = (c + (c << 3)) | 0
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0
    s[3] = d
    return (t >>> 0) / 4294967296
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive)
  }

  /**
   * `length` characters drawn from `alphabet` (Latin-1), between an optional fixed prefix and suffix. Built in
   * one allocation from bytes: appending a character at a time made a chain of `length` strings per id, and
   * `prefix + id` another string pointing at both, all of which a kept record held on to.
   */
  chars(alphabet: string, length: number, prefix = '', suffix = ''): string {
    const n = prefix.length + length + suffix.length
    if (scratch.length < n) scratch = Buffer.alloc(Math.max(n, 2 * scratch.length))
    const bytes = scratch
    let at = 0
    for (let i = 0; i < prefix.length; i++) bytes[at++] = prefix.charCodeAt(i)
    // next() a draw at a time, its four words kept in locals for the whole id (see uuid).
    const s = this.state
    let a = s[0]!
    let b = s[1]!
    let c = s[2]!
    let d = s[3]!
    const size = alphabet.length
    for (let i = 0; i < length; i++) {
      d = (d + 1) | 0
      const t = (((a + b) | 0) + d) | 0
      a = b ^ (b >>> 9)
      b = (c + (c << 3)) | 0
      c = (((c << 21) | (c >>> 11)) + t) | 0
      bytes[at++] = alphabet.charCodeAt(Math.floor(((t >>> 0) / 4294967296) * size))
    }
    s[0] = a
    s[1] = b
    s[2] = c
    s[3] = d
    for (let i = 0; i < suffix.length; i++) bytes[at++] = suffix.charCodeAt(i)
    // Latin-1 text (the alphabets, and the prefixes and suffixes callers give) is one byte a character.
    if (isLatin1(prefix) && isLatin1(suffix)) return bytes.toString('latin1', 0, n)
    return prefix + bytes.toString('latin1', prefix.length, prefix.length + length) + suffix
  }

  alnum(length: number, prefix?: string, suffix?: string): string {
    return this.chars(ALNUM, length, prefix, suffix)
  }

  hex(length: number, prefix?: string, suffix?: string): string {
    return this.chars(HEX, length, prefix, suffix)
  }

  /** Hex digits in upper case: the same draws as `hex`, so `hexUpper(n)` is `hex(n).toUpperCase()`. */
  hexUpper(length: number, prefix?: string): string {
    return this.chars(HEX_UPPER, length, prefix)
  }

  digits(length: number, prefix?: string): string {
    return this.chars('0123456789', length, prefix)
  }

  /**
   * An RFC 4122 version-4 shaped id, the shape Feishu uses for message ids, then `suffix` in the same string
   * (`@domain` for a Message-ID: one flat string, not one joined later).
   */
  uuid(suffix = ''): string {
    if (!isLatin1(suffix)) return this.uuid() + suffix
    const n = 36 + suffix.length
    if (scratch.length < n) scratch = Buffer.alloc(Math.max(n, 2 * scratch.length))
    const bytes = scratch
    // 32 hex draws, then the variant: the 13th and 17th digits drawn give way to the version and the variant.
    // next() inlined, its four words in locals for the whole id: loads and stores of the typed array and a
    // float division per draw were most of an id's cost. A draw's digit, floor(next() * 16), is its top 4 bits.
    const s = this.state
    let a = s[0]!
    let b = s[1]!
    let c = s[2]!
    let d = s[3]!
    let at = 0
    for (let i = 0; i < 33; i++) {
      d = (d + 1) | 0
      const t = (((a + b) | 0) + d) | 0
      a = b ^ (b >>> 9)
      b = (c + (c << 3)) | 0
      c = (((c << 21) | (c >>> 11)) + t) | 0
      if (i === 32) {
        bytes[19] = VARIANT.charCodeAt(t >>> 30)
        break
      }
      if (i === 8 || i === 12 || i === 16 || i === 20) bytes[at++] = DASH
      const digit = HEX.charCodeAt(t >>> 28)
      bytes[at++] = i === 12 ? FOUR : digit
    }
    s[0] = a
    s[1] = b
    s[2] = c
    s[3] = d
    for (let i = 0; i < suffix.length; i++) bytes[36 + i] = suffix.charCodeAt(i)
    return bytes.toString('latin1', 0, n)
  }
}
