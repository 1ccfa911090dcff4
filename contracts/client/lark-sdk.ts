/**
 * The official Feishu SDK (`@larksuiteoapi/node-sdk`) behind the contract suite's adapter interface: the
 * example of plugging in a real client. The SDK sends the Feishu calls it has (tokens, the v1 OIDC exchange, mail send,
 * message get and list); WeCom and deliberately malformed requests go through the fetch client.
 *
 * SDK facts this relies on (https://github.com/larksuite/node-sdk, 1.74.0): `domain` is used verbatim, so no trailing
 * slash; a user token is passed per call with `lark.withUserAccessToken`, and then no tenant token is fetched; a 2xx
 * answer resolves with the body (also when `code ≠ 0`), a non-2xx rejects with an AxiosError carrying `response.status`
 * and `response.data`.
 */
import * as lark from '@larksuiteoapi/node-sdk'
import { fetchClient } from './fetch-client.ts'
import type { BaseUrls, ContractClient, WireResponse } from './types.ts'

export interface LarkSdkClientOptions {
  baseUrls: BaseUrls
  /** The SDK's constructor requires app credentials even when every call carries a user token. */
  appId: string
  appSecret: string
  /** Sends the SDK's requests through this fetch instead of axios (the in-process emulator has no port). */
  fetch?: typeof fetch
  /** Where the SDK logs (default: nowhere). */
  logger?: SdkLogger
}

type SdkLogger = NonNullable<ConstructorParameters<typeof lark.Client>[0]['logger']>
const drop = () => {}
const silent: SdkLogger = { error: drop, warn: drop, info: drop, debug: drop, trace: drop }

type SdkHttpInstance = NonNullable<ConstructorParameters<typeof lark.Client>[0]['httpInstance']>

interface HttpOptions {
  url?: string
  method?: string
  headers?: Record<string, unknown>
  params?: Record<string, unknown>
  data?: unknown
  $return_headers?: boolean
}

/**
 * An HttpInstance over fetch that behaves as the SDK's axios instance does: resolves with the body on 2xx,
 * rejects with `{ response: { status, data, headers } }` otherwise.
 */
export function fetchHttpInstance(doFetch: typeof fetch) {
  const request = async (opts: HttpOptions) => {
    const url = new URL(opts.url ?? '')
    for (const [k, v] of Object.entries(opts.params ?? {})) if (v !== undefined) url.searchParams.set(k, String(v))
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined && v !== null) headers[k] = String(v)
    const hasBody = opts.data !== undefined && opts.method?.toUpperCase() !== 'GET'
    if (hasBody && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
      headers['Content-Type'] = 'application/json'
    const res = await doFetch(url, {
      method: opts.method ?? 'GET',
      headers,
      ...(hasBody ? { body: typeof opts.data === 'string' ? opts.data : JSON.stringify(opts.data) } : {}),
    })
    const text = await res.text()
    let data: unknown = text
    try {
      data = JSON.parse(text)
    } catch {}
    const resHeaders = Object.fromEntries(res.headers.entries())
    if (res.status < 200 || res.status > 299) {
      throw Object.assign(new Error(`Request failed with status code ${res.status}`), {
        isAxiosError: true,
        response: { status: res.status, data, headers: resHeaders },
      })
    }
    return opts.$return_headers ? { data, headers: resHeaders } : data
  }
  const withMethod =
    (method: string) =>
    (url: string, opts: HttpOptions = {}) =>
      request({ ...opts, url, method })
  const withData =
    (method: string) =>
    (url: string, data?: unknown, opts: HttpOptions = {}) =>
      request({ ...opts, url, method, data })
  return {
    request,
    get: withMethod('GET'),
    delete: withMethod('DELETE'),
    head: withMethod('HEAD'),
    options: withMethod('OPTIONS'),
    post: withData('POST'),
    put: withData('PUT'),
    patch: withData('PATCH'),
  }
}

