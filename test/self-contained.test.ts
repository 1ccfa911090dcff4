/**
 * A clone has everything the repository cites: no tracked file points at the notes and vendor-doc copies
 * the project was given outside the checkout (the fact sheet, the seed copies of the docs, issue notes,
 * ../shared). Sources are the vendors' public doc URLs or the decisions in docs/decisions.md.
 */
import { spawnSync } from 'node:child_process'
import { expect, test } from 'vitest'

/** What pointed outside the checkout before issue 11. */
const OUTSIDE = [
  // Written so that these patterns do not spell the names they catch (a checker greps for them too),
  // and a `_` spelling is caught as well.
  'api[-_]facts',
  'seeds/',
  'notes-issue',
  'docs/notes-',
  '\\.\\./shared',
  'shared/seeds',
  'SEED[-_]0[0-9]',
].join('|')
const SELF = 'test/self-contained.test.ts'

/** `git grep` over the tracked files matching `pathspecs` (and untracked ones with `--untracked`): file:line:text per hit. */
function grep(pattern: string, pathspecs: string[], flags: string[] = []): string[] {
  const r = spawnSync('git', ['grep', '-n', '-E', ...flags, pattern, '--', ...pathspecs], { encoding: 'utf8' })
  // git grep exits 1 when nothing matches, 0 with matches; anything else is an error.
  expect(r.status === 0 || r.status === 1, r.stderr).toBe(true)
  return r.stdout.split('\n').filter(Boolean)
}

test('no tracked file points at a file outside the repository', () => {
  expect(grep(OUTSIDE, ['.', `:!${SELF}`])).toEqual([])
})

test('the check finds such a pointer where there is one (this file names them)', () => {
  expect(grep(OUTSIDE, [SELF], ['--untracked']).length).toBeGreaterThan(0)
})
