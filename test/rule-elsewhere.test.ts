/**
 * A rule an endpoint's runner lists as `elsewhere` (src/core/rule-checks.ts) is one the request is refused
 * under before its handler runs: by the request schema, whose one shape-error mapper can only answer the rule
 * ids of the endpoint's `shape` (src/core/module.ts shapeRuleOf), or by its `admit` stage (the gateway's checks
 * before the body is read). A rule the handler checks by hand after the runner is a hook instead, so that it
 * runs at its place in the rule file's order; and an endpoint whose rules refuse runs them through a runner,
 * but the few listed with the reason they do not.
 */
import { describe, expect, test } from 'vitest'
import type { EndpointHandler } from '../src/core/module.ts'
import { declaredElsewhere } from '../src/core/rule-checks.ts'
import { rulesOf } from '../src/core/rules.ts'
import { plugins } from '../src/plugins.ts'

/** The rules an endpoint's `admit` stage refuses, by endpoint, and why the stage is theirs. */
const ADMITTED: Record<string, Record<string, string>> = {
  'feishu.mail.send': {
    'feishu.mail.send.rate-limit': 'the per-app rate limit, counted before the body is read (99991400)',
  },
}

/** Endpoints that check their rules by hand, not through a runner, and why. */
const BY_HAND: Record<string, string> = {
  'feishu.auth.tenant_access_token':
    'auth/v3 answers its refusals in a body of its own (HTTP 200, no data), built where each check fails',
  'feishu.authen.oauth_token':
    'OAuth checks params.required on both sides of client_secret.valid, each refusal with its own OAuth error',
  'feishu.authen.oidc_access_token': 'hand checks in the order of its rule file (a runner would do: not yet)',
  'feishu.authen.oidc_refresh_access_token': 'hand checks in the order of its rule file (a runner would do: not yet)',
}

const endpoints: EndpointHandler[] = plugins.flatMap((p) => p.endpoints ?? [])

/** The rule ids a request can be refused under before the handler: the shape's, and the admit stage's. */
function beforeHandler(e: EndpointHandler): Set<string> {
  const ids = new Set<string>()
  if (e.shape) {
    ids.add(e.shape.fallback)
    for (const id of Object.values(e.shape.fields ?? {})) ids.add(id)
  }
  if (e.admit) for (const id of Object.keys(ADMITTED[e.id] ?? {})) ids.add(id)
  return ids
}

describe('elsewhere entries', () => {
  test('name only rules the request schema or the admit stage refuses, for every endpoint', () => {
    const handChecked = endpoints.flatMap((e) => {
      const before = beforeHandler(e)
      return [...(declaredElsewhere(e.id) ?? [])].filter((id) => !before.has(id)).map((id) => `${e.id}: ${id}`)
    })
    expect(handChecked).toEqual([])
  })

  test('are declared by the runners of the endpoints that have them', () => {
    // The registry is filled when the endpoint modules load: an empty one would make the test above vacuous.
    expect(endpoints.filter((e) => (declaredElsewhere(e.id)?.size ?? 0) > 0).length).toBeGreaterThan(10)
    expect([...(declaredElsewhere('wecom.schedule.add') ?? [])]).toContain('wecom.schedule.add.types')
  })

  test('every endpoint whose rules refuse runs them through a runner, but the token endpoints', () => {
    const refusing = (e: EndpointHandler) =>
      rulesOf(e.id as never).some((r) => r.kind === 'refusal' && !r.refusedAs && r.code !== 0)
    const without = endpoints.filter((e) => refusing(e) && !declaredElsewhere(e.id)).map((e) => e.id)
    expect(without.filter((id) => !(id in BY_HAND))).toEqual([])
    // An endpoint that has come to use a runner leaves the table.
    expect(Object.keys(BY_HAND).filter((id) => !without.includes(id))).toEqual([])
  })

  test('the admit table names endpoints with an admit stage and rules of theirs', () => {
    for (const [endpoint, rules] of Object.entries(ADMITTED)) {
      expect(endpoints.find((e) => e.id === endpoint)?.admit, endpoint).toBeTypeOf('function')
      const ids = new Set(rulesOf(endpoint as never).map((r) => r.id as string))
      for (const id of Object.keys(rules)) expect(ids.has(id), id).toBe(true)
    }
  })
})
