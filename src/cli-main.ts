/**
 * `worksuite-mock [serve]` (src/cli.ts; in this repo `npm start`): the stub server on its embedded default:
 * in memory, seeded, 127.0.0.1:3000. `--help` lists every option and setting.
 */
import { ConfigError, resolveConfig } from './core/config.ts'
import { DataDirError } from './core/persistence.ts'
import { loadSeedFile, SeedError } from './core/seed.ts'
import { createEmulator, type Emulator, type EmulatorOptions } from './emulator.ts'
import { controlAccessFor, type StubServer, startStubServer } from './server/stub-server.ts'
import {
  deepMerge,
  isSettingFlag,
  listSettings,
  readConfigFile,
  settingsFromEnv,
  settingsFromFlags,
} from './settings.ts'
import { packageVersion } from './version.ts'

// `process.getBuiltinModule`, not `import … from 'node:…'`: the ESM facade of a builtin reads every export,
// and node:fs's and node:util's load streams, readline and worker_threads: tens of ms of cold start.
const { networkInterfaces } = process.getBuiltinModule('node:os')
const { parseArgs } = process.getBuiltinModule('node:util')

const OWN_FLAGS = new Set(['help', 'version', 'config', 'seed-file', 'faker-seed', 'quiet'])
const SWITCHES = ['help', 'version', 'quiet']

