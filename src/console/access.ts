/**
 * How a browser presents the control token. A page cannot add `Authorization` to its navigations, its
 * `<iframe>` or its EventSource, so the console trades the token once for a cookie: open
 * `/__mock/ui/?token=<token>`, and the answer sets `worksuite_mock_console` (HttpOnly, SameSite=Strict,
 * path /__mock) and sends the browser on to `/__mock/ui/` without the token in its address bar.
 */
import type { IncomingMessage } from 'node:http'

export const CONSOLE_COOKIE = 'worksuite_mock_console'

/** The token a console request carries: its cookie, or `?token=` on the console's own page (the exchange). */
export function consoleToken(req: IncomingMessage): string | undefined {
  const url = req.url ?? ''
  if (req.method === 'GET' && /^\/__mock\/ui\/?\?/.test(url)) {
    const token = new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('token')
    if (token) return token
  }
  const cookies = req.headers.cookie
  if (!cookies) return undefined
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === CONSOLE_COOKIE) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return undefined
      }
    }
  }
  return undefined
}
