/**
 * Rules are data (contracts/rules/*.json, generated into src/generated/rules.ts); this module only looks
 * them up. A refusal names its rule by id and gets the rule's code from the data: the id goes first in the
 * reason (`<id>: <detail>`), which is what `x-worksuite-mock-reason` and the journal show.
 */
import { type RefusalId, RULES, type RuleEndpoint, type RuleEntry, type RuleId } from '../generated/rules.ts'
import { VendorError, type VendorErrorOptions } from './errors.ts'

export type { RefusalId, RuleEndpoint, RuleEntry, RuleId }

const byEndpoint = new Map<string, RuleEntry[]>()
for (const r of Object.values(RULES) as RuleEntry[]) {
  const list = byEndpoint.get(r.endpoint) ?? []
  list.push(r)
  byEndpoint.set(r.endpoint, list)
}

/** The rule `id` names; an id the catalogue lacks (only possible from untyped callers) is a bug, not a refusal. */
export function rule(id: RuleId): RuleEntry {
  const found = (RULES as Record<string, RuleEntry | undefined>)[id]
  if (!found) throw new Error(`[worksuite-mock] rule ${id} is not in contracts/rules`)
  return found
}

/** An endpoint's rules in the order of its rule file: the order its checks run in. */
export function rulesOf(endpoint: RuleEndpoint): readonly RuleEntry[] {
  return byEndpoint.get(endpoint) ?? []
}

/**
 * Refuses the request under rule `id`: throws the VendorError with the rule's code and the reason
 * `<id>: <detail>`. Options are the vendor's extras (a WeCom errmsg prefix, Feishu headers).
 */
export function refuse(id: RefusalId, detail: string, options?: VendorErrorOptions): never {
  const r = rule(id)
  if (r.kind !== 'refusal' || r.refusedAs || r.code === 0) {
    throw new Error(`[worksuite-mock] ${id} is not refused under its own id (see contracts/rules)`)
  }
  throw new VendorError(r.code, `${id}: ${detail}`, options)
}
