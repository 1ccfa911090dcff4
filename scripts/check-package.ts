/**
 * `npm run check:package` (CI runs it after `npm test`): the package as a new user gets it. Packs the
 * tarball, installs it into a scratch project (in a folder whose name has a space), and proves there:
 *
 *   - the tarball holds dist/, the docs the README links and the vendor docs' example requests the docs' curl
 *     commands send (fixtures/wecom|feishu/**.json), and nothing of test/, bench/, scripts/, .ci/ or the TypeScript sources;
 *   - every export imports under plain Node (this Node, ≥ 22.12, no loader), with no side effect (nothing
 *     printed, no handle left open, fetch untouched), and the MSW, client and contracts entry points
 *     never load Express;
 *   - a strict TypeScript consumer (nodenext, skipLibCheck false, no allowImportingTsExtensions) compiles
 *     with 0 errors, the README's examples included;
 *   - the README's vitest + MSW example and its Express example pass as written (taken from README.md by
 *     their `<!-- package-check: … -->` markers);
 *   - the bin runs its bundle (dist/src/cli.js and dist/src/bin/, no per-module file of dist/), with the
 *     build's precompiled validators and without ajv's compiler;
 *   - `npx worksuite-mock --help` and `--version`; `npx worksuite-mock` answering /__mock/health and
 *     /__mock/health/ready and serving the web console; `npx worksuite-mock contracts --target <that server>`
 *     passing.
 *
 *   npm run check:package                 the whole check, scratch project removed at the end
 *   npm run check:package -- --keep       keep the scratch project (its path is printed)
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { childEnv, installInto, packTarball, root } from './scratch-package.ts'

const keep = process.argv.includes('--keep')
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`check:package needs Node ≥ 22.12 (this is ${process.version}): run it as npm run check:package`)
  process.exit(2)
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string
  exports: Record<string, unknown>
}
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json')
const specifier = (sub: string) => (sub === '.' ? 'worksuite-mock' : `worksuite-mock/${sub.slice(2)}`)

/** Names each entry point must export (a smoke test of the exports map against the entry files). */
const EXPECTED: Record<string, string[]> = {
  '.': ['createEmulator', 'Emulator', 'defaultSeed', 'startStubServer', 'expressMiddleware'],
  './mocks': ['createEmulator', 'handlers', 'control', 'createHandlers'],
  './contracts': ['runContracts', 'loadCases', 'urlTarget', 'emulatorTarget', 'liveTarget', 'junitXml'],
  './contracts/vitest': ['contractTests'],
  './client': ['createWecomClient', 'createFeishuClient', 'fetchClient'],
  './server': ['startStubServer', 'createStubServer', 'expressMiddleware', 'HEALTH_PATH', 'READY_PATH'],
}
/** Entry points that load Express on import: the others must not. */
const LOADS_EXPRESS = new Set(['.', './server'])

let passed = 0
let failed = 0
async function step(name: string, fn: () => Promise<void> | void): Promise<void> {
  const t0 = performance.now()
  try {
    await fn()
    passed++
    console.log(`✓ ${name} (${Math.round(performance.now() - t0)} ms)`)
  } catch (e) {
    failed++
    console.log(`✗ ${name}\n    ${String((e as Error).message ?? e).replace(/\n/g, '\n    ')}`)
  }
}

function assert(ok: unknown, message: string): asserts ok {
  if (!ok) throw new Error(message)
}

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a command in the scratch project, bounded in time; never throws. */
function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const timer = setTimeout(() => killGroup(child), timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    if (child.pid) process.kill(-child.pid, signal)
  } catch {}
}

function failure(r: Run): string {
  return `exit ${r.code}\n${(r.stdout + r.stderr).trim().slice(-3000)}`
}

/**
 * The fixtures/ files README.md and docs/*.md send or name as example requests (`@fixtures/….json`,
 * `` `fixtures/….json` ``; a bare `name.json` after one in the same cell is in its folder), the seed aside
 * (it ships as dist/fixtures/seed/default.json, which the bin reads).
 */
