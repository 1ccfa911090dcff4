/**
 * The import graph keeps its shape: no circle, and no import from a lower layer up. The core (src/core)
 * knows no vendor, adapter or CLI; a vendor (src/wecom, src/feishu) knows no adapter nor the web console
 * (src/console, which sits with the adapters and reads both vendors' stores); the MSW handlers and
 * the CLI's start load no Express. Read from the sources' static imports, as Node would follow them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { expect, test } from 'vitest'

interface Import {
  target: string
  /** `import type` / `export type`: erased, so nothing is loaded at run time. */
  typeOnly: boolean
}

const ROOTS = ['src', 'mocks', 'contracts', 'scripts', 'bench']

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path)
    return /\.ts$/.test(name) && !/\.(test|d)\.ts$/.test(name) ? [path] : []
  })
}

const STATEMENT = /^(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8')
  const out: Import[] = []
  for (const m of text.matchAll(STATEMENT)) {
    const spec = m[3]!
    const typeOnly = m[2] !== undefined
    if (!spec.startsWith('.')) {
      out.push({ target: spec, typeOnly })
      continue
    }
    const path = normalize(join(dirname(file), spec))
    out.push({ target: existsSync(path) ? path : spec, typeOnly })
  }
  return out
}

const files = ROOTS.flatMap(sourceFiles)
const graph = new Map(files.map((f) => [f, importsOf(f)]))

/** Every module a file loads at run time, followed through the repository's files. */
function loads(start: string): Set<string> {
  const seen = new Set<string>()
  const stack = [start]
  while (stack.length) {
    const f = stack.pop()!
    for (const i of graph.get(f) ?? []) {
      if (i.typeOnly || seen.has(i.target)) continue
      seen.add(i.target)
      if (graph.has(i.target)) stack.push(i.target)
    }
  }
  return seen
}

test('no source file imports itself back through a circle of imports (type imports included)', () => {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const circles: string[][] = []
  let n = 0
  const visit = (f: string) => {
    index.set(f, n)
    low.set(f, n++)
    stack.push(f)
    onStack.add(f)
    for (const { target } of graph.get(f) ?? []) {
      if (!graph.has(target)) continue
      if (!index.has(target)) {
        visit(target)
        low.set(f, Math.min(low.get(f)!, low.get(target)!))
      } else if (onStack.has(target)) low.set(f, Math.min(low.get(f)!, index.get(target)!))
    }
    if (low.get(f) === index.get(f)) {
      const scc: string[] = []
      let g: string
      do {
        g = stack.pop()!
        onStack.delete(g)
        scc.push(g)
      } while (g !== f)
      if (scc.length > 1) circles.push(scc.sort())
    }
  }
  for (const f of files) if (!index.has(f)) visit(f)
  expect(circles).toEqual([])
})

test('the core imports no vendor, adapter, CLI or plugin list: only itself, the generated types and contracts data', () => {
  const stray = files
    .filter((f) => f.startsWith('src/core/'))
    .flatMap((f) =>
      graph
        .get(f)!
        .filter(({ target }) => target.startsWith('src/') || target.startsWith('mocks/'))
        .filter(({ target }) => !target.startsWith('src/core/') && !target.startsWith('src/generated/'))
        .map(({ target }) => `${f} -> ${target}`),
    )
  expect(stray).toEqual([])
})

test('a vendor module imports no adapter, console, CLI, plugin list or public entry', () => {
  const upper =
    /^(src\/server\/|src\/console\/|src\/cli|src\/index\.ts|src\/emulator\.ts|src\/plugins\.ts|mocks\/|contracts\/runner|contracts\/client)/
  const stray = files
    .filter((f) => f.startsWith('src/wecom/') || f.startsWith('src/feishu/'))
    .flatMap((f) =>
      graph
        .get(f)!
        .filter(({ target }) => upper.test(target) || target === 'express' || target === 'msw')
        .map(({ target }) => `${f} -> ${target}`),
    )
  expect(stray).toEqual([])
})

test('the MSW handlers, createEmulator and the CLI load no Express when imported (the stub server loads it on the first control request)', () => {
  for (const entry of ['mocks/index.ts', 'src/emulator.ts', 'src/cli.ts']) {
    const loaded = [...loads(entry)].map((t) => (graph.has(t) ? relative('.', t) : t))
    expect(
      loaded.filter((t) => t === 'express'),
      entry,
    ).toEqual([])
  }
})
