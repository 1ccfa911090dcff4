/**
 * Rebuilds contracts/errors/wecom.json from the WeCom global errcode list kept in the repository
 * (contracts/errors/sources/wecom-errcodes.tsv, the codes of https://developer.work.weixin.qq.com/document/path/90313)
 * merged with the facts in contracts/errors/wecom.overrides.json (English text seen in real responses,
 * where each fact comes from, and whether it is INFERRED). Nothing in wecom.json is edited by hand.
 *
 *   npm run errors:wecom            # writes contracts/errors/wecom.json
 *   npm run errors:wecom -- --check # fails when it is stale
 */
import { readFileSync } from 'node:fs'
import { type Output, writeOrCheck } from './outputs.ts'

export const ERRCODES_TSV = 'contracts/errors/sources/wecom-errcodes.tsv'
export const OVERRIDES = 'contracts/errors/wecom.overrides.json'
export const WECOM_CATALOGUE = 'contracts/errors/wecom.json'
/** Where a code's name comes from when no override says more. */
const LIST_SOURCE = 'https://developer.work.weixin.qq.com/document/path/90313'

interface Override {
  message?: string
  source: string
  inferred?: boolean
  note?: string
}

export function wecomCatalogue(): Output {
  const overrides: Record<string, Override> = JSON.parse(readFileSync(OVERRIDES, 'utf8'))
  const rows = readFileSync(ERRCODES_TSV, 'utf8').trim().split('\n').slice(1)
  const errors = rows.map((line) => {
    const [code, name] = line.split('\t') as [string, string]
    const o = overrides[code]
    return {
      code: Number(code),
      status: 200,
      name,
      // The real server answers in English where we have seen it; elsewhere the doc's Chinese name.
      message: o?.message ?? name,
      source: o?.source ?? LIST_SOURCE,
      inferred: o?.inferred ?? false,
      ...(o?.note ? { note: o.note } : {}),
    }
  })
  for (const code of Object.keys(overrides)) {
    if (!errors.some((e) => e.code === Number(code))) throw new Error(`override for unknown errcode ${code}`)
  }
  const catalogue = {
    $schema: '../schemas/error-catalogue.schema.json',
    vendor: 'wecom',
    envelope:
      'HTTP 200 for every business error; body {errcode, errmsg}; errmsg = "<message>, hint: [<id>], from ip: <ip>, more info at https://open.work.weixin.qq.com/devtool/query?e=<code>"; headers Error-Code and Error-Msg.',
    errors,
  }
  return { path: WECOM_CATALOGUE, text: `${JSON.stringify(catalogue, null, 2)}\n` }
}

if (import.meta.url === `file://${process.argv[1]}`)
  writeOrCheck('scripts/import-wecom-errcodes.ts', [wecomCatalogue()])