function exampleFixtures(): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'))
  const texts = [
    readFileSync(join(root, 'README.md'), 'utf8'),
    ...docs.map((f) => readFileSync(join(root, 'docs', f), 'utf8')),
  ]
  const out = new Set<string>()
  for (const text of texts)
    for (const line of text.split('\n')) {
      let folder = ''
      for (const [, path, bare] of line.matchAll(/[@`](fixtures\/[\w./-]+\.json)|`([\w.-]+\.json)`/g)) {
        if (path) {
          folder = path.slice(0, path.lastIndexOf('/') + 1)
          if (!path.startsWith('fixtures/seed/')) out.add(path)
        } else if (folder && !folder.startsWith('fixtures/seed/')) out.add(folder + bare)
      }
    }
  return [...out].sort()
}

/** The first fenced block after the README's `<!-- package-check: name … -->` marker. */
function readmeBlock(name: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const at = readme.indexOf(`<!-- package-check: ${name} `)
  assert(at !== -1, `README.md has no <!-- package-check: ${name} --> marker`)
  const m = /```ts\n([\s\S]*?)\n```/.exec(readme.slice(at))
  assert(m, `no \`\`\`ts block after the ${name} marker`)
  return `${m[1]}\n`
}

/** The plain-Node probe of one entry point: what it exports, and what importing it did. */
function importProbe(spec: string): string {
  return `
    import { createRequire } from 'node:module'
    const fetchBefore = globalThis.fetch
    const mod = await import(${JSON.stringify(spec)})
    await new Promise((r) => setImmediate(r))
    const express = Object.keys(createRequire(import.meta.url).cache).some((k) => /[\\\\/]node_modules[\\\\/]express[\\\\/]/.test(k))
    // Stdio itself is no side effect: Express's and msw's dependencies open it to ask whether it is a terminal.
    const resources = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap')
    process.stdout.write(JSON.stringify({ names: Object.keys(mod), express, resources, fetchSame: globalThis.fetch === fetchBefore }))
  `
}

/**
 * The installed bin (its dist/src/cli.js, under plain Node) with a preload that records every file it loads:
 * ES modules through a resolve hook (module.registerHooks, Node ≥ 22.15; without it only CommonJS is seen),
 * CommonJS from require.cache, written when the server exits. Started with --data-dir and --proxy-port (the
 * lazily loaded node:sqlite store, proxy chunk and local CA), asked for /__mock/health/ready (every request
 * validator loaded), for a WeCom error directly and through the proxy (the catalogue, read on first use), and
 * by `worksuite-mock report`; then stopped with SIGTERM.
 */
async function bundleProbe(project: string): Promise<{
  loaded: string[]
  hooks: boolean
  esmSeen: boolean
  errcode: unknown
  proxied: unknown
  report: Run
  stateKept: boolean
}> {
  const out = join(project, 'bundle-probe.json')
  const preload = join(project, 'bundle-probe.mjs')
  writeFileSync(
    preload,
    `import module, { createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
const esm = []
const hooks = typeof module.registerHooks === 'function'
if (hooks) module.registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); if (r.url.startsWith('file:')) esm.push(fileURLToPath(r.url)); return r } })
process.on('exit', () => writeFileSync(${JSON.stringify(out)}, JSON.stringify({ hooks, esm, cjs: Object.keys(createRequire(import.meta.url).cache) })))
`,
  )
  const bin = join(project, 'node_modules/worksuite-mock/dist/src/cli.js')
  const state = join(project, 'bundle-probe-state')
  const args = ['--import', pathToFileURL(preload).href, bin, '--port', '0', '--data-dir', state, '--proxy-port', '0']
  const child = spawn(process.execPath, args, {
    cwd: project,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr.on('data', (d) => {
    output += d
  })
  try {
    const [url, proxy] = await new Promise<[string, string]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner within 30 s: ${output}`)), 30_000)
      child.stdout.on('data', (d) => {
        output += d
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Proxy: +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)
        if (m) {
          clearTimeout(timer)
          resolve([m[1]!, m[2]!])
        }
      })
      child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${output}`)))
    })
    let ready = 0
    for (let i = 0; i < 100 && ready !== 200; i++) {
      ready = (await fetch(`${url}/__mock/health/ready`)).status
      if (ready !== 200) await new Promise((r) => setTimeout(r, 50))
    }
    assert(ready === 200, `/__mock/health/ready answered ${ready}`)
    const { errcode } = (await (await fetch(`${url}/cgi-bin/gettoken?corpid=x`)).json()) as { errcode: unknown }
    const proxied = await proxiedErrcode(proxy, 'http://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=x')
    const report = await run('npx', ['worksuite-mock', 'report', '--target', url], project)
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
    const probe = JSON.parse(readFileSync(out, 'utf8')) as { hooks: boolean; esm: string[]; cjs: string[] }
    return {
      loaded: [...new Set([...probe.esm, ...probe.cjs])],
      hooks: probe.hooks,
      esmSeen: probe.esm.length > 0,
      errcode,
      proxied,
      report,
      stateKept: readdirSync(state).some((f) => f.endsWith('.sqlite')),
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}

/** An absolute-form request through the HTTP proxy at `proxy`: the errcode of its JSON answer. */
function proxiedErrcode(proxy: string, target: string): Promise<unknown> {
  const { hostname, port } = new URL(proxy)
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: target, headers: { host: new URL(target).host } }, (res) => {
      let body = ''
      res.on('data', (d) => {
        body += d
      })
      res.on('end', () => {
        try {
          resolve((JSON.parse(body) as { errcode?: unknown }).errcode)
        } catch {
          reject(new Error(`the proxy answered ${res.statusCode}: ${body.slice(0, 200)}`))
        }
      })
    })
    req.on('error', reject)
    req.end()
  })
}

