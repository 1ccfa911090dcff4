/**
 * Every file the repository generates is what its generator writes: each script in scripts/ is run by an npm
 * script, and each run with `--check` finds nothing to change. No one-off generator is left to overwrite data
 * that is kept by hand (contracts/cases are the source, not an output).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { staleOutputs } from '../scripts/outputs.ts'

/** Helper modules the scripts import (the generators' writer, the scratch project of the package tools). */
const HELPERS = new Set(['outputs.ts', 'scratch-package.ts'])
/** Scripts that build, start or check the package: they write dist/ or a scratch project, never tracked files. */
const TOOLS = new Set(['build.ts', 'start.ts', 'check-package.ts'])
const npmScripts: Record<string, string> = JSON.parse(readFileSync('package.json', 'utf8')).scripts
const generators = [
  ...new Set(Object.values(npmScripts).flatMap((cmd) => [...cmd.matchAll(/scripts\/([\w-]+\.ts)/g)].map((m) => m[1]!))),
]
  .filter((f) => !TOOLS.has(f))
  .sort()

function run(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8', timeout: 60_000 })
}

test('every script in scripts/ is a generator that an npm script runs', () => {
  const files = readdirSync('scripts')
    .filter((f) => f.endsWith('.ts') && !HELPERS.has(f) && !TOOLS.has(f))
    .sort()
  expect(files).toEqual(generators)
  for (const tool of TOOLS) expect(Object.values(npmScripts).some((cmd) => cmd.includes(`scripts/${tool}`))).toBe(true)
  expect(generators).toEqual(
    expect.arrayContaining(['gen-types.ts', 'gen-openapi.ts', 'import-wecom-errcodes.ts', 'contracts-coverage.ts']),
  )
})

test.each(generators)('scripts/%s --check finds the tree as it would write it', (script) => {
  const r = run([`scripts/${script}`, '--check'])
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
}, 60_000)

test('--check fails naming a stale file, and leaves it as it was', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'generated-')), 'out.json')
  writeFileSync(file, 'edited by hand\n')
  expect(staleOutputs([{ path: file, text: 'generated\n' }])).toEqual([file])
  const code = `import('./scripts/outputs.ts').then((m) => m.writeOrCheck('gen', [{ path: ${JSON.stringify(file)}, text: 'generated\\n' }], ['--check']))`
  const r = run(['--input-type=module', '-e', code])
  expect(r.status).toBe(1)
  expect(r.stderr).toContain(file)
  expect(readFileSync(file, 'utf8')).toBe('edited by hand\n')
})
