/** The WeCom vendor's part of the control plane: its default credentials, and the owner filter of read-backs. */
import { ControlError } from '../core/errors.ts'
import type { Seed } from '../core/seed.ts'

export interface WecomDefaults {
  corpid: string
  apps: { agentid: number; corpsecret: string; name: string }[]
  corps: { corpid: string; tier: string; apps: { agentid: number; corpsecret: string; name: string }[] }[]
}

/** The seed's corps and apps; the first corp's apps are the defaults a quick start uses. */
export function wecomDefaults(seed: Seed): WecomDefaults {
  const corps = seed.wecom.corps.map((c) => ({
    corpid: c.corpid,
    tier: c.tier,
    apps: c.apps.map((a) => ({ agentid: a.agentid, corpsecret: a.corpsecret, name: a.name ?? `app ${a.agentid}` })),
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
