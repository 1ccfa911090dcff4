/**
 * A thin typed `fetch` client for the WeCom and Feishu endpoints the kit covers, with a `baseUrl` so it talks
 * to the live APIs, a stub server, or anything posing as them. No npm package covers these WeCom endpoints
 * (the WeCom clients on npm talk to other APIs), so the kit ships this one; the contract suite uses it by default.
 *
 * It returns what came over the wire (status, headers, parsed body) and never throws on a vendor error. Retry on the
 * transient codes (WeCom 45009 api freq out of limit and -1 system busy; Feishu 99991400 request trigger frequency
 * limit and 1236010 mail quota limit, "retry" per the send doc's error table) is off by default.
 *
 * @example
 * const wecom = createWecomClient({ baseUrl: 'http://127.0.0.1:4010' })
 * const { body } = await wecom.getToken({ corpid, corpsecret })
 * const booked = await wecom.meeting.create(body.access_token!, { admin_userid: 'zhangsan', title: 'Sync', ... })
 */
import { callingConvention, endpointById, endpoints, fillPath } from './endpoints.ts'
import type { ContractClient, EndpointMethods, RawRequest, WireResponse } from './types.ts'

export interface RetryOptions {
  /** Attempts in all, the first included (default 3). */
  attempts?: number
  /** The first wait; doubled on each retry (default 500 ms). */
  baseDelayMs?: number
  /** Codes worth retrying (default 45009, -1, 99991400, 1236010). */
  codes?: number[]
}

export interface ClientOptions {
  baseUrl: string
  /** Your own fetch (an in-process emulator, a proxy, a recorder). Default: globalThis.fetch. */
  fetch?: typeof fetch
  /** Off unless given; `true` takes the defaults. */
  retry?: RetryOptions | boolean
  /** Sleep used between retries (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>
}

export const RETRYABLE_CODES = [45009, -1, 99991400, 1236010]

/** A response with the body typed as the endpoint's answer (fields are optional: errors carry few). */
export interface VendorResponse<T> extends WireResponse {
  body: T
}

export interface WecomEnvelope {
  errcode?: number
  errmsg?: string
}

export interface FeishuEnvelope<T = Record<string, unknown>> {
  code?: number
  msg?: string
  data?: T
  error?: { log_id?: string; message?: string; troubleshooter?: string }
}

type Body = Record<string, unknown>

const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function codeOf(json: unknown): number | undefined {
  if (!json || typeof json !== 'object') return undefined
  const o = json as { errcode?: unknown; code?: unknown }
  const c = o.errcode ?? o.code
  return typeof c === 'number' ? c : undefined
}

/** The transport both vendor clients share: one request, read fully, retried only when asked. */
function transport(options: ClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '')
  const doFetch = options.fetch ?? globalThis.fetch
  const sleep = options.sleep ?? sleepReal
  const retry: Required<RetryOptions> | undefined =
    options.retry === true || (typeof options.retry === 'object' && options.retry)
      ? {
          attempts: 3,
          baseDelayMs: 500,
          codes: RETRYABLE_CODES,
          ...(typeof options.retry === 'object' ? options.retry : {}),
        }
      : undefined

  async function once(req: RawRequest): Promise<WireResponse> {
    const qs = req.query && Object.keys(req.query).length ? `?${new URLSearchParams(req.query)}` : ''
    const res = await doFetch(`${base}${req.path}${qs}`, {
      method: req.method,
      headers: req.headers ?? {},
      ...(req.body !== undefined ? { body: req.body } : {}),
    })
    const text = await res.text()
    const headers: Record<string, string> = {}
    res.headers.forEach((v, k) => {
      headers[k.toLowerCase()] = v
    })
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.status, headers, text, json }
  }

  return async function send(req: RawRequest): Promise<WireResponse> {
    let res = await once(req)
    if (!retry) return res
    for (let attempt = 1; attempt < retry.attempts; attempt++) {
      const code = codeOf(res.json)
      if (code === undefined || !retry.codes.includes(code)) return res
      // Feishu's gateway says when the window resets; otherwise back off exponentially.
      const reset = Number(res.headers['x-ogw-ratelimit-reset'])
      await sleep(reset > 0 ? reset * 1000 : retry.baseDelayMs * 2 ** (attempt - 1))
      res = await once(req)
    }
    return res
  }
}