async function main(): Promise<void> {
  const t0 = performance.now()
  const base = mkdtempSync(join(tmpdir(), 'worksuite-mock-package-'))
  const project = join(base, 'consumer project')
  let server: ChildProcess | undefined
  try {
    let tarball = ''
    await step(
      'npm pack: the tarball holds dist/, the docs the README links, the example requests the docs send and nothing else',
      () => {
        const packed = packTarball(base)
        tarball = packed.file
        const stray = packed.files.filter(
          (f) =>
            !/^(dist\/|docs\/|contracts\/coverage\.md$|fixtures\/(wecom|feishu)\/.*\.json$|package\.json$|README\.md$|LICENSE)/.test(
              f,
            ) ||
            /\.map$/.test(f) ||
            /^dist\/(test|bench|scripts|fixtures\/(?!seed\/))/.test(f),
        )
        assert(stray.length === 0, `unexpected files in the tarball: ${stray.slice(0, 10).join(', ')}`)
        // The README's links resolve in node_modules/worksuite-mock too: its docs ship beside it.
        const linked = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/\]\(((?:docs|contracts)\/[^)#]+)/g)]
        for (const [, f] of linked) assert(packed.files.includes(f!), `the README links ${f}, which the tarball lacks`)
        // The files the docs' curl commands send (`--data-binary @fixtures/…`, and the examples' table) are
        // there too, at the same path from node_modules/worksuite-mock as from a clone's root.
        const sent = exampleFixtures()
        assert(sent.length > 0, 'the docs name no fixtures/ file: the check below proves nothing')
        for (const f of sent) assert(packed.files.includes(f), `the docs send ${f}, which the tarball lacks`)
        for (const f of [
          'dist/src/cli.js',
          'dist/contracts/cases/auth.wecom.json',
          'dist/contracts/errors/wecom.json',
          'dist/contracts/errors/feishu.json',
          'dist/fixtures/seed/default.json',
        ])
          assert(packed.files.includes(f), `the tarball lacks ${f}`)
        assert(
          packed.files.some((f) => f.startsWith('dist/src/bin/cli-main-')),
          "the tarball lacks the bin's bundle (dist/src/bin/cli-main-*.js)",
        )
        assert(packed.version === pkg.version, `packed version ${packed.version}`)
      },
    )
    assert(tarball, 'no tarball: nothing else can be checked')

    await step('npm install of the tarball into a scratch project (with typescript, vitest, @types/*)', () => {
      installInto(project, tarball, ['typescript', 'vitest', 'msw', 'express', '@types/express', '@types/node'])
    })

    for (const sub of subpaths) {
      await step(`plain Node ${process.versions.node} imports ${specifier(sub)}, with no side effect`, async () => {
        const r = await run(process.execPath, ['--input-type=module', '-e', importProbe(specifier(sub))], project)
        assert(r.code === 0 && r.stderr === '', failure(r))
        const probe = JSON.parse(r.stdout) as {
          names: string[]
          express: boolean
          resources: string[]
          fetchSame: boolean
        }
        const missing = (EXPECTED[sub] ?? []).filter((n) => !probe.names.includes(n))
        assert(missing.length === 0, `missing exports: ${missing.join(', ')} (has ${probe.names.join(', ')})`)
        assert(probe.resources.length === 0, `left open on import: ${probe.resources.join(', ')}`)
        assert(probe.fetchSame, 'importing it replaced globalThis.fetch')
        if (!LOADS_EXPRESS.has(sub)) assert(!probe.express, `${specifier(sub)} loads Express`)
        // The probe's own control: where Express is loaded, it must see it (else "never loads" proves nothing).
        else assert(probe.express, `the probe did not see Express under ${specifier(sub)}: update LOADS_EXPRESS`)
      })
    }

    const msw = readmeBlock('readme-msw')
    const expressExample = readmeBlock('readme-express')
    mkdirSync(join(project, 'test'), { recursive: true })
    writeFileSync(join(project, 'test', 'readme-msw.test.ts'), msw)
    writeFileSync(join(project, 'readme-express.ts'), expressExample)
    await step('a strict TypeScript consumer (nodenext, skipLibCheck false) compiles with 0 errors', async () => {
      const imports = subpaths.map((s, i) => `import * as entry${i} from '${specifier(s)}'`).join('\n')
      writeFileSync(
        join(project, 'consumer.ts'),
        `${imports}
import { createEmulator, createHandlers, type Emulator } from 'worksuite-mock/mocks'
import { type ContractClient, runContracts, type Target, urlTarget } from 'worksuite-mock/contracts'
import { createWecomClient, fetchClient } from 'worksuite-mock/client'
import { startStubServer, type StubServer } from 'worksuite-mock/server'

export const entries = [${subpaths.map((_, i) => `entry${i}`).join(', ')}]
export const emulator: Emulator = createEmulator({ fakerSeed: 1 })
export const handlers = createHandlers(emulator)
// The feature modules' control operations (declared by augmentation in their own files) type-check too.
export const readBacks = [
  emulator.control.meetings(),
  emulator.control.wecomSchedules(),
  emulator.control.wecomCalendars(),
  emulator.control.wecomMailbox('lisi@example.com'),
  emulator.control.mailbox('user@xxx.xx'),
  emulator.control.report(),
]
export const wecom = createWecomClient({ baseUrl: 'http://127.0.0.1:3000' })
export const mine = (target: Target): ContractClient => ({ ...fetchClient({ baseUrls: target.baseUrls }), name: 'mine' })
export async function probe(): Promise<number> {
  const server: StubServer = await startStubServer(createEmulator(), { port: 0 })
  const report = await runContracts({ target: await urlTarget(server.url), client: mine, filter: 'auth' })
  await server.close()
  return report.summary.failed
}
`,
      )
      writeFileSync(
        join(project, 'tsconfig.json'),
        `${JSON.stringify(
          {
            compilerOptions: {
              target: 'es2023',
              module: 'nodenext',
              moduleResolution: 'nodenext',
              strict: true,
              skipLibCheck: false,
              noEmit: true,
            },
            include: ['consumer.ts', 'readme-express.ts', 'test'],
          },
          null,
          2,
        )}\n`,
      )
      const tsc = join(project, 'node_modules/typescript/bin/tsc')
      const r = await run(process.execPath, [tsc, '-p', '.'], project)
      assert(r.code === 0, failure(r))
      // The package's own types alone: nothing of the README's imports (msw, express) brings in @types/node.
      writeFileSync(
        join(project, 'tsconfig.entries.json'),
        `${JSON.stringify({ extends: './tsconfig.json', include: ['consumer.ts'] }, null, 2)}\n`,
      )
      const alone = await run(process.execPath, [tsc, '-p', 'tsconfig.entries.json'], project)
      assert(alone.code === 0, failure(alone))
    })

    await step("the README's vitest + MSW example passes as written", async () => {
      const r = await run(process.execPath, [join(project, 'node_modules/vitest/vitest.mjs'), 'run'], project)
      assert(r.code === 0 && /1 passed/.test(r.stdout), failure(r))
    })

    await step("the README's Express example serves the vendor paths as written", async () => {
      // The example as written, then a probe: the app it built answers a WeCom token request on its mount.
      writeFileSync(
        join(project, 'readme-express.mjs'),
        `${expressExample}
import { once as onceForProbe } from 'node:events'
const probeServer = app.listen(0, '127.0.0.1')
await onceForProbe(probeServer, 'listening')
const probeUrl = 'http://127.0.0.1:' + probeServer.address().port + '/vendor/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014'
const probeBody = await (await fetch(probeUrl)).json()
probeServer.close()
if (probeBody.errcode !== 0) throw new Error('gettoken through the mounted emulator: ' + JSON.stringify(probeBody))
`,
      )
      const r = await run(process.execPath, ['readme-express.mjs'], project)
      assert(r.code === 0, failure(r))
    })

    await step('npx worksuite-mock --help, --version, and a bad setting refused with exit 2', async () => {
      const help = await run('npx', ['worksuite-mock', '--help'], project)
      assert(help.code === 0 && help.stdout.includes('Usage: worksuite-mock [serve] [options]'), failure(help))
      const version = await run('npx', ['worksuite-mock', '--version'], project)
      assert(version.code === 0 && version.stdout.trim() === pkg.version, failure(version))
      // The installed bin checks settings with the build's precompiled validator: a bad one is refused, named.
      const bad = await run('npx', ['worksuite-mock', '--journal.maxEntries=-5', '--port', '0'], project)
      assert(bad.code === 2 && bad.stderr.includes('journal.maxEntries: must be >= 0'), failure(bad))
    })

    let url = ''
    await step('npx worksuite-mock starts and answers /__mock/health, then /__mock/health/ready', async () => {
      server = spawn('npx', ['worksuite-mock', '--port', '0', '--quiet'], {
        cwd: project,
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      })
      let out = ''
      server.stderr!.on('data', (d) => {
        out += d
      })
      url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 30 s: ${out}`)), 30_000)
        server!.stdout!.on('data', (d) => {
          out += d
          const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out)
          if (m) {
            clearTimeout(timer)
            resolve(m[0])
          }
        })
        server!.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)))
      })
      for (const path of ['/__mock/health', '/__mock/health/ready']) {
        let status = 0
        for (let i = 0; i < 100 && status !== 200; i++) {
          status = await fetch(url + path).then(
            (r) => r.status,
            () => 0,
          )
          if (status !== 200) await new Promise((r) => setTimeout(r, 50))
        }
        assert(status === 200, `${path} answered ${status}`)
      }
    })

    await step(
      "the installed bin runs its bundle (with --data-dir, --proxy-port, report): no per-module file of dist/ loaded, the build's validators, no ajv compiler",
      async () => {
        const r = await bundleProbe(project)
        const dist = join(project, 'node_modules/worksuite-mock/dist/')
        const own = r.loaded.filter((f) => f.startsWith(dist)).map((f) => f.slice(dist.length))
        const stray = own.filter((f) => f !== 'src/cli.js' && !/^src\/(bin\/[^/]+\.js|generated\/[^/]+\.cjs)$/.test(f))
        assert(r.esmSeen || !r.hooks, 'the probe saw no ES module: it proves nothing')
        assert(stray.length === 0, `the bin loaded per-module files of dist/: ${stray.slice(0, 10).join(', ')}`)
        for (const f of ['src/generated/config-validator.cjs', 'src/generated/request-validators.cjs'])
          assert(own.includes(f), `the bin did not load ${f} (loaded: ${own.join(', ')})`)
        const compiler = r.loaded.filter((f) => /[\\/]ajv[\\/]dist[\\/](2020|core|ajv)\.js$/.test(f))
        assert(compiler.length === 0, `the bin loaded ajv's compiler: ${compiler.join(', ')}`)
        assert(r.errcode === 41004, `a WeCom error from the bundle (its catalogue read on first use): ${r.errcode}`)
        assert(r.proxied === 41004, `a WeCom error through the bundle's proxy (--proxy-port): ${String(r.proxied)}`)
        assert(r.stateKept, 'no SQLite file in --data-dir')
        assert(r.report.code === 0 && /requests since the last reset/.test(r.report.stdout), failure(r.report))
      },
    )

    await step('a bin that is killed, never exiting, still fills its compile cache once it listens', async () => {
      const cache = mkdtempSync(join(tmpdir(), 'worksuite-mock-compile-cache-'))
      const bin = spawn(join(project, 'node_modules/.bin/worksuite-mock'), ['--port', '0', '--quiet'], {
        cwd: project,
        env: { ...childEnv(), NODE_COMPILE_CACHE: cache },
        stdio: 'ignore',
        detached: true,
      })
      try {
        let files = 0
        for (let i = 0; i < 300 && files === 0 && bin.exitCode === null; i++) {
          await new Promise((r) => setTimeout(r, 100))
          files = readdirSync(cache, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length
        }
        assert(files > 0, `nothing in ${cache} after 30 s (exit ${bin.exitCode})`)
      } finally {
        killGroup(bin)
        rmSync(cache, { recursive: true, force: true })
      }
    })

    await step(
      'the installed server serves the web console, its scripts and the rules it names (/__mock/ui/)',
      async () => {
        assert(url, 'no server to run against')
        const page = await fetch(`${url}/__mock/ui/`)
        const html = await page.text()
        assert(page.status === 200 && html.includes('<script'), `/__mock/ui/ answered ${page.status}`)
        const src = /<script[^>]*src="([^"]+)"/.exec(html)?.[1]
        assert(src, 'the console page names no script')
        const script = await fetch(new URL(src, `${url}/__mock/ui/`))
        assert(script.status === 200, `${src} answered ${script.status}`)
        // The console names a refusal's rule and doc from the rule files: they must ship with the package.
        const rules = (await (await fetch(`${url}/__mock/rules`)).json()) as Record<string, unknown>
        assert('wecom.meeting.create.title.length' in rules, `/__mock/rules lists ${Object.keys(rules).length} rules`)
      },
    )

    await step(
      'npx worksuite-mock contracts --target <that server> passes (responses validated, JUnit written)',
      async () => {
        assert(url, 'no server to run against')
        const junit = join(project, 'reports', 'contracts.xml')
        const r = await run(
          'npx',
          ['worksuite-mock', 'contracts', '--target', url, '--validate-responses', '--junit', junit],
          project,
          180_000,
        )
        assert(r.code === 0, failure(r))
        assert(/ 0 failed/.test(r.stdout), failure(r))
        assert(/failures="0"/.test(readFileSync(junit, 'utf8')), 'the JUnit report shows failures')
      },
    )
  } finally {
    if (server && server.exitCode === null) {
      killGroup(server, 'SIGTERM')
      await Promise.race([once(server, 'exit'), new Promise((r) => setTimeout(r, 3000))])
      killGroup(server)
    }
    if (keep) console.log(`scratch project kept: ${project}`)
    else rmSync(base, { recursive: true, force: true })
  }
  console.log(`\npackage check: ${passed} passed, ${failed} failed (${Math.round((performance.now() - t0) / 1000)} s)`)
  process.exitCode = failed > 0 ? 1 : 0
}

await main()
