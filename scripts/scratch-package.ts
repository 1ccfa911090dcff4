/**
 * The package as a user gets it: `npm pack` of this checkout (its `prepack` builds dist/), installed into a
 * scratch project of its own. Shared by the package check (scripts/check-package.ts) and the bench (the
 * installed bin's cold start).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The children's PATH: this Node first, so `npx`, npm scripts and the bin's `#!/usr/bin/env node` run on it. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, ...extra }
}

/** `npm pack` into `dest` (`build: false` packs dist/ as it is, skipping prepack); the tarball's path and files. */
export function packTarball(
  dest: string,
  options: { build?: boolean } = {},
): { file: string; files: string[]; version: string } {
  mkdirSync(dest, { recursive: true })
  const skip = options.build === false ? ['--ignore-scripts'] : []
  const out = execFileSync('npm', ['pack', '--json', ...skip, '--pack-destination', dest], {
    cwd: root,
    env: childEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  // Lifecycle scripts (prepack: the build) may print before npm's JSON.
  const [info] = JSON.parse(out.slice(out.indexOf('[\n'))) as {
    filename: string
    version: string
    files: { path: string }[]
  }[]
  return { file: join(dest, info!.filename), files: info!.files.map((f) => f.path), version: info!.version }
}

/** The version of a package in this repo's lock file: scratch installs take the versions CI already uses. */
export function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>
  }
  const v = lock.packages[`node_modules/${name}`]?.version
  if (!v) throw new Error(`${name} is not in package-lock.json`)
  return v
}

/** A fresh project in `dir` with the tarball and the given packages (names; versions from the lock file). */
export function installInto(dir: string, tarball: string, packages: string[] = []): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'scratch-consumer', private: true, type: 'module' }, null, 2)}\n`,
  )
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      tarball,
      ...packages.map((p) => `${p}@${lockedVersion(p)}`),
    ],
    { cwd: dir, env: childEnv(), stdio: ['ignore', 'ignore', 'inherit'] },
  )
}
