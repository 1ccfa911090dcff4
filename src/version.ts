/** The package's own version, from the package.json above this file (src/ in the repo, dist/src/ once built). */
// `process.getBuiltinModule`, not `import … from 'node:…'`: the ESM facade of a builtin reads every export,
// and node:fs's and node:util's load streams, readline and worker_threads: tens of ms of cold start.
const { readFileSync } = process.getBuiltinModule('node:fs')

export function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); dir.pathname !== '/'; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'worksuite-mock' && pkg.version) return pkg.version
    } catch {}
  }
  return 'unknown'
}
