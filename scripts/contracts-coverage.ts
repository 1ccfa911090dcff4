/** `npm run contracts:coverage`: writes contracts/coverage.md (rule → cases). */
import { writeFileSync } from 'node:fs'
import { coverageMarkdown } from '../contracts/coverage.ts'

export const COVERAGE_FILE = 'contracts/coverage.md'

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(COVERAGE_FILE, coverageMarkdown())
  console.log(`wrote ${COVERAGE_FILE}`)
}
