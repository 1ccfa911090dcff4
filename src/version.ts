/** The package's own version, from the package.json above this file (src/ in the repo, dist/src/ once built). */
import { readFileSync } from 'node:fs'

export function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); dir.pathname !== '/'; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'worksuite-mock' && pkg.version) return pkg.version
    } catch {}
  }
  return 'unknown'
}
