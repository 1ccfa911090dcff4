/**
 * contracts/endpoints.json is the one table of endpoints: the emulator's routes, the contract clients, the
 * runner's dispatch and the OpenAPI documents derive from it, so it must be whole and agree with itself.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { endpoints } from '../contracts/client/endpoints.ts'
import { fetchClient } from '../contracts/client/fetch-client.ts'
import { larkSdkClient } from '../contracts/client/lark-sdk.ts'
import registry from '../contracts/endpoints.json' with { type: 'json' }
import { defineEndpoint, type EmulatorModule } from '../src/core/module.ts'
import { describeAjvError, fullValidatorFor } from '../src/core/schema.ts'
import { createEmulator, Emulator } from '../src/index.ts'
import { plugins } from '../src/plugins.ts'

const schema = JSON.parse(readFileSync('contracts/schemas/endpoints.schema.json', 'utf8'))

test('the registry matches its schema and its ids are unique', () => {
  const validate = fullValidatorFor(schema)
  expect(validate(registry), (validate.errors ?? []).map(describeAjvError).join('\n')).toBe(true)
  const ids = registry.endpoints.map((e) => e.id)
  expect(new Set(ids).size).toBe(ids.length)
  const routes = registry.endpoints.map((e) => `${e.method} ${e.path}`)
  expect(new Set(routes).size).toBe(routes.length)
})

test('every endpoint names an auth kind of the registry, and a rules file and schemas that exist', () => {
  for (const e of registry.endpoints) {
    expect(Object.keys(registry.auth), e.id).toContain(e.auth)
    expect(existsSync(`contracts/rules/${e.rules}`), `${e.id}: contracts/rules/${e.rules}`).toBe(true)
    if (e.request_schema)
      expect(existsSync(`contracts/schemas/${e.request_schema}`), `${e.id}: ${e.request_schema}`).toBe(true)
    expect(e.response_schema, e.id).toBe(`${e.id}.response.schema.json`)
    expect(existsSync(`contracts/schemas/${e.response_schema}`), `${e.id}: ${e.response_schema}`).toBe(true)
  }
  for (const [kind, a] of Object.entries(registry.auth) as [string, { rules?: string }][])
    if (a.rules) expect(existsSync(`contracts/rules/${a.rules}`), `auth ${kind}: ${a.rules}`).toBe(true)
})

test('every Feishu user-token endpoint names the scopes of its 权限要求, and only those endpoints do', () => {
  for (const e of registry.endpoints as { id: string; auth: string; scopes?: string[] }[]) {
    if (e.auth === 'feishu-user') expect(e.scopes?.length, `${e.id}: scopes`).toBeGreaterThan(0)
    else expect(e.scopes, `${e.id}: scopes`).toBeUndefined()
  }
})

test('every WeCom business endpoint names the permissions of its 权限说明, and only those endpoints do', () => {
  for (const e of registry.endpoints as { id: string; auth: string; permissions?: string[] }[]) {
    if (e.auth === 'wecom') expect(e.permissions?.length, `${e.id}: permissions`).toBeGreaterThan(0)
    else expect(e.permissions, `${e.id}: permissions`).toBeUndefined()
  }
})

test('every client adapter has a method for every endpoint of the registry', () => {
  const baseUrls = { wecom: 'http://wecom.invalid', feishu: 'http://feishu.invalid' }
  for (const client of [fetchClient({ baseUrls }), larkSdkClient({ baseUrls, appId: 'cli_x', appSecret: 'x' })])
    for (const e of endpoints)
      expect(typeof client[e.client_method], `${client.name} ${e.client_method}`).toBe('function')
})

test('every rules file belongs to an endpoint or an auth kind of the registry', () => {
  const named = new Set([
    ...registry.endpoints.map((e) => e.rules),
    ...Object.values(registry.auth).flatMap((a) => ('rules' in a && a.rules ? [a.rules] : [])),
  ])
  expect(readdirSync('contracts/rules').filter((f) => f.endsWith('.json') && !named.has(f))).toEqual([])
})

test('every registry endpoint is served by a plugin, and every route the emulator serves is in the registry', () => {
  const served = createEmulator()
    .router.routes()
    .map((r) => r.id)
    .sort()
  expect(served).toEqual(registry.endpoints.map((e) => e.id).sort())
})

test('a handler for an id the registry does not have is refused when the emulator is built', () => {
  const stray: EmulatorModule = { name: 'stray', endpoints: [defineEndpoint('wecom.no.such', { handle: () => ({}) })] }
  expect(() => new Emulator({ plugins: [...plugins, stray] })).toThrow(/contracts\/endpoints.json has no such id/)
})
