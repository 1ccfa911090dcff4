/**
 * The CLI behind src/cli.ts: `npm start` — the stub server on its embedded default: in memory, seeded,
 * 127.0.0.1:3000. `npm start -- --help` lists every option and setting.
 */
import { parseArgs } from 'node:util'
import { ConfigError, resolveConfig } from './core/config.ts'
import { loadSeedFile, SeedError } from './core/seed.ts'
import { createEmulator, type Emulator, type EmulatorOptions } from './emulator.ts'
import { startStubServer } from './server/stub-server.ts'
import { deepMerge, listSettings, readConfigFile, settingsFromEnv, settingsFromFlags } from './settings.ts'

const OWN_FLAGS = new Set(['help', 'config', 'seed-file', 'faker-seed', 'quiet'])

function help(): string {
  const rows = listSettings().map((s) => {
    const def = s.default === undefined ? '' : ` (default ${JSON.stringify(s.default)})`
    return `  ${s.flag}=<${s.type}>${def}\n      env ${s.env}. ${s.description}`
  })
  return [
    'worksuite-mock: a local stand-in for the WeCom meeting/schedule/mail and Feishu mail APIs',
    '',
    'Usage: npm start -- [options]      (or: npx tsx src/cli.ts [options])',
    '',
    'Options:',
    '  --port=<n>, --host=<addr>   where to listen (env PORT, HOST; default 127.0.0.1:3000)',
    '  --config=<file.json>        settings file (contracts/schemas/config.schema.json)',
    '  --seed-file=<file.json>     the starting world (contracts/schemas/seed.schema.json); default fixtures/seed/default.json',
    '  --faker-seed=<n>            make every generated id, token and code the same from run to run',
    '  --quiet                     print only the base URL',
    '  --help                      this text',
    '',
    'Settings (lowest to highest precedence: default, --config file, environment, flag):',
    ...rows,
    '',
  ].join('\n')
}

/** Splits argv into our own options and `--section.key=value` settings. */
function parseCommandLine(argv: string[]) {
  const { tokens } = parseArgs({ args: argv, strict: false, tokens: true, allowPositionals: true })
  const own = new Map<string, string | true>()
  const settings = new Map<string, string>()
  const list = tokens ?? []
  for (let i = 0; i < list.length; i++) {
    const t = list[i]!
    if (t.kind === 'positional')
      throw new ConfigError('command line', [`unexpected argument "${t.value}" (see --help)`])
    if (t.kind !== 'option') continue
    let value: string | undefined = t.value
    // `--name value` form: take the next positional as the value.
    const next = list[i + 1]
    if (value === undefined && next?.kind === 'positional' && !['help', 'quiet'].includes(t.name)) {
      value = next.value
      i++
    }
    if (OWN_FLAGS.has(t.name)) own.set(t.name, value ?? true)
    else if (value === undefined) throw new ConfigError('command line', [`--${t.name} needs a value (see --help)`])
    else settings.set(t.name, value)
  }
  return { own, settings }
}

export function optionsFromArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { options: EmulatorOptions; quiet: boolean; help: boolean } {
  const { own, settings } = parseCommandLine(argv)
  if (own.has('help')) return { options: {}, quiet: false, help: true }
  const configFile = own.get('config')
  const layers = [
    typeof configFile === 'string' ? readConfigFile(configFile) : {},
    settingsFromEnv(env),
    settingsFromFlags(settings),
  ]
  const source = typeof configFile === 'string' ? `${configFile} + environment + flags` : 'environment + flags'
  const config = resolveConfig(deepMerge(...layers), source)
  const options: EmulatorOptions = { config }
  const seedFile = own.get('seed-file') ?? env.WORKSUITE_MOCK_SEED_FILE
  if (typeof seedFile === 'string') options.seed = loadSeedFile(seedFile)
  const fakerSeed = own.get('faker-seed') ?? env.WORKSUITE_MOCK_FAKER_SEED
  if (fakerSeed !== undefined) {
    const n = Number(fakerSeed)
    if (!Number.isInteger(n) || n < 0)
      throw new ConfigError('command line', [`--faker-seed: "${String(fakerSeed)}" is not a whole number`])
    options.fakerSeed = n
  }
  return { options, quiet: own.has('quiet'), help: false }
}

function banner(url: string, emulator: Emulator): string {
  const d = emulator.control.defaults()
  const app = d.wecom.apps[0]
  const lines = [
    `worksuite-mock listening on ${url}`,
    '',
    `WeCom   corpid=${d.wecom.corpid}`,
    ...d.wecom.apps.map((a) => `        agentid=${a.agentid} corpsecret=${a.corpsecret}`),
    `Feishu  app_id=${d.feishu.app_id} app_secret=${d.feishu.app_secret}`,
    ...d.feishu.users
      .filter((u) => u.user_access_token)
      .map((u) => `        user_access_token=${u.user_access_token} mailbox=${u.mailbox}`),
    '',
    `Control plane: ${url}/__mock/defaults  (reset, clock, requests, faults, config: see README)`,
    app ? `Try:  curl '${url}/cgi-bin/gettoken?corpid=${d.wecom.corpid}&corpsecret=${app.corpsecret}'` : '',
    'Stop with Ctrl-C.',
  ]
  return lines.join('\n')
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof optionsFromArgs>
  try {
    parsed = optionsFromArgs(process.argv.slice(2), process.env)
  } catch (e) {
    if (e instanceof ConfigError || e instanceof SeedError) {
      console.error(e.message)
      process.exit(2)
    }
    throw e
  }
  if (parsed.help) {
    process.stdout.write(help())
    return
  }
  const emulator = createEmulator(parsed.options)
  let server: Awaited<ReturnType<typeof startStubServer>>
  try {
    server = await startStubServer(emulator)
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    const { host, port } = emulator.config.server
    console.error(`[worksuite-mock] Failed to listen on ${host}:${port}: ${err.code ?? ''} ${err.message}`)
    process.exit(1)
  }
  console.log(parsed.quiet ? server.url : banner(server.url, emulator))
  let closing = false
  const stop = (signal: string) => {
    if (closing) return
    closing = true
    if (!parsed.quiet) console.log(`\n${signal}: closing worksuite-mock`)
    server.close().then(() => process.exit(0))
    setTimeout(() => process.exit(0), 2000).unref()
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

await main()
