/**
 * The emulator's settings: defaults live in contracts/schemas/config.schema.json (one place, documented
 * there), and a partial override is deep-merged over them and validated.
 */
import { createRequire } from 'node:module'
import type { ValidateFunction } from 'ajv/dist/2020.js'
import configSchema from '../../contracts/schemas/config.schema.json' with { type: 'json' }
import type { Config as ConfigInput } from '../generated/contracts.ts'
import { describeAjvError, fullValidatorFor } from './schema.ts'

/** Where the build writes ajv's standalone code for config.schema.json, next to this module's dist/ twin. */
export const PRECOMPILED_CONFIG_VALIDATOR = '../generated/config-validator.cjs'

let configValidator: ValidateFunction | undefined

/**
 * The every-error validator of the settings. The build precompiles it (scripts/build.ts, with the options of
 * `fullValidatorFor`), so a built server given any setting starts without compiling a schema: that compile
 * was a third of its cold start. From the sources (tests, tsx) there is no such file: compiled on first use.
 */
function validateConfig(): ValidateFunction {
  if (configValidator) return configValidator
  try {
    configValidator = createRequire(import.meta.url)(PRECOMPILED_CONFIG_VALIDATOR) as ValidateFunction
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e
    configValidator = fullValidatorFor(configSchema)
  }
  return configValidator
}

type DeepRequired<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends unknown[]
    ? NonNullable<T[K]>
    : NonNullable<T[K]> extends object
      ? DeepRequired<NonNullable<T[K]>>
      : NonNullable<T[K]>
}
export type Config = DeepRequired<Omit<ConfigInput, '$schema'>>
export type ConfigOverrides = ConfigInput

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`[worksuite-mock] Invalid configuration (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

interface SchemaNode {
  default?: unknown
  properties?: Record<string, SchemaNode>
}

function defaultsOf(node: SchemaNode): unknown {
  if (!node.properties) return node.default
  const out: Record<string, unknown> = {}
  for (const [k, child] of Object.entries(node.properties)) {
    if (k === '$schema') continue
    out[k] = defaultsOf(child)
  }
  return out
}

export const defaultConfig = defaultsOf(configSchema as SchemaNode) as Config

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue
    out[k] = isPlainObject(v) && isPlainObject(base[k]) ? merge(base[k] as Record<string, unknown>, v) : v
  }
  return out
}

export function resolveConfig(overrides: unknown = {}, source = 'options'): Config {
  // Nothing to check in an empty override: the defaults are the schema's own (saves compiling it at start).
  if (isPlainObject(overrides) && Object.keys(overrides).length === 0) return structuredClone(defaultConfig)
  const validate = validateConfig()
  if (!validate(overrides)) throw new ConfigError(source, (validate.errors ?? []).map(describeAjvError))
  const { $schema: _ignored, ...rest } = overrides as ConfigInput
  return merge(defaultConfig as unknown as Record<string, unknown>, rest) as unknown as Config
}

/** Under `server`, what the adapters read per request; every other server setting configures the listener. */
const PER_REQUEST_SERVER_SETTINGS = new Set(['maxBodyBytes', 'lingerBytes', 'lingerMs', 'allowedHosts'])
/** Under `wecom`, what is read per request (oa/calendar/add's cap); the others size stores built at start. */
const PER_REQUEST_WECOM_SETTINGS = new Set(['maxCalendars'])

/**
 * Settings the emulator reads only when it starts or builds its state (server, journal and store caps,
 * token lifetimes, how meeting status is derived): `control.setConfig` refuses to change them, since a
 * change would not act (and `reset` goes back to the start-up settings). Everything else is read per request.
 * The server's settings are listed from the schema, so a new one is start-up only unless it is said otherwise.
 */
export const STARTUP_ONLY_SETTINGS: readonly string[] = [
  ...Object.keys(configSchema.properties.server.properties)
    .filter((k) => !PER_REQUEST_SERVER_SETTINGS.has(k))
    .map((k) => `server.${k}`),
  'proxy',
  'state.dataDir',
  'journal',
  'faults',
  ...Object.keys(configSchema.properties.wecom.properties)
    .filter((k) => !PER_REQUEST_WECOM_SETTINGS.has(k))
    .map((k) => `wecom.${k}`),
  'feishu.tenantTokenTtlSeconds',
  'feishu.userTokenTtlSeconds',
  'feishu.refreshTokenTtlSeconds',
  'feishu.oauthCodeTtlSeconds',
]

/** `overrides` (checked against the schema) merged over `base`: arrays and scalars replace, objects merge. */
export function applyConfig(base: Config, overrides: unknown, source = 'options'): Config {
  resolveConfig(overrides, source)
  const { $schema: _ignored, ...rest } = overrides as ConfigInput
  return merge(base as unknown as Record<string, unknown>, rest) as unknown as Config
}