function jsonRequest(vendor: 'wecom' | 'feishu', path: string, body: Body, extra: Partial<RawRequest> = {}) {
  return {
    vendor,
    method: 'POST',
    path,
    ...extra,
    headers: { 'content-type': 'application/json; charset=utf-8', ...extra.headers },
    body: JSON.stringify(body),
  } satisfies RawRequest
}

/** WeCom: the token goes in the query (`?access_token=`), every business call is a JSON POST. */
export function createWecomClient(options: ClientOptions) {
  const send = transport(options)
  const post =
    <T>(id: string) =>
    async (token: string, body: Body): Promise<VendorResponse<WecomEnvelope & T>> => {
      const r = await send(jsonRequest('wecom', endpointById.get(id)!.path, body, { query: { access_token: token } }))
      return { ...r, body: (r.json ?? {}) as WecomEnvelope & T }
    }
  return {
    send,
    async getToken(query: {
      corpid: string
      corpsecret: string
    }): Promise<VendorResponse<WecomEnvelope & { access_token?: string; expires_in?: number }>> {
      const r = await send({ vendor: 'wecom', method: 'GET', path: '/cgi-bin/gettoken', query })
      return { ...r, body: (r.json ?? {}) as WecomEnvelope & { access_token?: string; expires_in?: number } }
    },
    meeting: {
      create: post<{ meetingid?: string; excess_users?: string[] }>('wecom.meeting.create'),
      update: post<{ excess_users?: string[] }>('wecom.meeting.update'),
      getInfo: post<Record<string, unknown>>('wecom.meeting.get_info'),
      cancel: post<Record<string, never>>('wecom.meeting.cancel'),
      getUserMeetingIds: post<{ next_cursor?: string; meetingid_list?: string[] }>('wecom.meeting.get_user_meetingid'),
    },
    schedule: {
      add: post<{ schedule_id?: string }>('wecom.schedule.add'),
      get: post<{ schedule_list?: Record<string, unknown>[] }>('wecom.schedule.get'),
      del: post<Record<string, never>>('wecom.schedule.del'),
      getByCalendar: post<{ schedule_list?: Record<string, unknown>[] }>('wecom.schedule.get_by_calendar'),
    },
    calendar: {
      add: post<{ cal_id?: string; fail_result?: { shares: { errcode: number; errmsg: string; userid: string }[] } }>(
        'wecom.calendar.add',
      ),
      get: post<{ calendar_list?: Record<string, unknown>[] }>('wecom.calendar.get'),
      update: post<{ fail_result?: { shares: { errcode: number; errmsg: string; userid: string }[] } }>(
        'wecom.calendar.update',
      ),
      del: post<Record<string, never>>('wecom.calendar.del'),
    },
    mail: {
      composeSend: post<Record<string, never>>('wecom.exmail.compose_send'),
    },
  }
}

