/**
 * The endpoints the kit knows, read from the registry (contracts/endpoints.json): what the client adapters,
 * the contract runner and the OpenAPI generator share with the emulator, which builds its routes from the
 * same file. `request_schema` names the request schema in contracts/schemas when one exists.
 */
import type { AuthKindEntry, EndpointEntry } from '../../src/generated/contracts.ts'
import registry from '../endpoints.json' with { type: 'json' }
import type { EndpointMethods } from './types.ts'

export type { Vendor } from './types.ts'

export interface EndpointInfo extends EndpointEntry {
  /** The ContractClient method that sends it (test/registry.test.ts checks every client has it). */
  client_method: keyof EndpointMethods
  /**
   * Where the credential goes: WeCom `?access_token=`, Feishu `Authorization: Bearer <user_access_token>`, or
   * (authen v1 OIDC) `Authorization: Bearer <app_access_token>`.
   */
  auth: 'none' | 'wecom' | 'feishu-user' | 'feishu-app'
}

export const endpoints: readonly EndpointInfo[] = registry.endpoints as EndpointInfo[]

/** The auth kinds endpoints name, with the rules file every endpoint of the kind shares. */
export const authKinds: Readonly<Record<EndpointInfo['auth'], AuthKindEntry>> = registry.auth as Record<
  EndpointInfo['auth'],
  AuthKindEntry
>

/**
 * How an endpoint's client method takes its arguments, from its auth kind and method alone (the
 * `EndpointMethods` of types.ts follow it): a WeCom business call `(token, body)`; a Feishu user-token call
 * `(token, params, body)` or, for a GET, `(token, params, query?)`; a Feishu app-token call `(appToken, body)`;
 * a token endpoint `(query)` for a GET, `(body)` for a POST.
 */
export type CallingConvention = 'token-body' | 'bearer-params-body' | 'bearer-params' | 'bearer-body' | 'query' | 'body'

export function callingConvention(e: Pick<EndpointInfo, 'auth' | 'method'>): CallingConvention {
  if (e.auth === 'wecom') return 'token-body'
  if (e.auth === 'feishu-user') return e.method === 'GET' ? 'bearer-params' : 'bearer-params-body'
  if (e.auth === 'feishu-app') return 'bearer-body'
  return e.method === 'GET' ? 'query' : 'body'
}

export const endpointById: ReadonlyMap<string, EndpointInfo> = new Map(endpoints.map((e) => [e.id, e]))

/** `{ user_mailbox_id: 'me' }` from `/open-apis/mail/v1/user_mailboxes/me/messages/send`, or undefined. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/')
  const p = path.split('/')
  if (t.length !== p.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < t.length; i++) {
    const seg = t[i]!
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(p[i]!)
    else if (seg !== p[i]) return undefined
  }
  return params
}

export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/:([a-z_]+)/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? '').replace(/%40/g, '@'),
  )
}
