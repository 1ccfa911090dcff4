/**
 * The seed is the emulator's starting world. It is data (fixtures/seed/default.json is the built-in one),
 * checked against contracts/schemas/seed.schema.json plus the cross-references a schema cannot express,
 * with messages that name the entry and the field.
 */
import seedSchema from '../../contracts/schemas/seed.schema.json' with { type: 'json' }
import defaultSeedJson from '../../fixtures/seed/default.json' with { type: 'json' }
import type { Seed } from '../generated/contracts.ts'
import { describeAjvError, fullValidatorFor } from './schema.ts'

// `process.getBuiltinModule`, not `import … from 'node:…'`: the ESM facade of a builtin reads every export,
// and node:fs's and node:util's load streams, readline and worker_threads: tens of ms of cold start.
const { readFileSync } = process.getBuiltinModule('node:fs')

export type { Seed }

export class SeedError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`[worksuite-mock] Failed to load the seed ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'SeedError'
  }
}

export function validateSeed(data: unknown, source = '(in memory)'): Seed {
  const validate = fullValidatorFor<Seed>(seedSchema)
  if (!validate(data)) throw new SeedError(source, (validate.errors ?? []).map(describeAjvError))
  const problems: string[] = []
  const corpids = new Set<string>()
  const wecomTokens = new Set<string>()
  data.wecom.corps.forEach((corp, ci) => {
    const at = `wecom.corps[${ci}]`
    if (corpids.has(corp.corpid)) problems.push(`${at}.corpid: "${corp.corpid}" appears twice`)
    corpids.add(corp.corpid)
    const deptIds = new Set((corp.departments ?? []).map((d) => d.id))
    const userids = new Set<string>()
    corp.users.forEach((u, ui) => {
      if (userids.has(u.userid)) problems.push(`${at}.users[${ui}].userid: "${u.userid}" appears twice`)
      userids.add(u.userid)
      u.department?.forEach((d, di) => {
        if (!deptIds.has(d))
          problems.push(`${at}.users[${ui}].department[${di}]: no department ${d} in ${at}.departments`)
      })
    })
    const agentids = new Set<number>()
    corp.apps.forEach((app, ai) => {
      app.access_tokens?.forEach((t, k) => {
        if (wecomTokens.has(t)) problems.push(`${at}.apps[${ai}].access_tokens[${k}]: "${t}" appears twice`)
        wecomTokens.add(t)
      })
      if (agentids.has(app.agentid)) problems.push(`${at}.apps[${ai}].agentid: ${app.agentid} appears twice`)
      agentids.add(app.agentid)
      app.visible?.users?.forEach((u, i) => {
        if (!userids.has(u)) problems.push(`${at}.apps[${ai}].visible.users[${i}]: no user "${u}" in ${at}.users`)
      })
      app.visible?.departments?.forEach((d, i) => {
        if (!deptIds.has(d)) problems.push(`${at}.apps[${ai}].visible.departments[${i}]: no department ${d}`)
      })
    })
  })
  const tokens = new Set<string>()
  const appIds = new Set<string>()
  const mailboxes = new Set<string>()
  data.feishu.tenants.forEach((tenant, ti) => {
    const at = `feishu.tenants[${ti}]`
    const own = new Set(tenant.apps.map((a) => a.app_id))
    tenant.apps.forEach((a, ai) => {
      if (appIds.has(a.app_id)) problems.push(`${at}.apps[${ai}].app_id: "${a.app_id}" appears twice`)
      appIds.add(a.app_id)
    })
    tenant.users.forEach((u, ui) => {
      const box = u.mailbox.toLowerCase()
      if (mailboxes.has(box)) problems.push(`${at}.users[${ui}].mailbox: "${u.mailbox}" appears twice`)
      mailboxes.add(box)
      u.user_access_tokens?.forEach((t, k) => {
        const where = `${at}.users[${ui}].user_access_tokens[${k}]`
        if (!own.has(t.app_id)) problems.push(`${where}.app_id: no app "${t.app_id}" in ${at}.apps`)
        if (tokens.has(t.token)) problems.push(`${where}.token: "${t.token}" appears twice`)
        if (t.token.startsWith('t-'))
          problems.push(`${where}.token: user tokens must not start with "t-" (tenant tokens do)`)
        tokens.add(t.token)
      })
    })
  })
  if (problems.length) throw new SeedError(source, problems)
  return data
}

export function loadSeedFile(path: string): Seed {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new SeedError(path, [`cannot read the file: ${(e as Error).message}`])
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new SeedError(path, [`not valid JSON: ${(e as Error).message}`])
  }
  return validateSeed(data, path)
}

/**
 * The built-in seed is our own file, checked by test/startup.test.ts: not validated again at every start
 * (compiling the seed schema was about 70 ms of the stub server's cold start).
 */
export const defaultSeed: Seed = defaultSeedJson as Seed