/** Feishu: app credentials in a JSON body for tokens; the user token as `Authorization: Bearer` for mail. */
export function createFeishuClient(options: ClientOptions) {
  const send = transport(options)
  const token =
    <T>(id: string) =>
    async (body: Body): Promise<VendorResponse<T>> => {
      const r = await send(jsonRequest('feishu', endpointById.get(id)!.path, body))
      return { ...r, body: (r.json ?? {}) as T }
    }
  const bearer = (userToken: string) => ({ authorization: `Bearer ${userToken}` })
  return {
    send,
    tenantAccessToken: token<{ code?: number; msg?: string; tenant_access_token?: string; expire?: number }>(
      'feishu.auth.tenant_access_token',
    ),
    appAccessToken: token<{ code?: number; msg?: string; app_access_token?: string; expire?: number }>(
      'feishu.auth.app_access_token',
    ),
    oauthToken: token<{ code?: number; access_token?: string; refresh_token?: string; expires_in?: number }>(
      'feishu.authen.oauth_token',
    ),
    mail: {
      async send(
        userToken: string,
        params: { user_mailbox_id: string },
        body: Body,
      ): Promise<VendorResponse<FeishuEnvelope<{ message_id?: string; thread_id?: string }>>> {
        const path = fillPath(endpointById.get('feishu.mail.send')!.path, params)
        const r = await send(jsonRequest('feishu', path, body, { headers: bearer(userToken) }))
        return { ...r, body: (r.json ?? {}) as FeishuEnvelope<{ message_id?: string; thread_id?: string }> }
      },
      async getMessage(
        userToken: string,
        params: { user_mailbox_id: string; message_id: string },
      ): Promise<VendorResponse<FeishuEnvelope>> {
        const path = fillPath(endpointById.get('feishu.mail.message.get')!.path, params)
        const r = await send({ vendor: 'feishu', method: 'GET', path, headers: bearer(userToken) })
        return { ...r, body: (r.json ?? {}) as FeishuEnvelope }
      },
      async listMessages(
        userToken: string,
        params: { user_mailbox_id: string },
        query: { folder_id: string; page_size: number; page_token?: string; only_unread?: boolean },
      ): Promise<VendorResponse<FeishuEnvelope<{ items?: string[]; page_token?: string; has_more?: boolean }>>> {
        const path = fillPath(endpointById.get('feishu.mail.message.list')!.path, params)
        const q = Object.fromEntries(
          Object.entries(query)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k, String(v)]),
        )
        const r = await send({ vendor: 'feishu', method: 'GET', path, query: q, headers: bearer(userToken) })
        return {
          ...r,
          body: (r.json ?? {}) as FeishuEnvelope<{ items?: string[]; page_token?: string; has_more?: boolean }>,
        }
      },
    },
  }
}

export interface FetchClientOptions {
  baseUrls: { wecom: string; feishu: string }
  fetch?: typeof fetch
  retry?: RetryOptions | boolean
}

/**
 * Both vendors behind the contract suite's adapter interface: one method per registry endpoint
 * (contracts/endpoints.json), sent by its calling convention, so a new endpoint needs no code here.
 */
export function fetchClient(options: FetchClientOptions): ContractClient {
  const common = {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  }
  const senders = {
    wecom: transport({ baseUrl: options.baseUrls.wecom, ...common }),
    feishu: transport({ baseUrl: options.baseUrls.feishu, ...common }),
  }
  const methods = Object.fromEntries(
    endpoints.map((e) => {
      const send = senders[e.vendor]
      const bearer = (userToken: string) => ({ authorization: `Bearer ${userToken}` })
      const call = (...args: unknown[]): Promise<WireResponse> => {
        switch (callingConvention(e)) {
          case 'token-body':
            return send(jsonRequest(e.vendor, e.path, args[1] as Body, { query: { access_token: args[0] as string } }))
          case 'bearer-params-body':
            return send(
              jsonRequest(e.vendor, fillPath(e.path, args[1] as Record<string, string>), args[2] as Body, {
                headers: bearer(args[0] as string),
              }),
            )
          case 'bearer-params':
            return send({
              vendor: e.vendor,
              method: e.method,
              path: fillPath(e.path, args[1] as Record<string, string>),
              ...(args[2] ? { query: args[2] as Record<string, string> } : {}),
              headers: bearer(args[0] as string),
            })
          case 'bearer-body':
            return send(jsonRequest(e.vendor, e.path, args[1] as Body, { headers: bearer(args[0] as string) }))
          case 'query':
            return send({ vendor: e.vendor, method: e.method, path: e.path, query: args[0] as Record<string, string> })
          case 'body':
            return send(jsonRequest(e.vendor, e.path, args[0] as Body))
        }
      }
      return [e.client_method, call]
    }),
  ) as unknown as EndpointMethods
  return {
    name: 'fetch',
    raw: (req) => senders[req.vendor](req),
    ...methods,
  }
}
