/**
 * OpenAPI 3.1 documents for both vendors, built from the same data the emulator and the suite use: the
 * endpoint registry (contracts/endpoints.json), the request and response schemas it names (the response
 * schemas with the vendors' error envelopes they share), the rules files it names for each endpoint and auth
 * kind (which codes an endpoint answers) and the error catalogues (HTTP status and message of each code). `npm run contracts:openapi` rewrites
 * contracts/openapi/{wecom,feishu}.json (`-- --check` compares); a test checks them with an OpenAPI validator
 * and for drift.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { authKinds, type EndpointInfo, endpoints, type Vendor } from '../contracts/client/endpoints.ts'
import { writeOrCheck } from './outputs.ts'

const SCHEMAS = 'contracts/schemas'
const RULES = 'contracts/rules'
export const OPENAPI_FILES = { wecom: 'contracts/openapi/wecom.json', feishu: 'contracts/openapi/feishu.json' }

interface ErrorEntry {
  code: number
  status: number
  message: string
  name?: string
  inferred: boolean
}

function errorCatalogue(vendor: Vendor): Map<number, ErrorEntry> {
  const data = JSON.parse(readFileSync(`contracts/errors/${vendor}.json`, 'utf8')) as { errors: ErrorEntry[] }
  return new Map(data.errors.map((e) => [e.code, e]))
}

function rulesFile(name: string): { code: number }[] {
  return (JSON.parse(readFileSync(join(RULES, name), 'utf8')) as { rules: { code: number }[] }).rules
}

/** The codes an endpoint answers: those of its rules file and of its auth kind's, as the registry names them. */
function codesOf(e: EndpointInfo): number[] {
  const files = [e.rules, authKinds[e.auth].rules].filter((f): f is string => f !== undefined)
  const codes = new Set<number>()
  for (const file of files) for (const r of rulesFile(file)) if (r.code !== 0) codes.add(r.code)
  return [...codes].sort((a, b) => a - b)
}

type Kind = 'Request' | 'Response'

/** The component name of an endpoint's request or response schema: wecom.meeting.create → WecomMeetingCreateRequest. */
function schemaName(id: string, kind: Kind): string {
  return `${id.replace(/(^|[^a-zA-Z0-9]+)([a-zA-Z0-9])/g, (_, _sep, c: string) => c.toUpperCase())}${kind}`
}

function readSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as Record<string, unknown>
}

/** Where a schema file lives in components: an endpoint's by its id, a shared envelope by its title. */
function componentOf(file: string): string {
  const m = /^(.+)\.(request|response)\.schema\.json$/.exec(file)
  if (m) return schemaName(m[1]!, m[2] === 'request' ? 'Request' : 'Response')
  return String(readSchema(file).title)
}

/**
 * A schema for components: `$schema` and `$id` dropped, every `$ref` (`#/$defs/…` within it, `other.schema.json`
 * or `other.schema.json#/$defs/…` across files) rewritten to where its target lives in components.
 */
function asComponent(file: string): Record<string, unknown> {
  const self = componentOf(file)
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite)
    if (typeof node !== 'object' || node === null) return node
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => {
        if (k !== '$ref' || typeof v !== 'string') return [k, rewrite(v)]
        const [target, pointer = ''] = v.split('#')
        return [k, `#/components/schemas/${target ? componentOf(target) : self}${pointer}`]
      }),
    )
  }
  const { $schema: _s, $id: _i, ...schema } = readSchema(file)
  return rewrite(schema) as Record<string, unknown>
}

/** The request or response schema the registry names for the endpoint, as a component, once its file exists. */
function endpointSchema(e: EndpointInfo, kind: Kind): Record<string, unknown> | undefined {
  const file = kind === 'Request' ? e.request_schema : e.response_schema
  return file && existsSync(join(SCHEMAS, file)) ? asComponent(file) : undefined
}

