/**
 * Settings: one schema of defaults, overridden by a --config file, then the environment, then flags;
 * a bad value anywhere is refused at start with a message naming the setting, and nothing starts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, normalize } from 'node:path'
import type { ValidateFunction } from 'ajv/dist/2020.js'
import { expect, test } from 'vitest'
import configSchema from '../contracts/schemas/config.schema.json' with { type: 'json' }
import { CONFIG_VALIDATOR, configValidatorCode } from '../scripts/build.ts'
import { optionsFromArgs } from '../src/cli-main.ts'
import { ConfigError, PRECOMPILED_CONFIG_VALIDATOR, resolveConfig } from '../src/core/config.ts'
import { fullValidatorFor } from '../src/core/schema.ts'
import { deepMerge, listSettings, settingsFromEnv, settingsFromFlags } from '../src/settings.ts'
import { CLI_TIMEOUT, finished, runCli, stopCli, waitForUrl } from './support/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'config-'))
function configFile(name: string, content: unknown): string {
  const file = join(dir, name)
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
  return file
}

test(
  '--config with a bad value is refused naming the file and the setting, and nothing starts',
  async () => {
    const file = configFile('bad.json', { journal: { maxEntries: 'many' }, wecom: { tokenTtlSeconds: 0 } })
    const r = await finished(runCli(['--config', file, '--port', '0']))
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`Invalid configuration (${file} + environment + flags)`)
    expect(r.stderr).toContain('journal.maxEntries: must be integer')
    expect(r.stderr).toContain('wecom.tokenTtlSeconds: must be >= 1')
    expect(r.stdout).not.toContain('listening')
    expect(r.stdout).not.toMatch(/http:\/\//)
  },
  CLI_TIMEOUT,
)

test(
  '--config with an unknown setting or broken JSON is refused, and nothing starts',
  async () => {
    const [unknown, broken, missing] = await Promise.all([
      finished(runCli(['--config', configFile('unknown.json', { journal: { size: 3 } }), '--port', '0'])),
      finished(runCli(['--config', configFile('broken.json', '{"journal": '), '--port', '0'])),
      finished(runCli(['--config', join(dir, 'absent.json'), '--port', '0'])),
    ])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('journal: unknown field "size"')
    expect(broken.code).toBe(2)
    expect(broken.stderr).toMatch(/not valid JSON/)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/cannot read the file/)
  },
  CLI_TIMEOUT,
)

test(
  'precedence: a flag beats the environment, which beats the config file, which beats the default',
  async () => {
    const file = configFile('layers.json', {
      journal: { maxEntries: 10, maxBodyChars: 100 },
      wecom: { tokenTtlSeconds: 60 },
      faults: { maxRules: 7 },
    })
    const child = runCli(['--config', file, '--journal.maxEntries=30', '--port', '0', '--quiet'], {
      WORKSUITE_MOCK_JOURNAL_MAX_ENTRIES: '20',
      WORKSUITE_MOCK_WECOM_TOKEN_TTL_SECONDS: '120',
    })
    try {
      const url = await waitForUrl(child)
      const config = (await (await fetch(`${url}/__mock/config`)).json()) as any
      expect(config.journal).toEqual({ maxEntries: 30, maxBodyChars: 100, maxBytes: 33554432 })
      expect(config.wecom.tokenTtlSeconds).toBe(120)
      expect(config.faults.maxRules).toBe(7)
      expect(config.feishu.userTokenTtlSeconds).toBe(7200)
      // The settings act, not only show: the token lifetime comes from the environment.
      const t = (await (
        await fetch(`${url}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014`)
      ).json()) as any
      expect(t.expires_in).toBe(120)
      expect(((await (await fetch(`${url}/__mock/requests`)).json()) as any).capacity).toBe(30)
    } finally {
      expect(await stopCli(child)).toBe(0)
    }
  },
  CLI_TIMEOUT,
)

test('the layers merge in process the same way, section by section', () => {
  const merged = deepMerge(
    { journal: { maxEntries: 10, maxBodyChars: 100 } },
    settingsFromEnv({ WORKSUITE_MOCK_JOURNAL_MAX_ENTRIES: '20', PORT: '4000' }),
    settingsFromFlags(new Map([['journal.maxEntries', '30']])),
  )
  const config = resolveConfig(merged)
  expect(config.journal).toEqual({ maxEntries: 30, maxBodyChars: 100, maxBytes: 33554432 })
  expect(config.server.port).toBe(4000)
  expect(config.server.host).toBe('127.0.0.1')
})

test('a bad value from the environment or a flag names its source and the setting', () => {
  expect(() => settingsFromEnv({ WORKSUITE_MOCK_FAULTS_MAX_RULES: 'lots' })).toThrow(
    /environment WORKSUITE_MOCK_FAULTS_MAX_RULES[\s\S]*faults\.maxRules: "lots" is not a number/,
  )
  expect(() => settingsFromFlags(new Map([['journal.maxEntrys', '3']]))).toThrow(/unknown option --journal\.maxEntrys/)
  expect(() => resolveConfig({ faults: { maxRules: 0 } }, 'flags')).toThrow(ConfigError)
  expect(() => resolveConfig({ faults: { maxRules: 0 } }, 'flags')).toThrow(/faults\.maxRules: must be >= 1/)
})

test('an unknown flag is an unknown option with a value or without, and a known one without its value needs one', () => {
  for (const argv of [['--bogus-flag'], ['--bogus-flag=1'], ['--bogus-flag', '1'], ['--port', '0', '--bogus-flag']])
    expect(() => optionsFromArgs(argv, {}), argv.join(' ')).toThrow(/unknown option --bogus-flag \(see --help\)/)
  expect(() => optionsFromArgs(['--journal.maxEntries'], {})).toThrow(/--journal\.maxEntries needs a value/)
  expect(() => optionsFromArgs(['--port'], {})).toThrow(/--port needs a value/)
})

/**
 * Settings that are off until given: a secret has no sensible default, the proxy and HTTPS ports are opt-in,
 * the CA directory's default depends on the user's home (XDG_CACHE_HOME, else ~/.cache), and the data directory is
 * opt-in (the state is in memory unless one is given).
 */
