/**
 * A client whose every answer is checked against its endpoint's response schema and the status its code
 * has in the error catalogue (contracts/response-check.ts): the runner's `validateResponses`. The emulator
 * is held to the documented shapes on every call a case makes, its token fetches and clean-ups included.
 */
import { endpoints } from '../client/endpoints.ts'
import type { ContractClient, RawRequest, WireResponse } from '../client/types.ts'
import { checkResponse, endpointFor } from '../response-check.ts'

/** The client, with each problem found pushed to `sink` as `<endpoint> answered HTTP <status>: <problem>`. */
export function validatingClient(client: ContractClient, sink: string[]): ContractClient {
  const endpointOfMethod = new Map<string, string>(endpoints.map((e) => [e.client_method, e.id]))
  return new Proxy(client, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver)
      if (typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        const res = (await value.apply(obj, args)) as WireResponse
        const endpoint =
          prop === 'raw'
            ? endpointFor((args[0] as RawRequest).method, (args[0] as RawRequest).path)
            : endpointOfMethod.get(String(prop))
        if (endpoint)
          for (const p of checkResponse(endpoint, res.status, res.text))
            sink.push(`${endpoint} answered HTTP ${res.status}: ${p}`)
        return res
      }
    },
  })
}
