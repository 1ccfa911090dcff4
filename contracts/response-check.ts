/**
 * The emulator checks its own answers, as Prism validates its output: a body against its endpoint's
 * response schema (contracts/schemas/<endpoint id>.response.schema.json: the success body or the vendor's
 * error envelope), and the HTTP status against the status the error catalogue gives the body's code
 * (WeCom: always 200; Feishu: the code's real status). The contract runner (`validateResponses`), the rule
 * tables and the fuzzer call it. It reads contracts/ only: no vendor module is loaded.
 *
 * @example
 * checkResponse('wecom.meeting.create', 200, '{"errcode":0,"errmsg":"ok","meetingid":"hy…"}') // → []
 * checkExchange({ method: 'POST', url: '/cgi-bin/meeting/create?access_token=…' }, coreResponse) // → []
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { catalogues, type Vendor } from '../src/core/errors.ts'
import { addSharedSchema, describeAjvError, fullValidatorForRef } from '../src/core/schema.ts'
import { endpointById, endpoints } from './client/endpoints.ts'

export const SCHEMAS_DIR = fileURLToPath(new URL('./schemas/', import.meta.url))
export const RESPONSE_SCHEMA_SUFFIX = '.response.schema.json'

type Validate = NonNullable<ReturnType<typeof fullValidatorForRef>>

interface Checker {
  validate: Validate
  /** The alternatives of the schema's `oneOf` (success, the vendor's envelope, …), to say which one the body missed. */
  branches: { name: string; validate: Validate }[]
}

const checkers = new Map<string, Checker | undefined>()
let loaded = false

/** The endpoint ids that have a response schema in `dir`. */
export function responseSchemaIds(dir: string = SCHEMAS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(RESPONSE_SCHEMA_SUFFIX))
    .map((f) => f.slice(0, -RESPONSE_SCHEMA_SUFFIX.length))
    .sort()
}

/** The response schemas and the envelopes they share, known to ajv by `$id` (they `$ref` one another). */
function loadSchemas(): void {
  if (loaded) return
  for (const file of readdirSync(SCHEMAS_DIR).sort()) {
    if (file.endsWith(RESPONSE_SCHEMA_SUFFIX) || file.endsWith('.error.schema.json'))
      addSharedSchema(JSON.parse(readFileSync(join(SCHEMAS_DIR, file), 'utf8')))
  }
  loaded = true
}

function schemaId(endpoint: string): string {
  return `https://worksuite-mock.dev/schemas/${endpoint}${RESPONSE_SCHEMA_SUFFIX}`
}

/** Compiled at first use, then kept. */
function checkerFor(endpoint: string): Checker | undefined {
  if (checkers.has(endpoint)) return checkers.get(endpoint)
  loadSchemas()
  const id = schemaId(endpoint)
  const validate = fullValidatorForRef(id)
  let checker: Checker | undefined
  if (validate) {
    const oneOf = ((validate.schema as { oneOf?: { $ref?: string }[] }).oneOf ?? []).map((b) => b.$ref ?? '')
    const branches = oneOf.flatMap((ref) => {
      const v = ref ? fullValidatorForRef(new URL(ref, id).href) : undefined
      return v ? [{ name: (v.schema as { title?: string }).title ?? ref, validate: v }] : []
    })
    checker = { validate, branches }
  }
  checkers.set(endpoint, checker)
  return checker
}

/** The problems of the alternative the body comes closest to: "WecomMeetingCreateSuccess: (root): missing …". */
function explain(checker: Checker, json: unknown): string[] {
  let best: { name: string; errors: NonNullable<Validate['errors']> } | undefined
  for (const b of checker.branches) {
    const errors = b.validate(json) ? [] : (b.validate.errors ?? [])
    if (!best || errors.length < best.errors.length) best = { name: b.name, errors: [...errors] }
  }
  if (!best || best.errors.length === 0) return (checker.validate.errors ?? []).map(describeAjvError)
  const { name, errors } = best
  return errors.map((e) => `${name}: ${describeAjvError(e)}`)
}

/** WeCom answers everything with HTTP 200; Feishu with the status its catalogue gives the code (0: 200). */
function statusProblems(vendor: Vendor, status: number, json: unknown): string[] {
  const code = (json as Record<string, unknown> | null)?.[vendor === 'wecom' ? 'errcode' : 'code']
  if (!Number.isInteger(code)) return []
  if (code === 0) return status === 200 ? [] : [`HTTP ${status} with code 0: success is HTTP 200`]
  const entry = catalogues[vendor].get(code as number)
  if (!entry) return [`code ${code} is not in contracts/errors/${vendor}.json`]
  return entry.status === status
    ? []
    : [`HTTP ${status} with code ${code}: contracts/errors/${vendor}.json gives it HTTP ${entry.status}`]
}

/**
 * What is wrong with one answer of `endpoint` (a route id): its body against the endpoint's response
 * schema, its status against the catalogue. Empty when the answer conforms.
 */
export function checkResponse(endpoint: string, status: number, body: string): string[] {
  const info = endpointById.get(endpoint)
  const checker = checkerFor(endpoint)
  if (!info || !checker) return [`no response schema for endpoint "${endpoint}" (contracts/schemas)`]
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return [`HTTP ${status}: the body is not JSON: ${JSON.stringify(body.slice(0, 80))}`]
  }
  const problems = checker.validate(json) ? [] : explain(checker, json)
  return [...problems, ...statusProblems(info.vendor, status, json)]
}

/**
 * The endpoint that answers `method` on `url` (a path, with or without its query, or a full URL), as the
 * emulator routes it: the path's most specific endpoints (a literal segment beats a parameter), then WeCom
 * whatever the method (a wrong one is 40058), Feishu only by the method. Undefined where no endpoint
 * answers and the vendor's own 404 page does.
 */
export function endpointFor(method: string, url: string): string | undefined {
  const path = /^https?:\/\//.test(url) ? new URL(url).pathname : url.split('?', 1)[0]!
  const vendor = path.startsWith('/cgi-bin/') ? 'wecom' : path.startsWith('/open-apis/') ? 'feishu' : undefined
  if (!vendor) return undefined
  const parts = path.split('/')
  const literals = (p: string) => p.split('/').filter((s) => !s.startsWith(':')).length
  const fitting = endpoints.filter((e) => {
    if (e.vendor !== vendor) return false
    const segments = e.path.split('/')
    return (
      segments.length === parts.length &&
      segments.every((s, i) => (s.startsWith(':') ? parts[i] !== '' : s === parts[i]))
    )
  })
  const best = Math.max(...fitting.map((e) => literals(e.path)))
  const found = fitting.find(
    (e) => literals(e.path) === best && (vendor === 'wecom' || e.method === method.toUpperCase()),
  )
  return found?.id
}

/**
 * One request and its answer, checked: what a fuzzer or a test that sent raw requests calls. A request no
 * endpoint answers (the vendor's 404 page) and a dropped connection have nothing to check.
 */
export function checkExchange(
  request: { method: string; url: string },
  response: { status: number; body: string; drop?: boolean },
): string[] {
  const endpoint = endpointFor(request.method, request.url)
  if (!endpoint || response.drop) return []
  return checkResponse(endpoint, response.status, response.body).map((p) => `${endpoint}: ${p}`)
}
