/**
 * `mkdir -p`, a level at a time from the deepest one that exists. Not `mkdirSync(path, { recursive: true })`:
 * where mkdir answers ENOENT though the parent exists (under /proc), Node's recursive mkdir retries forever,
 * at full CPU and deaf to SIGTERM. Here each level is made once, and the first refusal is the error.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

export function makeDirectory(path: string, mode?: number): void {
  const missing: string[] = []
  for (let at = path; !existsSync(at); at = dirname(at)) {
    missing.push(at)
    if (dirname(at) === at) break
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir, mode === undefined ? undefined : { mode })
    } catch (e) {
      // Another process made it in between: that is what was wanted.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
  }
  if (!statSync(path).isDirectory()) throw new Error(`EEXIST: ${path} is a file, not a directory`)
}
