/** Helpers for the Feishu mail tests: a send through any harness, and config overrides merged deeply. */
import type { ConfigOverrides } from '../../src/core/config.ts'
import type { Harness } from './harness.ts'

export const SEND = (mailbox = 'me') => `/open-apis/mail/v1/user_mailboxes/${mailbox}/messages/send`
export const GET = (mailbox: string, id: string) => `/open-apis/mail/v1/user_mailboxes/${mailbox}/messages/${id}`

export function send(
  h: Harness,
  body: unknown,
  opts: { mailbox?: string; token?: string; headers?: Record<string, string> } = {},
) {
  return h.call({
    method: 'POST',
    path: SEND(opts.mailbox),
    headers: { authorization: `Bearer ${opts.token ?? 'u-dev-user-token-1'}`, ...opts.headers },
    body,
  })
}

export function getMessage(h: Harness, id: string, opts: { mailbox?: string; token?: string } = {}) {
  return h.call({
    method: 'GET',
    path: GET(opts.mailbox ?? 'me', id),
    headers: { authorization: `Bearer ${opts.token ?? 'u-dev-user-token-1'}` },
  })
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function mergeConfig(...parts: (ConfigOverrides | undefined)[]): ConfigOverrides {
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...a }
    for (const [k, v] of Object.entries(b)) out[k] = isObject(v) && isObject(a[k]) ? merge(a[k], v) : v
    return out
  }
  return parts.reduce<Record<string, unknown>>(
    (acc, p) => merge(acc, (p ?? {}) as Record<string, unknown>),
    {},
  ) as ConfigOverrides
}

/** Tests run without the lock's hold unless they are about it: the default 200 ms would slow every send. */
export const FAST: ConfigOverrides = { feishu: { mail: { lockHoldMs: 0 } } }
