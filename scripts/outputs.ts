/**
 * What every generator shares: it builds the whole text of each file it owns, then either writes the files
 * or, with `--check`, compares them with the tree and fails naming the stale ones. test/generators.test.ts
 * runs every generator with `--check`, so a hand edit to a generated file, or a source changed without
 * re-running its generator, fails the tests.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

export interface Output {
  /** Relative to the repository root. */
  path: string
  text: string
}

/** The outputs whose file is missing or holds other text. */
export function staleOutputs(outputs: Output[]): string[] {
  return outputs.filter((o) => !existsSync(o.path) || readFileSync(o.path, 'utf8') !== o.text).map((o) => o.path)
}

/** Writes the outputs; with `--check` in `argv` writes nothing and sets exit code 1 when any is stale. */
export function writeOrCheck(generator: string, outputs: Output[], argv: string[] = process.argv.slice(2)): void {
  if (argv.includes('--check')) {
    const stale = staleOutputs(outputs)
    if (stale.length) {
      console.error(`${stale.join(', ')}: not what ${generator} writes (run it without --check)`)
      process.exitCode = 1
    }
    return
  }
  for (const o of outputs) writeFileSync(o.path, o.text)
  console.log(`${generator}: wrote ${outputs.map((o) => o.path).join(', ')}`)
}
