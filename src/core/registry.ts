/**
 * The endpoint registry (contracts/endpoints.json) as the core reads it: the static half of every route
 * (id, vendor, method, path, auth kind, body, schemas, method_id, oversize code). A module supplies only
 * the handler of an id (`defineEndpoint`); the core joins the two and refuses a handler for an id the
 * registry does not have, so the routes, the contract clients and the OpenAPI documents cannot drift apart.
 */
import registry from '../../contracts/endpoints.json' with { type: 'json' }
import type { AuthKindEntry, EndpointEntry } from '../generated/contracts.ts'
import { endpointSchemas } from '../generated/schemas.ts'
import { addSharedSchema } from './schema.ts'

export type { AuthKindEntry, EndpointEntry }

export const registryEntries: readonly EndpointEntry[] = registry.endpoints as EndpointEntry[]

/** The auth kinds by name (`none`, `wecom`, `feishu-user`): each names the rules file every endpoint of it shares. */
export const registryAuthKinds: Readonly<Record<string, AuthKindEntry>> = registry.auth as Record<string, AuthKindEntry>

const byId: ReadonlyMap<string, EndpointEntry> = new Map(registryEntries.map((e) => [e.id, e]))

export function registryEntry(id: string): EndpointEntry {
  const entry = byId.get(id)
  if (!entry)
    throw new Error(`[worksuite-mock] Failed to register endpoint "${id}": contracts/endpoints.json has no such id`)
  return entry
}

/** The schema files a schema `$ref`s besides itself (`wecom.schedule.add.request.schema.json#/$defs/…`). */
function filesReferenced(node: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) for (const v of node) filesReferenced(v, out)
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) out.add(v.split('#')[0]!)
      else filesReferenced(v, out)
    }
  return out
}

/**
 * The request schema an entry names (the index is generated: npm run gen:types), with the schemas it
 * `$ref`s made known by their `$id` first, so it compiles whichever endpoint is called first.
 */
export function requestSchemaOf(entry: EndpointEntry): object | undefined {
  if (!entry.request_schema) return undefined
  const schema = endpointSchemas[entry.request_schema]
  if (!schema) throw new Error(`[worksuite-mock] ${entry.id}: no schema ${entry.request_schema} in contracts/schemas`)
  for (const file of filesReferenced(schema)) {
    const other = endpointSchemas[file]
    if (!other) throw new Error(`[worksuite-mock] ${entry.request_schema} refers to ${file}, which the index lacks`)
    addSharedSchema(other)
  }
  return schema
}
