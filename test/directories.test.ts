import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { makeDirectory } from '../src/core/directories.ts'

const root = mkdtempSync(join(tmpdir(), 'worksuite-mock-dirs-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

test('makeDirectory makes every missing level, with the mode asked for, and is a no-op the second time', () => {
  const deep = join(root, 'a', 'b', 'c')
  makeDirectory(deep, 0o700)
  makeDirectory(deep, 0o700)
  expect(statSync(deep).isDirectory()).toBe(true)
  expect(statSync(join(root, 'a')).mode & 0o777).toBe(0o700)
})

test('makeDirectory refuses a path that is a file', () => {
  const file = join(root, 'file')
  writeFileSync(file, '')
  expect(() => makeDirectory(file)).toThrow(/is a file, not a directory/)
  expect(() => makeDirectory(join(file, 'below'))).toThrow(/ENOTDIR/)
})

// Node's recursive mkdir retries ENOENT under /proc forever; the --data-dir, --ca-dir, --junit and report
// paths all make their directories here.
test.skipIf(!existsSync('/proc/self'))('makeDirectory under /proc throws at once instead of spinning', () => {
  expect(() => makeDirectory('/proc/worksuite-mock-nope/deeper')).toThrow(/ENOENT/)
})
