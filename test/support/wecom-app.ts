/** WeCom calls through any harness: a token from gettoken for a seeded app, then POSTs with it. */

import type { Reply } from './core.ts'
import type { Harness } from './harness.ts'

export async function wecomTokenFor(h: Harness, agentIndex = 0, corpIndex = 0): Promise<string> {
  const corp = h.control.defaults().wecom.corps[corpIndex]!
  const app = corp.apps[agentIndex]!
  const r = await h.call({ path: '/cgi-bin/gettoken', query: { corpid: corp.corpid, corpsecret: app.corpsecret } })
  return r.json.access_token
}

export function wecomPost(h: Harness, token: string) {
  return (path: string, body: unknown): Promise<Reply> =>
    h.call({ method: 'POST', path, query: { access_token: token }, body })
}