const UNSET_BY_DEFAULT = new Set([
  'server.controlToken',
  'proxy.port',
  'proxy.httpsPort',
  'proxy.caDir',
  'state.dataDir',
])

test(
  'every setting has a default (or is a documented opt-in), a description, an environment variable and a flag, and --help lists them',
  async () => {
    const settings = listSettings()
    for (const s of settings) {
      if (UNSET_BY_DEFAULT.has(s.key)) expect(s.default, s.key).toBeUndefined()
      else expect(s.default, s.key).not.toBeUndefined()
      expect(s.description, s.key).not.toBe('')
      expect(s.env).toMatch(/^WORKSUITE_MOCK_[A-Z0-9_]+$/)
    }
    const help = await finished(runCli(['--help']))
    expect(help.code).toBe(0)
    for (const s of settings) {
      expect(help.stdout).toContain(s.flag)
      expect(help.stdout).toContain(s.env)
    }
    expect(help.stdout).toContain('--faults.maxRules=<integer> (default 100)')
  },
  CLI_TIMEOUT,
)

test("the build's precompiled settings validator gives the verdicts and errors of the one compiled at run time", () => {
  // Where the build writes it is where config.ts looks for it.
  expect(normalize(join('src/core', PRECOMPILED_CONFIG_VALIDATOR))).toBe(normalize(CONFIG_VALIDATOR))
  // Inside the repo, so that its require of ajv's runtime helpers resolves as it does in dist/.
  const out = join('.cache', 'test-config-validator')
  mkdirSync(out, { recursive: true })
  const file = join(process.cwd(), out, `config-validator-${process.pid}.cjs`)
  writeFileSync(file, configValidatorCode())
  const precompiled = createRequire(import.meta.url)(file) as ValidateFunction
  rmSync(file)
  const compiled = fullValidatorFor(configSchema)
  const inputs: unknown[] = [
    {},
    { server: { port: 0, host: '0.0.0.0', controlToken: 'tok' } },
    { journal: { maxEntries: 'many' }, wecom: { tokenTtlSeconds: 0 } },
    { journal: { size: 3 }, server: { controlToken: '' } },
    { feishu: { mail: { checks: { riskKeywords: ['x', 2] }, daily: { sendsPerUser: -1 } } } },
    { $schema: 'x', faults: { maxRules: 1.5 } },
    [],
    'settings',
  ]
  for (const input of inputs) {
    expect(precompiled(input), JSON.stringify(input)).toBe(compiled(input))
    expect(precompiled.errors ?? null, JSON.stringify(input)).toEqual(compiled.errors ?? null)
  }
})
