/**
 * One ajv instance for every JSON Schema in contracts/. Each schema compiles once, at first use, and the
 * compiled validator is kept: compiling on the request path would cost more than the rules themselves.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'

const ajv = new Ajv2020({ allErrors: false, strict: false, allowUnionTypes: true })
const ajvAll = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true })
const cache = new WeakMap<object, ValidateFunction>()
const cacheAll = new WeakMap<object, ValidateFunction>()

/** A validator that stops at the first error: the vendors report one problem at a time. */
/** Compiles once per schema; a second copy of a schema with the same `$id` reuses the first compile. */
function compileOnce(instance: Ajv2020, schema: object): ValidateFunction {
  const id = (schema as { $id?: unknown }).$id
  return (typeof id === 'string' && instance.getSchema(id)) || instance.compile(schema)
}

export function validatorFor<T = unknown>(schema: object): ValidateFunction<T> {
  let v = cache.get(schema)
  if (!v) {
    v = compileOnce(ajv, schema)
    cache.set(schema, v)
  }
  return v as ValidateFunction<T>
}

/** A validator that reports every error, for files people write (seed, config) where one pass should list all. */
export function fullValidatorFor<T = unknown>(schema: object): ValidateFunction<T> {
  let v = cacheAll.get(schema)
  if (!v) {
    v = compileOnce(ajvAll, schema)
    cacheAll.set(schema, v)
  }
  return v as ValidateFunction<T>
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

export type { ErrorObject }
