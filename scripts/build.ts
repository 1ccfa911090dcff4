/**
 * `npm run build` (and `prepack`): dist/ from nothing, as the package ships it. tsc emits the JavaScript,
 * the declarations and the JSON files the code imports; the JSON the code reads at run time (the contract
 * cases, every schema, the OpenAPI documents) is copied next to it, at the paths dist code expects.
 * Declarations keep the sources' `.ts` import paths: they become `.js`, the files beside them, which every
 * compiler and declaration tool resolves. Those that use Node's types say so (`/// <reference types="node" />`):
 * TypeScript 6 and later no longer load @types/node unless told. The settings' validator and the endpoints'
 * request validators are precompiled (ajv standalone code), so the bin checks its flags and its requests
 * without loading ajv or compiling a schema at run time. The bin's server (src/cli-main.ts and everything it
 * loads) is then bundled with esbuild into dist/src/cli.js and its chunks in dist/src/bin/ (`bundleBin`).
 * Runs on Node ≥ 22.12, no loader: `node scripts/build.ts`.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build as esbuild, type Plugin } from 'esbuild'
import { AJV_OPTIONS } from '../src/core/schema.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')

/** The precompiled settings validator, where src/core/config.ts requires it (PRECOMPILED_CONFIG_VALIDATOR). */
export const CONFIG_VALIDATOR = 'src/generated/config-validator.cjs'

/** The precompiled request validators, where src/core/schema.ts requires them (PRECOMPILED_REQUEST_VALIDATORS). */
export const REQUEST_VALIDATORS = 'src/generated/request-validators.cjs'

/** Folders of JSON that dist code reads by path (readdirSync), not by import. */
export const ASSETS = ['contracts/cases', 'contracts/schemas', 'contracts/openapi', 'contracts/rules', 'src/console/ui']

/** The error catalogues, read on first use by src/core/errors.ts, not imported (so tsc does not copy them). */
export const CATALOGUES = ['contracts/errors/wecom.json', 'contracts/errors/feishu.json']

/** `from './x.ts'`, `import('./x.ts')` and `declare module './x.ts'` → `.js`: relative specifiers only, package names stay. */
export function jsSpecifiers(dts: string): string {
  return dts.replace(/((?:from|import|declare module)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g, '$1$2$3.js$2')
}

const NODE_TYPES = /from ['"]node:|import\(['"]node:|\bNodeJS\./

/** The declaration as it ships: `.js` specifiers, and Node's types referenced where it uses them. */
export function shippedDeclaration(dts: string): string {
  const fixed = jsSpecifiers(dts)
  return NODE_TYPES.test(fixed) && !fixed.includes('<reference types="node"')
    ? `/// <reference types="node" />\n${fixed}`
    : fixed
}

/**
 * ajv's standalone CommonJS code for config.schema.json, with the options `fullValidatorFor` compiles it with
 * (every error, and AJV_OPTIONS: not strict about schemas, strict about numbers): the same verdicts and error
 * objects, no compile at run time.
 */
export function configValidatorCode(): string {
  const require = createRequire(import.meta.url)
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
  const standalone = (require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default
  const schema = JSON.parse(readFileSync(join(root, 'contracts/schemas/config.schema.json'), 'utf8')) as object
  const ajv = new Ajv2020({ ...AJV_OPTIONS, allErrors: true, code: { source: true } })
  return standalone(ajv, ajv.compile(schema))
}

/** The schema files a schema `$ref`s besides itself, as src/core/registry.ts finds them. */
function filesReferenced(node: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) for (const v of node) filesReferenced(v, out)
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) out.add(v.split('#')[0]!)
      else filesReferenced(v, out)
    }
  return out
}

/**
 * ajv's standalone CommonJS code for every endpoint's request schema (contracts/endpoints.json), one export per
 * schema `$id`, with the options `validatorFor` compiles them with (first error, and AJV_OPTIONS) and
 * the schemas they `$ref` known first: the same verdicts and error objects, and no ajv at run time.
 */
export function requestValidatorsCode(): string {
  const require = createRequire(import.meta.url)
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
  const standalone = (require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default
  const dir = join(root, 'contracts/schemas')
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as { $id: string }
  const registry = JSON.parse(readFileSync(join(root, 'contracts/endpoints.json'), 'utf8')) as {
    endpoints: { request_schema?: string | null }[]
  }
  const ajv = new Ajv2020({ ...AJV_OPTIONS, allErrors: false, code: { source: true } })
  const exports: Record<string, string> = {}
  for (const file of new Set(registry.endpoints.map((e) => e.request_schema).filter((f): f is string => !!f))) {
    const schema = read(file)
    for (const other of filesReferenced(schema)) {
      const shared = read(other)
      if (!ajv.getSchema(shared.$id)) ajv.addSchema(shared)
    }
    if (!ajv.getSchema(schema.$id)) ajv.addSchema(schema)
    exports[schema.$id] = schema.$id
  }
  return standalone(ajv, exports)
}

/** Where the bin's chunks go: one folder below dist/src, as deep as src/core or src/console, see `bundleBin`. */
export const BIN_CHUNKS = 'src/bin'

/** What src/cli.ts loads besides the server: left as the per-module files tsc wrote (their own path reads). */
const UNBUNDLED_COMMANDS = ['../contracts/runner/cli.js', './cli-report.js', './version.js']

/**
 * Bundles the bin: tsc's dist/src/cli.js becomes one module whose server (`import('./cli-main.js')`) is a
 * chunk in dist/src/bin/, with code splitting so what loads lazily still does (Express and the control plane
 * on the first /__mock request, the console, the proxy; packages stay imports of node_modules). Loading some
 * hundred ES modules (resolving, reading, linking each) was over half of a cold start's CPU. The chunks sit
 * at the depth of dist/src/core, so the paths the code reads relative to import.meta.url
 * (`../generated/*.cjs`, `../../contracts/rules/`) reach the same files. The other commands (contracts,
 * report, --version) stay the unbundled files: they are no start-up path, and the contract runner reads its
 * cases relative to itself. The library's entry points (package.json `exports`) are unbundled too.
 */
export async function bundleBin(dir: string = dist): Promise<void> {
  const cli = join(dir, 'src/cli.js')
  const keepCommands: Plugin = {
    name: 'keep-commands',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) =>
        args.importer === cli && UNBUNDLED_COMMANDS.includes(args.path)
          ? { path: args.path, external: true }
          : undefined,
      )
    },
  }
  await esbuild({
    entryPoints: [cli],
    outdir: join(dir, 'src'),
    allowOverwrite: true,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    chunkNames: `${BIN_CHUNKS.slice('src/'.length)}/[name]-[hash]`,
    plugins: [keepCommands],
    logLevel: 'warning',
  })
}

function declarations(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.d.ts'))
    .map((f) => join(dir, f))
}

export async function build(): Promise<void> {
  rmSync(dist, { recursive: true, force: true })
  const tsc = join(root, 'node_modules/typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root })
  for (const dir of ASSETS) cpSync(join(root, dir), join(dist, dir), { recursive: true })
  for (const file of CATALOGUES) cpSync(join(root, file), join(dist, file))
  writeFileSync(join(dist, CONFIG_VALIDATOR), configValidatorCode())
  writeFileSync(join(dist, REQUEST_VALIDATORS), requestValidatorsCode())
  for (const file of declarations(dist)) {
    const text = readFileSync(file, 'utf8')
    const fixed = shippedDeclaration(text)
    if (fixed !== text) writeFileSync(file, fixed)
  }
  await bundleBin()
  chmodSync(join(dist, 'src/cli.js'), 0o755)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build()
