/**
 * The core's transport-free boundary: plain data in, plain data out. Adapters (node:http, Express, MSW,
 * the in-process contract target) convert to and from these; nothing in the core knows about them.
 */
import type { Vendor } from './errors.ts'

export interface CoreRequest {
  method: string
  /** Path plus query string, as on the request line: `/cgi-bin/gettoken?corpid=...`. */
  url: string
  /** Header names lower-cased; repeated headers joined with `, `. */
  headers: Record<string, string | undefined>
  body: Uint8Array
  /** The caller's address, echoed in WeCom's `from ip:` errmsg suffix. */
  remoteAddress?: string
  /**
   * The request came to this vendor's own hostname (the proxy, the HTTPS port): only its paths are served, and
   * any other path (the other vendor's, `/__mock`) gets this vendor's 404, as its real host would answer.
   * Absent on the stub server, which serves both vendors by path.
   */
  vendorHost?: Vendor
}

export interface CoreResponse {
  status: number
  headers: Record<string, string>
  body: string
  /** Set by fault injection: the adapter must drop the connection instead of answering. */
  drop?: boolean
}

export const EMPTY_BODY = new Uint8Array(0)

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): CoreResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  }
}

export function textResponse(status: number, body: string, headers: Record<string, string> = {}): CoreResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body }
}

/** Splits `/a/b?x=1` into the path and its parsed query. */
export function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?')
  if (q < 0) return { path: url, query: new URLSearchParams() }
  return { path: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) }
}

/** The longest value `headerSafe` gives: with its name, a header line stays under 1 KB. */
export const MAX_HEADER_VALUE_CHARS = 960
const ENCODED_ELLIPSIS = '%E2%80%A6'

/**
 * Header values must be Latin-1: a value with other characters (our Chinese doc names, a reason quoting a
 * userid) is percent-encoded as a whole, an ASCII one is sent as is. Used for every header we fill with text.
 * A lone surrogate (which encodeURI refuses) becomes U+FFFD, and a value longer than
 * MAX_HEADER_VALUE_CHARS is cut at a whole character and ends in an encoded `…`: Node's fetch refuses
 * a response whose headers pass 16 KB, so the client would never see the answer.
 */
export function headerSafe(value: string): string {
  if (value.length <= MAX_HEADER_VALUE_CHARS && /^[\x20-\x7e]*$/.test(value)) return value
  const text = value.toWellFormed()
  const encoded = encodeURI(text)
  if (encoded.length <= MAX_HEADER_VALUE_CHARS) return encoded
  let out = ''
  for (const ch of text) {
    const e = encodeURI(ch)
    if (out.length + e.length > MAX_HEADER_VALUE_CHARS - ENCODED_ELLIPSIS.length) break
    out += e
  }
  return out + ENCODED_ELLIPSIS
}
