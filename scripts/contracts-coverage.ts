/** `npm run contracts:coverage`: writes contracts/coverage.md (rule → cases); `-- --check` compares. */
import { coverageMarkdown } from '../contracts/coverage.ts'
import { writeOrCheck } from './outputs.ts'

export const COVERAGE_FILE = 'contracts/coverage.md'

if (import.meta.url === `file://${process.argv[1]}`)
  writeOrCheck('scripts/contracts-coverage.ts', [{ path: COVERAGE_FILE, text: coverageMarkdown() }])