/** What the SDK resolved or rejected with, as the wire showed it. A resolved call lost its status: it was 2xx. */
async function wire(call: () => Promise<unknown>): Promise<WireResponse> {
  try {
    const data = await call()
    return { status: 200, headers: {}, text: JSON.stringify(data), json: data }
  } catch (e) {
    const response = (e as { response?: { status: number; data: unknown; headers?: Record<string, unknown> } }).response
    if (!response) throw e
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(response.headers ?? {})) headers[k.toLowerCase()] = String(v)
    const text = typeof response.data === 'string' ? response.data : JSON.stringify(response.data)
    return {
      status: response.status,
      headers,
      text,
      json: typeof response.data === 'string' ? undefined : response.data,
    }
  }
}

export function larkSdkClient(options: LarkSdkClientOptions): ContractClient {
  const base = fetchClient({ baseUrls: options.baseUrls, ...(options.fetch ? { fetch: options.fetch } : {}) })
  const sdk = new lark.Client({
    appId: options.appId,
    appSecret: options.appSecret,
    domain: options.baseUrls.feishu.replace(/\/+$/, ''),
    // The SDK logs every non-2xx at error level; the suite reports those itself.
    logger: options.logger ?? silent,
    ...(options.fetch ? { httpInstance: fetchHttpInstance(options.fetch) as unknown as SdkHttpInstance } : {}),
  })
  // The OIDC calls carry the token the case names: an SDK that fetches none sends `withTenantToken`'s as is
  // (the caching client would put its own tenant token over it).
  const sdkPassingToken = new lark.Client({
    appId: options.appId,
    appSecret: options.appSecret,
    domain: options.baseUrls.feishu.replace(/\/+$/, ''),
    logger: options.logger ?? silent,
    disableTokenCache: true,
    ...(options.fetch ? { httpInstance: fetchHttpInstance(options.fetch) as unknown as SdkHttpInstance } : {}),
  })
  type OidcData = NonNullable<Parameters<typeof sdk.authen.v1.oidcAccessToken.create>[0]>['data']
  type OidcRefreshData = NonNullable<Parameters<typeof sdk.authen.v1.oidcRefreshAccessToken.create>[0]>['data']
  return {
    ...base,
    name: 'lark-sdk',
    feishuOidcAccessToken: (token, body) =>
      wire(() =>
        sdkPassingToken.authen.v1.oidcAccessToken.create({ data: body as OidcData }, lark.withTenantToken(token)),
      ),
    feishuOidcRefreshAccessToken: (token, body) =>
      wire(() =>
        sdkPassingToken.authen.v1.oidcRefreshAccessToken.create(
          { data: body as OidcRefreshData },
          lark.withTenantToken(token),
        ),
      ),
    feishuTenantToken: (body) =>
      wire(() => sdk.auth.v3.tenantAccessToken.internal({ data: body as { app_id: string; app_secret: string } })),
    feishuAppToken: (body) =>
      wire(() => sdk.auth.v3.appAccessToken.internal({ data: body as { app_id: string; app_secret: string } })),
    mailSend: (token, params, body) =>
      wire(() =>
        sdk.mail.v1.userMailboxMessage.send(
          {
            path: params,
            data: body as NonNullable<Parameters<typeof sdk.mail.v1.userMailboxMessage.send>[0]>['data'],
          },
          lark.withUserAccessToken(token),
        ),
      ),
    mailGetMessage: (token, params) =>
      wire(() => sdk.mail.v1.userMailboxMessage.get({ path: params }, lark.withUserAccessToken(token))),
    mailListMessages: (token, params, query = {}) =>
      wire(() =>
        sdk.mail.v1.userMailboxMessage.list(
          // The SDK types page_size a number and only_unread a boolean; it sends them as the query strings they were.
          { path: params, params: query as unknown as { page_size: number; folder_id: string } },
          lark.withUserAccessToken(token),
        ),
      ),
  }
}
