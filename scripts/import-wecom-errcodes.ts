/**
 * Rebuilds contracts/errors/wecom.json from the official global errcode list (a TSV of code and
 * Chinese name, crawled from https://developer.work.weixin.qq.com/document/path/90313) merged with the
 * hand-kept facts in contracts/errors/wecom.overrides.json (English text seen in real responses,
 * where each fact comes from, and whether it is INFERRED).
 *
 *   npx tsx scripts/import-wecom-errcodes.ts ../shared/wecom-errcodes.tsv
 */
import { readFileSync, writeFileSync } from 'node:fs'

interface Override {
  message?: string
  source: string
  inferred?: boolean
  note?: string
}

const tsvPath = process.argv[2] ?? '../shared/wecom-errcodes.tsv'
const overrides: Record<string, Override> = JSON.parse(readFileSync('contracts/errors/wecom.overrides.json', 'utf8'))
const rows = readFileSync(tsvPath, 'utf8').trim().split('\n').slice(1)
const errors = rows.map((line) => {
  const [code, name] = line.split('\t') as [string, string]
  const o = overrides[code]
  return {
    code: Number(code),
    status: 200,
    name,
    // The real server answers in English where we have seen it; elsewhere the doc's Chinese name.
    message: o?.message ?? name,
    source: o?.source ?? 'GWX (official global errcode list)',
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
// One error a line: the file stays reviewable as a diff.
const lines = errors.map((e) => `    ${JSON.stringify(e)}`).join(',\n')
const head = JSON.stringify({ ...catalogue, errors: [] }, null, 2).replace('"errors": []', `"errors": [\n${lines}\n  ]`)
writeFileSync('contracts/errors/wecom.json', `${head}\n`)
console.log(`wrote ${errors.length} errcodes, ${Object.keys(overrides).length} with overrides`)
