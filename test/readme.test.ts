/** The README is what a newcomer follows: its commands and the generated settings page must match the code. */
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { SETTINGS_DOC, withSettingsTable } from '../scripts/gen-settings-doc.ts'

const readme = readFileSync('README.md', 'utf8')

test('the settings table is the one generated from the config schema (run npm run docs:settings)', () => {
  const doc = readFileSync(SETTINGS_DOC, 'utf8')
  expect(doc).toBe(withSettingsTable(doc))
})

test('the quick start gives the two commands', () => {
  expect(readme).toContain('npm ci && npm start')
  expect(readme).toContain('npm test')
})

test('the vitest + MSW and Express examples carry the markers the package check runs them by', () => {
  // scripts/check-package.ts runs the first ```ts block after each marker against the packed tarball.
  for (const name of ['readme-msw', 'readme-express']) {
    const at = readme.indexOf(`<!-- package-check: ${name} `)
    expect(at, name).toBeGreaterThan(-1)
    expect(readme.slice(at).split('\n')[1]).toBe('```ts')
  }
})