/** The schema files the response schemas `$ref` besides their own (the vendor's error envelope). */
function sharedSchemaFiles(vendor: Vendor): string[] {
  const files = new Set<string>()
  for (const e of endpoints.filter((x) => x.vendor === vendor)) {
    const file = e.response_schema
    const text = file && existsSync(join(SCHEMAS, file)) ? readFileSync(join(SCHEMAS, file), 'utf8') : ''
    for (const m of text.matchAll(/"\$ref": "([^"#]+\.schema\.json)/g))
      if (!m[1]!.endsWith('.response.schema.json')) files.add(m[1]!)
  }
  return [...files].sort()
}

function describeCodes(codes: number[], catalogue: Map<number, ErrorEntry>): string {
  return codes
    .map((c) => {
      const e = catalogue.get(c)
      return `- ${c}: ${e?.message ?? '?'}${e?.name && e.name !== e.message ? ` (${e.name})` : ''}${e?.inferred ? ' [inferred]' : ''}`
    })
    .join('\n')
}

function operation(e: EndpointInfo, catalogue: Map<number, ErrorEntry>) {
  const codes = codesOf(e)
  const op: Record<string, unknown> = {
    operationId: e.id.replace(/[^a-zA-Z0-9]+(.)/g, (_, c: string) => c.toUpperCase()),
    summary: e.summary,
    description: `Source: ${e.doc}. Kind: ${e.kind}.`,
    tags: [e.kind],
    externalDocs: e.doc.startsWith('http') ? { url: e.doc } : undefined,
  }
  if (e.auth === 'wecom') op.security = [{ accessToken: [] }]
  else if (e.auth === 'feishu-user') op.security = [{ userAccessToken: [] }]
  else if (e.auth === 'feishu-app') op.security = [{ appAccessToken: [] }]
  else op.security = []
  const params: Record<string, unknown>[] = []
  for (const m of e.path.matchAll(/:([a-z_]+)/g))
    params.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })
  for (const name of e.query ?? []) params.push({ name, in: 'query', required: true, schema: { type: 'string' } })
  if (params.length) op.parameters = params
  if (e.method === 'POST') {
    op.requestBody = {
      required: true,
      content: {
        'application/json': {
          schema: endpointSchema(e, 'Request')
            ? { $ref: `#/components/schemas/${schemaName(e.id, 'Request')}` }
            : { type: 'object' },
        },
      },
    }
  }
  // The endpoint's response schema (its success body or the vendor's envelope), narrowed to the codes this status carries.
  const body = (field: 'errcode' | 'code', list: number[]) => ({
    allOf: [
      endpointSchema(e, 'Response')
        ? { $ref: `#/components/schemas/${schemaName(e.id, 'Response')}` }
        : { type: 'object' },
      { type: 'object', properties: { [field]: { type: 'integer', enum: list } } },
    ],
  })
  if (e.vendor === 'wecom') {
    op.responses = {
      '200': {
        description: `HTTP 200 for success and every business error; the outcome is errcode.\n\n${describeCodes(codes, catalogue)}`,
        content: { 'application/json': { schema: body('errcode', [0, ...codes]) } },
      },
    }
  } else {
    const byStatus = new Map<number, number[]>()
    for (const c of codes) {
      const status = catalogue.get(c)?.status ?? 400
      byStatus.set(status, [...(byStatus.get(status) ?? []), c])
    }
    const ok = byStatus.get(200) ?? []
    const responses: Record<string, unknown> = {
      '200': {
        description: `Success (token endpoints also answer their refusals with HTTP 200).${ok.length ? `\n\n${describeCodes(ok, catalogue)}` : ''}`,
        content: { 'application/json': { schema: body('code', [0, ...ok]) } },
      },
    }
    for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
      if (status === 200) continue
      responses[String(status)] = {
        description: describeCodes(list, catalogue),
        content: { 'application/json': { schema: body('code', list) } },
      }
    }
    responses['404'] ??= {
      description: 'Unknown path or wrong method: text/plain "404 page not found".',
      content: { 'text/plain': { schema: { type: 'string' } } },
    }
    op.responses = responses
  }
  return JSON.parse(JSON.stringify(op)) as Record<string, unknown>
}

export function openapiDocument(vendor: Vendor): Record<string, unknown> {
  const catalogue = errorCatalogue(vendor)
  const paths: Record<string, Record<string, unknown>> = {}
  for (const e of endpoints.filter((x) => x.vendor === vendor)) {
    const path = e.path.replace(/:([a-z_]+)/g, '{$1}')
    paths[path] = { ...paths[path], [e.method.toLowerCase()]: operation(e, catalogue) }
  }
  const wecom = vendor === 'wecom'
  return {
    openapi: '3.1.0',
    info: {
      title: wecom ? 'WeCom (企业微信) meeting, schedule and meeting-mail APIs' : 'Feishu (飞书) mail send API',
      version: '0.1.0',
      description: `Generated by scripts/gen-openapi.ts (worksuite-mock) from contracts/: do not edit. ${
        wecom
          ? 'Every answer is HTTP 200 with {errcode, errmsg}; the token goes in the access_token query parameter only.'
          : 'Real HTTP statuses with {code, msg, error}; the mail APIs take a user_access_token as Authorization: Bearer.'
      }`,
    },
    servers: [
      { url: wecom ? 'https://qyapi.weixin.qq.com' : 'https://open.feishu.cn', description: 'live' },
      { url: 'http://127.0.0.1:4010', description: 'worksuite-mock stub server (npm start)' },
    ],
    paths,
    components: {
      schemas: Object.fromEntries([
        ...endpoints.flatMap((x) =>
          x.vendor !== vendor
            ? []
            : (['Request', 'Response'] as const).flatMap((kind) => {
                const schema = endpointSchema(x, kind)
                return schema ? [[schemaName(x.id, kind), schema] as const] : []
              }),
        ),
        ...sharedSchemaFiles(vendor).map((file) => [componentOf(file), asComponent(file)] as const),
      ]),
      securitySchemes: wecom
        ? { accessToken: { type: 'apiKey', in: 'query', name: 'access_token' } }
        : {
            userAccessToken: { type: 'http', scheme: 'bearer', description: 'user_access_token' },
            appAccessToken: {
              type: 'http',
              scheme: 'bearer',
              description: "app_access_token (a self-built app's tenant_access_token is the same token)",
            },
          },
    },
  }
}

export function openapiText(vendor: Vendor): string {
  return `${JSON.stringify(openapiDocument(vendor), null, 2)}\n`
}

if (import.meta.url === `file://${process.argv[1]}`)
  writeOrCheck(
    'scripts/gen-openapi.ts',
    (['wecom', 'feishu'] as const).map((vendor) => ({ path: OPENAPI_FILES[vendor], text: openapiText(vendor) })),
  )
