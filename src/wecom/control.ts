/** The WeCom vendor's part of the control plane: its default credentials, and the owner filter of read-backs. */
import { ControlError } from '../core/errors.ts'
import type { Seed } from '../core/seed.ts'

export interface WecomDefaultApp {
  agentid: number
  corpsecret: string
  name: string
  /** Only for a third-party app (self-built is the default). */
  kind?: 'third-party'
  /** Only where the app does not have all of mail, schedule and meeting. */
  permissions?: string[]
  /** The first pre-issued token, where the seed gives the app some. */
  access_token?: string
}

export interface WecomDefaults {
  corpid: string
  apps: WecomDefaultApp[]
  corps: { corpid: string; tier: string; apps: WecomDefaultApp[] }[]
}

/** The seed's corps and apps; the first corp's apps are the defaults a quick start uses. */
export function wecomDefaults(seed: Seed): WecomDefaults {
  const corps = seed.wecom.corps.map((c) => ({
    corpid: c.corpid,
    tier: c.tier,
    apps: c.apps.map(
      (a): WecomDefaultApp => ({
        agentid: a.agentid,
        corpsecret: a.corpsecret,
        name: a.name ?? `app ${a.agentid}`,
        ...(a.kind === 'third-party' ? { kind: a.kind } : {}),
        ...(a.permissions && a.permissions.length < 3 ? { permissions: [...a.permissions] } : {}),
        ...(a.access_tokens?.[0] ? { access_token: a.access_tokens[0] } : {}),
      }),
    ),
  }))
  return { corpid: corps[0]?.corpid ?? '', apps: corps[0]?.apps ?? [], corps }
}

export interface OwnerFilter {
  corpid?: string
  agentid?: number
}

/** `?corpid=…&agentid=…` of the WeCom read-backs. */
export function ownerFilter(q: URLSearchParams): OwnerFilter {
  const f: OwnerFilter = {}
  const corpid = q.get('corpid')
  if (corpid !== null) f.corpid = corpid
  const agentid = q.get('agentid')
  if (agentid !== null) {
    const n = Number(agentid)
    if (!Number.isInteger(n)) throw new ControlError(400, 'query parameter "agentid" must be a whole number')
    f.agentid = n
  }
  return f
}
