/**
 * Where settings come from, lowest to highest: the schema's defaults, a JSON config file (--config),
 * environment variables, CLI flags. Every leaf of contracts/schemas/config.schema.json is settable as
 *   env  WORKSUITE_MOCK_<SECTION>_<KEY>    e.g. WORKSUITE_MOCK_SERVER_PORT=4000
 *   flag --<section>.<key>=<value>         e.g. --journal.maxEntries=5000
 * plus the short forms PORT / HOST and --port / --host, --proxy-port / --https-port / --ca-dir (issue 14's names) and --data-dir.
 */
import configSchema from '../contracts/schemas/config.schema.json' with { type: 'json' }
import { ConfigError } from './core/config.ts'

// `process.getBuiltinModule`, not `import … from 'node:…'`: the ESM facade of a builtin reads every export,
// and node:fs's and node:util's load streams, readline and worker_threads: tens of ms of cold start.
const { readFileSync } = process.getBuiltinModule('node:fs')

interface LeafSchema {
  type?: string
  default?: unknown
  description?: string
  minimum?: number
  maximum?: number
}

export interface Setting {
  /** `server.port` */
  key: string
  env: string
  flag: string
  type: string
  default: unknown
  description: string
}

function envName(key: string): string {
  return `WORKSUITE_MOCK_${key
    .replace(/\./g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()}`
}

/** Every setting, read from the schema: the one list --help prints and docs/settings.md documents. */
export function listSettings(): Setting[] {
  const out: Setting[] = []
  const walk = (node: { properties?: Record<string, unknown> }, prefix: string) => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      if (name === '$schema') continue
      const key = prefix ? `${prefix}.${name}` : name
      const c = child as LeafSchema & { properties?: Record<string, unknown> }
      if (c.properties) walk(c, key)
      else
        out.push({
          key,
          env: envName(key),
          flag: `--${key}`,
          type: c.type ?? 'string',
          default: c.default,
          description: c.description ?? '',
        })
    }
  }
  walk(configSchema as { properties?: Record<string, unknown> }, '')
  return out
}

function coerce(setting: Setting, raw: string, source: string): unknown {
  if (setting.type === 'integer' || setting.type === 'number') {
    const n = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(n))
      throw new ConfigError(source, [`${setting.key}: "${raw}" is not a number`])
    return n
  }
  if (setting.type === 'boolean') {
    if (['true', '1', 'yes'].includes(raw)) return true
    if (['false', '0', 'no'].includes(raw)) return false
    throw new ConfigError(source, [`${setting.key}: "${raw}" is not true or false`])
  }
  if (setting.type === 'array') {
    try {
      return JSON.parse(raw)
    } catch {
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    }
  }
  return raw
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.')
  let node = target
  for (const p of parts.slice(0, -1)) {
    node[p] ??= {}
    node = node[p] as Record<string, unknown>
  }
  node[parts.at(-1)!] = value
}

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigError(path, [`cannot read the file: ${(e as Error).message}`])
  }
  try {
    const data: unknown = JSON.parse(text)
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new Error('the top level must be an object')
    return data as Record<string, unknown>
  } catch (e) {
    throw new ConfigError(path, [`not valid JSON: ${(e as Error).message}`])
  }
}

/** Overrides from the environment (only variables that are set). */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const settings = listSettings()
  for (const s of settings) {
    const raw = env[s.env]
    if (raw !== undefined) setPath(out, s.key, coerce(s, raw, `environment ${s.env}`))
  }
  if (env.PORT !== undefined && env[envName('server.port')] === undefined) {
    setPath(out, 'server.port', coerce(settings.find((s) => s.key === 'server.port')!, env.PORT, 'environment PORT'))
  }
  if (env.HOST !== undefined && env[envName('server.host')] === undefined) setPath(out, 'server.host', env.HOST)
  return out
}

/** Short flags for the settings people type most. */
const FLAG_ALIASES: Record<string, string> = {
  port: 'server.port',
  host: 'server.host',
  'proxy-port': 'proxy.port',
  'https-port': 'proxy.httpsPort',
  'ca-dir': 'proxy.caDir',
  'data-dir': 'state.dataDir',
}

/** Whether `--name` sets a setting (`--section.key` or a short form): what else is not an option of ours. */
export function isSettingFlag(name: string): boolean {
  const key = FLAG_ALIASES[name] ?? name
  return listSettings().some((s) => s.key === key)
}

/** Overrides from `--section.key=value` / `--section.key value` flags; unknown ones are refused. */
export function settingsFromFlags(flags: Map<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const byKey = new Map(listSettings().map((s) => [s.key, s]))
  for (const [name, raw] of flags) {
    const key = FLAG_ALIASES[name] ?? name
    const setting = byKey.get(key)
    if (!setting) throw new ConfigError('command line', [`unknown option --${name} (see --help)`])
    setPath(out, key, coerce(setting, raw, `--${name}`))
  }
  return out
}

export function deepMerge(...layers: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (k === '__proto__' || k === 'constructor') continue
      const prev = out[k]
      out[k] =
        v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
          ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
          : v
    }
  }
  return out
}
