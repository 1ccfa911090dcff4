/** Drive the emulator directly in tests: no adapter, no port. */
import type { CoreResponse } from '../../src/core/http.ts'
import { createEmulator, type EmulatorOptions } from '../../src/index.ts'

const encoder = new TextEncoder()

export interface Call {
  method?: string
  path: string
  query?: Record<string, string>
  headers?: Record<string, string>
  /** An object is sent as JSON; a string as is. */
  body?: unknown
}

export interface Reply {
  status: number
  headers: Record<string, string>
  text: string
  json: any
  /** The core asked the adapter to cut the connection (fault injection); over HTTP the fetch rejects instead. */
  drop?: true
}

export function toReply(res: CoreResponse): Reply {
  let json: unknown
  try {
    json = JSON.parse(res.body)
  } catch {
    json = undefined
  }
  return {
    status: res.status,
    headers: res.headers,
    text: res.body,
    json,
    ...(res.drop ? { drop: true as const } : {}),
  }
}

export function testCore(options: EmulatorOptions = {}) {
  const emu = createEmulator(options)
  const call = async (c: Call): Promise<Reply> => {
    const qs = c.query ? `?${new URLSearchParams(c.query)}` : ''
    const body =
      c.body === undefined
        ? new Uint8Array(0)
        : encoder.encode(typeof c.body === 'string' ? c.body : JSON.stringify(c.body))
    const headers: Record<string, string> = { ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}) }
    for (const [k, v] of Object.entries(c.headers ?? {})) headers[k.toLowerCase()] = v
    return toReply(
      await emu.handle({
        method: c.method ?? (c.body === undefined ? 'GET' : 'POST'),
        url: c.path + qs,
        headers,
        body,
      }),
    )
  }
  const defaults = emu.control.defaults()
  /** A WeCom access_token for the default corp's first app (or the given one). */
  const wecomToken = async (agentIndex = 0, corpIndex = 0): Promise<string> => {
    const corp = defaults.wecom.corps[corpIndex]!
    const app = corp.apps[agentIndex]!
    const r = await call({ path: '/cgi-bin/gettoken', query: { corpid: corp.corpid, corpsecret: app.corpsecret } })
    return r.json.access_token
  }
  /** POST to a WeCom business endpoint with a token. */
  const wecom = async (path: string, body: unknown, token?: string): Promise<Reply> =>
    call({ method: 'POST', path, query: { access_token: token ?? (await wecomToken()) }, body })
  const userToken = (index = 0) => defaults.feishu.users[index]!.user_access_token!
  return { emulator: emu, control: emu.control, handle: emu.handle, call, defaults, wecomToken, wecom, userToken }
}