function help(): string {
  const rows = listSettings().map((s) => {
    const def = s.default === undefined ? '' : ` (default ${JSON.stringify(s.default)})`
    return `  ${s.flag}=<${s.type}>${def}\n      env ${s.env}. ${s.description}`
  })
  return [
    'worksuite-mock: a local stand-in for the WeCom meeting/schedule/mail and Feishu mail APIs',
    '',
    'Usage: worksuite-mock [serve] [options]    the stub server (in this repo: npm start -- [options])',
    '       worksuite-mock contracts --target <url>|live|emulator [--client fetch|lark-sdk|<module>] [--junit <file>]',
    '                                           the contract suite, exit 1 when a case fails (contracts --help)',
    '       worksuite-mock report --target <url> [--junit <file>] [--markdown <file>] [--json] [--fail-on-violations]',
    '                                           what a client sent since the last reset: rules broken, codes never met (report --help)',
    '       worksuite-mock --version',
    '',
    'Health (for compose health checks and CI wait loops; no token needed):',
    '  GET /__mock/health          200 {"status":"ok"} once the server answers',
    '  GET /__mock/health/ready    200 {"status":"ready"} once every endpoint schema is compiled, 503 before',
    '',
    "Options (files named here are a clone's paths; installed, contracts/ and fixtures/seed/ are in node_modules/worksuite-mock/dist/):",
    '  --port=<n>, --host=<addr>   where to listen (env PORT, HOST; default 127.0.0.1:3000)',
    '  --config=<file.json>        settings file (contracts/schemas/config.schema.json)',
    '  --seed-file=<file.json>     the starting world (contracts/schemas/seed.schema.json); default fixtures/seed/default.json',
    '  --faker-seed=<n>            make every generated id, token and code the same from run to run',
    '  --proxy-port=<n>            an HTTP proxy serving the vendors\' real hostnames (proxy.port; README "Clients in other languages")',
    '  --https-port=<n>            both vendors over HTTPS, for those hostnames mapped to 127.0.0.1 (proxy.httpsPort)',
    '  --ca-dir=<dir>              where the local CA behind both is kept (proxy.caDir)',
    '  --data-dir=<dir>            keep meetings, schedules, mail and tokens there across restarts (state.dataDir)',
    '  --quiet                     print only the base URL',
    '  --help                      this text',
    '  --version                   the package version',
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
    // Before looking for its value: an unknown flag is unknown, with `=value` or without.
    if (!OWN_FLAGS.has(t.name) && !isSettingFlag(t.name))
      throw new ConfigError('command line', [`unknown option --${t.name} (see --help)`])
    let value: string | undefined = t.value
    // `--name value` form: take the next positional as the value.
    const next = list[i + 1]
    if (value === undefined && next?.kind === 'positional' && !SWITCHES.includes(t.name)) {
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
): { options: EmulatorOptions; quiet: boolean; help: boolean; version?: boolean } {
  const { own, settings } = parseCommandLine(argv)
  if (own.has('help')) return { options: {}, quiet: false, help: true }
  if (own.has('version')) return { options: {}, quiet: false, help: false, version: true }
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

/** Where the proxy and the HTTPS port listen, and how to trust the CA: one line each. */
function interceptionLines(server: StubServer, hosts: readonly string[], tryPath: string | undefined): string[] {
  if (!server.ca) return []
  const { certFile, created } = server.ca
  return [
    '',
    ...(server.proxyUrl
      ? [`Proxy:  ${server.proxyUrl} answers for ${hosts.join(', ')}; every other host is refused`]
      : []),
    ...(server.httpsUrl ? [`HTTPS:  ${server.httpsUrl} for those hostnames mapped to 127.0.0.1 (/etc/hosts)`] : []),
    `Trust:  ${certFile} (or ${server.url}/__mock/proxy/ca.pem): curl --cacert, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, keytool -importcert; README "Clients in other languages"`,
    ...(created?.replaced
      ? [`        a new local CA was made (the old one was ${created.replaced}): trust it again`]
      : []),
    ...(server.proxyUrl && tryPath
      ? [`Try:  curl -x ${server.proxyUrl} --cacert ${certFile} 'https://${hosts[0]}${tryPath}'`]
      : []),
  ]
}

/** This machine's IPv4 addresses other than loopback: where a server on every interface can be reached. */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === 'IPv4' && !i.internal)
    .map((i) => i!.address)
}

/**
 * What the CLI prints once it listens: where the server can be reached, the seed's credentials, and whether
 * and how the control plane answers (open on loopback, behind the token, or disabled).
 */
export function banner(
  url: string,
  emulator: Emulator,
  addresses: () => string[] = interfaceAddresses,
  server?: StubServer,
): string {
  const d = emulator.control.defaults()
  const app = d.wecom.apps[0]
  const tryPath = app ? `/cgi-bin/gettoken?corpid=${d.wecom.corpid}&corpsecret=${app.corpsecret}` : undefined
  const { host, controlToken } = emulator.config.server
  const { hostname, port } = new URL(url)
  const everywhere = hostname === '0.0.0.0' || hostname === '[::]'
  // 0.0.0.0 is where it listens, not an address to call: from this machine, loopback reaches it.
  const local = everywhere ? `http://127.0.0.1:${port}` : url
  const access = controlAccessFor(host, controlToken as string | undefined)
  const control =
    access.kind === 'open'
      ? [`Control plane: ${local}/__mock/defaults  (reset, clock, requests, faults, config: see README)`]
      : access.kind === 'token'
        ? [
            `Control plane: ${local}/__mock/defaults  with header 'Authorization: Bearer <server.controlToken>'`,
            '               from any address (reset, clock, requests, faults, config: see README)',
          ]
        : [
            `Control plane: disabled: ${host} is not a loopback address and no server.controlToken is set (/__mock answers 403).`,
            '               Set one (--server.controlToken=<secret> or env WORKSUITE_MOCK_SERVER_CONTROL_TOKEN) to use it',
            "               with 'Authorization: Bearer <secret>', or listen on 127.0.0.1.",
          ]
  const lines = [
    everywhere
      ? `worksuite-mock listening on every interface, port ${port}: ${[local, ...addresses().map((a) => `http://${a}:${port}`)].join(', ')}`
      : `worksuite-mock listening on ${url}`,
    '',
    `WeCom   corpid=${d.wecom.corpid}`,
    ...d.wecom.apps.map((a) => `        agentid=${a.agentid} corpsecret=${a.corpsecret}`),
    `Feishu  app_id=${d.feishu.app_id} app_secret=${d.feishu.app_secret}`,
    ...d.feishu.users
      .filter((u) => u.user_access_token)
      .map((u) => `        user_access_token=${u.user_access_token} mailbox=${u.mailbox}`),
    '',
    ...control,
    `Health:        ${local}/__mock/health  (ready: ${local}/__mock/health/ready)`,
    ...(emulator.dataDir
      ? [
          `State:         kept in ${emulator.dataDir.location} (${emulator.dataDir.restored} records read back; POST /__mock/reset empties it)`,
        ]
      : []),
    tryPath ? `Try:  curl '${local}${tryPath}'` : '',
    ...(server ? interceptionLines(server, emulator.vendorHosts, tryPath) : []),
    'Stop with Ctrl-C.',
  ]
  return lines.join('\n')
}

/**
 * Runs the stub server until SIGINT or SIGTERM (or prints --help / --version); the signals exit 0 from here
 * on, at once while starting, after closing once serving.
 */
export async function serve(argv: string[]): Promise<void> {
  let server: StubServer | undefined
  let emulator: Emulator | undefined
  let quiet = false
  let closing = false
  const stop = (signal: string) => {
    if (closing) return
    closing = true
    if (!server) process.exit(0)
    if (!quiet) console.log(`\n${signal}: closing worksuite-mock`)
    server.close().then(() => {
      emulator?.close()
      process.exit(0)
    })
    setTimeout(() => process.exit(0), 2000).unref()
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  let parsed: ReturnType<typeof optionsFromArgs>
  try {
    parsed = optionsFromArgs(argv, process.env)
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
  if (parsed.version) {
    console.log(packageVersion())
    return
  }
  quiet = parsed.quiet
  try {
    emulator = createEmulator(parsed.options)
  } catch (e) {
    if (e instanceof DataDirError) {
      console.error(e.message)
      process.exit(1)
    }
    throw e
  }
  try {
    server = await startStubServer(emulator)
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    const { host, port } = emulator.config.server
    // The proxy's, the HTTPS port's and the local CA's errors say where themselves.
    const where = /cannot (listen on|open the local CA)/.test(err.message) ? '' : ` on ${host}:${port}`
    console.error(`[worksuite-mock] Failed to listen${where}: ${err.code ?? ''} ${err.message}`)
    process.exit(1)
  }
  console.log(quiet ? server.url : banner(server.url, emulator, undefined, server))
  // Node writes the compile cache (src/cli.ts) only at a normal exit, so a server that is always killed
  // (CI, kill -9) would start cold every time. Written once it listens, off the first request's path.
  setTimeout(() => process.getBuiltinModule('node:module').flushCompileCache?.(), 1000).unref()
}
