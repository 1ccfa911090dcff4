/**
 * On a Node older than package.json's engines (22.12), which npm only warns about (EBADENGINE): the bin says
 * so in one line and how to fix it, and `worksuite-mock/mocks` refuses at import, naming the version, rather
 * than let MSW fail later with `Promise.withResolvers is not a function`. Run on the machine's own older Node
 * (the first `node` on PATH outside node_modules) where there is one; skipped where that Node is new enough.
 */
import { execFileSync, spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { expect, test } from 'vitest'
import { CLI_TIMEOUT, finished, stopCli, waitForUrl } from './support/cli.ts'

/** The PATH's own node (npm scripts and npx put node_modules' Node 22 first): its path and version. */
function pathNode(): { bin: string; version: string } | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.includes('node_modules')) continue
    const bin = join(dir, 'node')
    try {
      accessSync(bin, constants.X_OK)
    } catch {
      continue
    }
    return { bin, version: execFileSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim() }
  }
  return undefined
}

const old = pathNode()
const [major = 0, minor = 0] = (old?.version ?? '0.0').split('.').map(Number)
const tooOld = old !== undefined && (major < 22 || (major === 22 && minor < 12))

function onOldNode(args: string[]) {
  return spawn(old!.bin, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
}

test.skipIf(!tooOld)(
  `the bin on Node ${old?.version} says in one line that it needs 22.12 and how to get it, then serves`,
  async () => {
    const child = onOldNode(['src/cli.ts', '--port', '0', '--quiet'])
    let stderr = ''
    child.stderr!.on('data', (d) => {
      stderr += d
    })
    const url = await waitForUrl(child)
    expect((await fetch(`${url}/__mock/health`)).status).toBe(200)
    expect(await stopCli(child)).toBe(0)
    const lines = stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(`Node ${old!.version}`)
    expect(lines[0]).toContain('22.12')
    expect(lines[0]).toContain('npm i -D node@22')
  },
  CLI_TIMEOUT,
)

test.skipIf(!tooOld)(
  `the bin on Node ${old?.version} without process.getBuiltinModule exits 1 after that line, not with a stack`,
  async () => {
    // Node before 20.16 (and 22.0-22.2) has no process.getBuiltinModule, which the server's modules call at load.
    const r = await finished(
      onOldNode(['--import', 'data:text/javascript,delete process.getBuiltinModule', 'src/cli.ts', '--port', '0']),
    )
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('npm i -D node@22')
    expect(r.stdout).toBe('')
  },
  CLI_TIMEOUT,
)

test.skipIf(!tooOld)(
  `worksuite-mock/mocks on Node ${old?.version} throws at import, naming the Node it needs`,
  async () => {
    const r = await finished(
      onOldNode([
        '--input-type=module',
        '-e',
        "try { await import('./mocks/index.ts'); console.log('loaded') } catch (e) { console.log(e.message) }",
      ]),
    )
    expect(r.stdout).not.toContain('loaded')
    expect(r.stdout).toContain(`Node ${old!.version}`)
    expect(r.stdout).toContain('22.12')
    expect(r.stdout).toContain('npm i -D node@22')
  },
  CLI_TIMEOUT,
)
