/**
 * The core's transport-free boundary: plain data in, plain data out. Adapters (node:http, Express, MSW,
 * the in-process contract target) convert to and from these; nothing in the core knows about them.
 */
export interface CoreRequest {
  method: string
  /** Path plus query string, as on the request line: `/cgi-bin/gettoken?corpid=...`. */
  url: string
  /** Header names lower-cased; repeated headers joined with `, `. */
  headers: Record<string, string | undefined>
  body: Uint8Array
  /** The caller's address, echoed in WeCom's `from ip:` errmsg suffix. */
  remoteAddress?: string
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

/**
 * Header values must be Latin-1: a value with other characters (our Chinese doc names, a reason quoting a
 * userid) is percent-encoded as a whole, an ASCII one is sent as is. Used for every header we fill with text.
 */
export function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURI(value)
}
