/**
 * One ajv instance for every JSON Schema in contracts/. Each schema compiles once and the compiled
 * validator is kept: compiling on the request path would cost more than the rules themselves. The
 * endpoints' validators compile when the stub server has started listening (`compilePendingSchemas`), or
 * at first use, whichever comes first: compiling them all at import was a third of the server's cold start.
 */
import { createRequire } from 'node:module'
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'

/**
 * The two ajv instances, made at the first compile rather than at import: a built server whose settings the
 * build's precompiled validator checks (src/core/config.ts) needs no ajv before it listens, and loading it
 * was the larger part of what is left of its cold start.
 */
let instances: { first: Ajv2020; all: Ajv2020 } | undefined

/**
 * Not strict about the schemas (they carry `description`s and vendor keywords), but strict about numbers:
 * JSON.parse reads a number no double holds (`1e400`) as Infinity, which `strict: false` alone lets pass as
 * an "integer", and JSON.stringify writes it back as `null`. scripts/build.ts precompiles the settings'
 * validator and the endpoints' request validators with the same options.
 */
export const AJV_OPTIONS = { strict: false, strictNumbers: true, allowUnionTypes: true } as const

function ajvs(): { first: Ajv2020; all: Ajv2020 } {
  if (!instances) {
    const { Ajv2020: Ajv } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
    instances = {
      first: new Ajv({ ...AJV_OPTIONS, allErrors: false }),
      all: new Ajv({ ...AJV_OPTIONS, allErrors: true }),
    }
    for (const schema of shared) addSharedSchema(schema)
    shared.clear()
  }
  return instances
}

/** Schemas others `$ref` that were made known before ajv was (see addSharedSchema). */
const shared = new Set<object>()
const cache = new WeakMap<object, ValidateFunction>()
const cacheAll = new WeakMap<object, ValidateFunction>()

/** Compiles once per schema; a second copy of a schema with the same `$id` reuses the first compile. */
function compileOnce(instance: Ajv2020, schema: object): ValidateFunction {
  const id = (schema as { $id?: unknown }).$id
  return (typeof id === 'string' && instance.getSchema(id)) || instance.compile(schema)
}

/** Where the build writes ajv's standalone code for the endpoints' request schemas, next to this module's dist/ twin. */
export const PRECOMPILED_REQUEST_VALIDATORS = '../generated/request-validators.cjs'

let precompiled: Record<string, ValidateFunction> | null | undefined

/**
 * The build's validator for a schema, by its `$id` (scripts/build.ts compiles every endpoint's request schema
 * with the options of `validatorFor`): a built server validates its requests without loading ajv. From the
 * sources (tests, tsx) there is no such file: compiled at first use.
 */
function precompiledFor(schema: object): ValidateFunction | undefined {
  if (precompiled === undefined) {
    try {
      precompiled = createRequire(import.meta.url)(PRECOMPILED_REQUEST_VALIDATORS) as Record<string, ValidateFunction>
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e
      precompiled = null
    }
  }
  const id = (schema as { $id?: unknown }).$id
  return typeof id === 'string' ? precompiled?.[id] : undefined
}

function compiled(schema: object): ValidateFunction {
  let v = cache.get(schema)
  if (!v) {
    v = precompiledFor(schema) ?? compileOnce(ajvs().first, schema)
    cache.set(schema, v)
  }
  return v
}

/** Schemas handed out by `validatorFor` and not compiled yet. */
const pending = new Set<object>()

/**
 * A validator that stops at the first error (the vendors report one problem at a time). It compiles its
 * schema on first use, unless `compilePendingSchemas` did so before.
 */
export function validatorFor<T = unknown>(schema: object): ValidateFunction<T> {
  let v = cache.get(schema)
  if (v) return v as ValidateFunction<T>
  pending.add(schema)
  const lazy = ((data: unknown) => {
    if (!v) {
      v = compiled(schema)
      pending.delete(schema)
    }
    const ok = v(data)
    lazy.errors = v.errors
    return ok
  }) as ValidateFunction
  lazy.errors = null
  return lazy as ValidateFunction<T>
}

/** How many schemas handed out by `validatorFor` are not compiled yet (the stub server's readiness). */
export function pendingSchemaCount(): number {
  return pending.size
}

/** Compile every schema handed out so far. */
export function compilePendingSchemas(): void {
  for (const schema of pending) compiled(schema)
  pending.clear()
}

/**
 * The same, one schema per turn of the event loop, so a request arriving meanwhile waits for one compile
 * at most: the stub server calls this once it listens.
 */
export function compilePendingSchemasInBackground(): void {
  const next = () => {
    const schema = pending.values().next().value
    if (schema === undefined) return
    pending.delete(schema)
    compiled(schema)
    setImmediate(next)
  }
  setImmediate(next)
}

/** A validator that reports every error, for files people write (seed, config) where one pass should list all. */
export function fullValidatorFor<T = unknown>(schema: object): ValidateFunction<T> {
  let v = cacheAll.get(schema)
  if (!v) {
    v = compileOnce(ajvs().all, schema)
    cacheAll.set(schema, v)
  }
  return v as ValidateFunction<T>
}

/**
 * Makes a schema that others `$ref` by its `$id` known to both instances (the vendors' error envelopes
 * the response schemas share). Adding one twice is a no-op.
 */
export function addSharedSchema(schema: object): void {
  const id = (schema as { $id?: unknown }).$id
  if (typeof id !== 'string') throw new Error('[worksuite-mock] a shared schema needs an $id')
  // Before the first compile there is no ajv yet (cold start): it learns the schema when it is made.
  if (!instances) {
    shared.add(schema)
    return
  }
  for (const instance of [instances.first, instances.all]) if (!instance.getSchema(id)) instance.addSchema(schema)
}

/** The every-error validator of a schema, or a part of one, by its `$id` or `$id#/json/pointer`. */
export function fullValidatorForRef(ref: string): ValidateFunction | undefined {
  return ajvs().all.getSchema(ref)
}

/** `/wecom/corps/0/users/3/userid` → `wecom.corps[0].users[3].userid` */
export function jsonPath(instancePath: string): string {
  if (!instancePath) return '(root)'
  return instancePath
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '')
}

export function describeAjvError(e: ErrorObject): string {
  const where = jsonPath(e.instancePath)
  if (e.keyword === 'additionalProperties') return `${where}: unknown field "${String(e.params.additionalProperty)}"`
  if (e.keyword === 'required') return `${where}: missing required field "${String(e.params.missingProperty)}"`
  if (e.keyword === 'enum') return `${where}: must be one of ${JSON.stringify(e.params.allowedValues)}`
  return `${where}: ${e.message ?? e.keyword}`
}

export type { ErrorObject, ValidateFunction }
