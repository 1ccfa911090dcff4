/**
 * `npm start`: the built bin, dist/src/cli.js, run in this process, with the bin's Node flags (none, decision
 * 74). dist/ is rebuilt first when a source is newer than it, so a start after an edit costs one build and
 * every other start is the bin's own cold start, without a loader.
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from './build.ts'
import { root } from './scratch-package.ts'

/** What dist/ is built from: a change to any of them means a rebuild. */
export const BUILD_INPUTS = [
  'src',
  'mocks',
  'contracts',
  'fixtures/seed',
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/build.ts',
]

function newestMtime(path: string): number {
  const s = statSync(path, { throwIfNoEntry: false })
  if (!s) return 0
  if (!s.isDirectory()) return s.mtimeMs
  let newest = s.mtimeMs
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)))
  return newest
}

/** True when dist/ is missing, or one of its inputs changed after the build wrote dist/src/cli.js. */
export function needsBuild(dir: string = root, inputs: string[] = BUILD_INPUTS): boolean {
  const built = statSync(join(dir, 'dist/src/cli.js'), { throwIfNoEntry: false })
  if (!built) return true
  return inputs.some((input) => newestMtime(join(dir, input)) > built.mtimeMs)
}

if (process.argv[1] === import.meta.filename) {
  if (needsBuild()) {
    process.stderr.write('[worksuite-mock] building dist/ (a source changed since the last build) …\n')
    await build()
  }
  await import(pathToFileURL(join(root, 'dist/src/cli.js')).href)
}
