/** A seed file is checked before anything starts, with messages that name the entry and the field. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { defaultSeed, SeedError, validateSeed } from '../src/core/seed.ts'
import { CLI_TIMEOUT, finished, runCli } from './support/cli.ts'

const clone = () => structuredClone(defaultSeed) as any

test('a wrong type names the entry and field', () => {
  const seed = clone()
  seed.wecom.corps[0].users[2].userid = 42
  expect(() => validateSeed(seed)).toThrow(/wecom\.corps\[0\]\.users\[2\]\.userid: must be string/)
})

test('an unknown field and a missing one are both reported', () => {
  const seed = clone()
  seed.wecom.corps[1].apps[0].secret = 'x'
  delete seed.wecom.corps[1].apps[0].corpsecret
  try {
    validateSeed(seed)
    expect.unreachable()
  } catch (e) {
    expect(e).toBeInstanceOf(SeedError)
    const msg = (e as Error).message
    expect(msg).toContain('wecom.corps[1].apps[0]: missing required field "corpsecret"')
    expect(msg).toContain('wecom.corps[1].apps[0]: unknown field "secret"')
  }
})

test('cross-references are checked: duplicate users, unknown departments, tokens of foreign apps', () => {
  const seed = clone()
  seed.wecom.corps[0].users.push({ userid: 'lisi', name: 'again' })
  seed.wecom.corps[0].users[0].department = [99]
  seed.feishu.tenants[0].users[0].user_access_tokens[0].app_id = 'cli_elsewhere'
  const msg = (() => {
    try {
      validateSeed(seed)
      return ''
    } catch (e) {
      return (e as Error).message
    }
  })()
  expect(msg).toContain('wecom.corps[0].users[11].userid: "lisi" appears twice')
  expect(msg).toContain('wecom.corps[0].users[0].department[0]: no department 99')
  expect(msg).toContain('feishu.tenants[0].users[0].user_access_tokens[0].app_id: no app "cli_elsewhere"')
})

test('a pre-issued WeCom access token given to two apps is refused, and an unknown app kind or permission', () => {
  const seed = clone()
  seed.wecom.corps[1].apps[0].access_tokens = ['wwdev-third-party-token-1000050']
  const msg = (() => {
    try {
      validateSeed(seed)
      return ''
    } catch (e) {
      return (e as Error).message
    }
  })()
  expect(msg).toContain('wecom.corps[1].apps[0].access_tokens[0]: "wwdev-third-party-token-1000050" appears twice')
  const other = clone()
  other.wecom.corps[0].apps[0].kind = 'system'
  other.wecom.corps[0].apps[0].permissions = ['mail', 'contacts']
  expect(() => validateSeed(other)).toThrow(/wecom\.corps\[0\]\.apps\[0\]\.kind/)
})

test(
  'npm start -- --seed-file refuses a malformed seed and starts nothing',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-'))
    const file = join(dir, 'seed.json')
    const broken = join(dir, 'broken.json')
    const seed = clone()
    seed.feishu.tenants[0].apps[0].app_secret = ''
    writeFileSync(file, JSON.stringify(seed))
    writeFileSync(broken, '{not json')
    const [r, r2] = await Promise.all([
      finished(runCli(['--seed-file', file, '--port', '0'])),
      finished(runCli(['--seed-file', broken])),
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('feishu.tenants[0].apps[0].app_secret: must NOT have fewer than 1 characters')
    expect(r.stdout).not.toContain('listening')
    expect(r2.code).toBe(2)
    expect(r2.stderr).toMatch(/not valid JSON/)
  },
  CLI_TIMEOUT,
)
