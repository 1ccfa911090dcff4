/**
 * base64url as the mail send doc asks for it (the send doc's 注意事项: "+/" become "-_"). Padding is accepted:
 * the doc's own `raw` example ends in "=". Standard base64's "+" and "/" are refused, since a server
 * decoding base64url would misread them.
 */
const SHAPE = /^[A-Za-z0-9_-]*={0,2}$/

/** True when `s` is base64url, with or without padding. Linear in the length: bodies reach 51.7 M chars. */
export function isBase64Url(s: string): boolean {
  if (!SHAPE.test(s)) return false
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0
  // With padding the length is a multiple of 4; without, a remainder of 1 cannot encode whole bytes.
  if (pad > 0) return s.length % 4 === 0
  return s.length % 4 !== 1
}

/** Decoded size in bytes, without decoding (for the size limit before any work). */
export function decodedLength(s: string): number {
  let n = s.length
  while (n > 0 && s.charCodeAt(n - 1) === 61) n--
  return Math.floor((n * 3) / 4)
}

export function decodeBase64Url(s: string): Buffer {
  return Buffer.from(s, 'base64url')
}

export function encodeBase64Url(s: string | Uint8Array): string {
  return Buffer.from(s).toString('base64url')
}
