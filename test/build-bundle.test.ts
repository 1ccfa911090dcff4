/**
 * The bin's bundle (scripts/build.ts `bundleBin`), on a small dist/ of its own shape: the server and what it
 * loads become chunks in dist/src/bin/, what loads lazily stays a chunk of its own, the other commands stay
 * the per-module files, and packages stay imports. (npm run check:package proves the real one, installed.)
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { expect, test } from 'vitest'
import { BIN_CHUNKS, bundleBin } from '../scripts/build.ts'

function write(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
}

test('the bin bundles its server into dist/src/bin, keeps lazy imports lazy and the other commands unbundled', async () => {
  const dist = mkdtempSync(join(tmpdir(), 'bundle-'))
  write(dist, {
    'src/cli.js': [
      '#!/usr/bin/env -S node --max-semi-space-size=2',
      'const [command] = process.argv.slice(2)',
      "if (command === 'contracts') await import('../contracts/runner/cli.js')",
      "else if (command === 'report') await import('./cli-report.js')",
      "else if (command === '-v') await import('./version.js')",
      "else (await import('./cli-main.js')).serve()",
      '',
    ].join('\n'),
    'src/cli-main.js': [
      "import { where } from './core/where.js'",
      "export function serve() { return import('./server/control.js').then((m) => [where(), m.control]) }",
      '',
    ].join('\n'),
    'src/core/where.js': "export const where = () => new URL('../generated/x.cjs', import.meta.url).href\n",
    'src/server/control.js': "import express from 'express'\nexport const control = express\n",
    'src/cli-report.js': 'export {}\n',
    'src/version.js': 'export {}\n',
    'contracts/runner/cli.js': 'export {}\n',
  })
  await bundleBin(dist)

  const cli = readFileSync(join(dist, 'src/cli.js'), 'utf8')
  expect(cli.startsWith('#!/usr/bin/env -S node --max-semi-space-size=2\n')).toBe(true)
  for (const kept of ['../contracts/runner/cli.js', './cli-report.js', './version.js'])
    expect(cli).toContain(`import("${kept}")`)
  const server = /import\("\.\/bin\/(cli-main-[\w-]+\.js)"\)/.exec(cli)?.[1]
  expect(server, cli).toBeDefined()

  const chunks = readdirSync(join(dist, BIN_CHUNKS))
  const main = readFileSync(join(dist, BIN_CHUNKS, server!), 'utf8')
  // The server's own modules are inside it, at the depth of src/core: import.meta.url paths reach the same files.
  expect(main).toContain("new URL('../generated/x.cjs', import.meta.url)".replace(/'/g, '"'))
  expect(main).not.toMatch(/from "\.\/core\//)
  // The lazy module is a chunk of its own, loaded by a dynamic import; Express stays a package import.
  const control = chunks.find((c) => c.startsWith('control-'))
  expect(control, chunks.join(', ')).toBeDefined()
  expect(main).toContain(`import("./${control}")`)
  expect(readFileSync(join(dist, BIN_CHUNKS, control!), 'utf8')).toMatch(/from "express"/)
})
