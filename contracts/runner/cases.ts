/** Loads contract case files from contracts/cases and checks them against contract-case.schema.json. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describeAjvError, fullValidatorFor } from '../../src/core/schema.ts'
import type { ContractCase, ContractCaseFile } from '../../src/generated/contracts.ts'
import caseSchema from '../schemas/contract-case.schema.json' with { type: 'json' }

export const CASES_DIR = fileURLToPath(new URL('../cases/', import.meta.url))

export interface LoadedCase {
  file: string
  area: string
  case: ContractCase
}

export class CaseFileError extends Error {}

export function loadCaseFile(path: string): ContractCaseFile {
  const data = JSON.parse(readFileSync(path, 'utf8')) as unknown
  const validate = fullValidatorFor<ContractCaseFile>(caseSchema)
  if (!validate(data)) {
    throw new CaseFileError(`${path}: ${(validate.errors ?? []).map(describeAjvError).join('; ')}`)
  }
  return data
}

/** Every case, files in name order, cases in file order. Ids must be unique across files. */
export function loadCases(dir: string = CASES_DIR): LoadedCase[] {
  const out: LoadedCase[] = []
  const seen = new Set<string>()
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const data = loadCaseFile(join(dir, file))
    for (const c of data.cases) {
      if (seen.has(c.id)) throw new CaseFileError(`${file}: case id "${c.id}" is used twice`)
      seen.add(c.id)
      out.push({ file, area: data.area, case: c })
    }
  }
  return out
}

/** `--filter`: a substring of the case id, its area or one of its rule ids; `/re/` for a regular expression. */
export function matchesFilter(c: LoadedCase, filter: string | undefined): boolean {
  if (!filter) return true
  const hay = [c.case.id, c.area, ...c.case.rules]
  if (filter.length > 2 && filter.startsWith('/') && filter.endsWith('/')) {
    const re = new RegExp(filter.slice(1, -1))
    return hay.some((h) => re.test(h))
  }
  return hay.some((h) => h.includes(filter))
}
