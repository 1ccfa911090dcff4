/**
 * Every generated id, token, code and hint comes from here. With a seed the sequence is the same from
 * run to run (`--faker-seed`), so two runs that send the same requests get the same responses.
 * sfc32 rather than faker on the hot path: ids are made on every create, and this costs a few ns.
 */
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const HEX = '0123456789abcdef'

export class Random {
  private a: number
  private b: number
  private c: number
  private d: number
  readonly seed: number

  constructor(seed?: number) {
    this.seed = seed ?? Math.floor(Math.random() * 2 ** 32)
    this.a = 0x9e3779b9
    this.b = 0x243f6a88
    this.c = 0xb7e15162
    this.d = this.seed >>> 0
    for (let i = 0; i < 15; i++) this.next()
  }

  /** A float in [0, 1). */
  next(): number {
    this.a >>>= 0
    this.b >>>= 0
    this.c >>>= 0
    this.d >>>= 0
    let t = (this.a + this.b) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.d = (this.d + 1) | 0
    t = (t + this.d) | 0
    this.c = (this.c + t) | 0
    return (t >>> 0) / 4294967296
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive)
  }

  chars(alphabet: string, length: number): string {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)]
    return out
  }

  alnum(length: number): string {
    return this.chars(ALNUM, length)
  }

  hex(length: number): string {
    return this.chars(HEX, length)
  }

  digits(length: number): string {
    return this.chars('0123456789', length)
  }

  /** An RFC 4122 version-4 shaped id, the shape Feishu uses for message ids. */
  uuid(): string {
    const h = this.hex(32)
    const variant = '89ab'[this.int(4)]
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
  }
}
