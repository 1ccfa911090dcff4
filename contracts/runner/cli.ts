/**
 * `npm run contracts -- --target emulator|<url>|live [--live] [--client fetch|lark-sdk] [--filter …]
 * [--junit file] [--pace ms] [--validate-responses]`: runs the contract cases, prints a line per case and a summary, writes a
 * JUnit report, and exits non-zero when a case fails (2 on a usage error). A live run needs `--live` as
 * well as `--target live`, so nobody books real meetings by a typo.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { junitXml, progressLine, summaryText } from './report.ts'
import { runContracts } from './run.ts'
import { emulatorTarget, LIVE_ENV, liveTarget, type Target, urlTarget } from './targets.ts'

const USAGE = `usage: npm run contracts -- --target emulator|<url>|live [--live] [--client fetch|lark-sdk]
                            [--filter text|/regex/] [--junit file.xml] [--pace ms] [--validate-responses]

  --target emulator   the emulator in process (default)
  --target <url>      a running stub server, e.g. http://127.0.0.1:4010 (control plane at /__mock)
  --validate-responses
                      also fail a case whose answers break their response schemas (contracts/schemas)
  --target live       the live APIs; needs --live too. Reads:
${Object.entries(LIVE_ENV)
  .map(([k, v]) => `                        ${k.padEnd(26)} ${v}`)
  .join('\n')}`

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>
  try {
    args = parse(argv)
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (args.values.help) {
    console.log(USAGE)
    return 0
  }
  const targetArg = args.values.target ?? 'emulator'
  const client = args.values.client ?? 'fetch'
  if (client !== 'fetch' && client !== 'lark-sdk') {
    console.error(`--client must be fetch or lark-sdk, not "${client}"\n\n${USAGE}`)
    return 2
  }
  const pace = args.values.pace === undefined ? undefined : Number(args.values.pace)
  if (pace !== undefined && !(Number.isFinite(pace) && pace >= 0)) {
    console.error('--pace takes a number of milliseconds')
    return 2
  }
  let target: Target
  if (targetArg === 'live') {
    if (!args.values.live) {
      console.error('refusing to run against the live APIs without --live (it books and cancels real meetings)')
      return 2
    }
    target = liveTarget()
  } else if (targetArg === 'emulator') {
    target = emulatorTarget()
  } else if (/^https?:\/\//.test(targetArg)) {
    target = await urlTarget(targetArg)
  } else {
    console.error(`--target must be emulator, a URL or live, not "${targetArg}"\n\n${USAGE}`)
    return 2
  }
  console.log(
    `contracts: ${target.name}, client ${client}${args.values.filter ? `, filter ${args.values.filter}` : ''}`,
  )
  const report = await runContracts({
    target,
    client,
    ...(args.values.filter ? { filter: args.values.filter } : {}),
    ...(pace !== undefined ? { paceMs: pace } : {}),
    ...(args.values['validate-responses'] ? { validateResponses: true } : {}),
    onCase: (r) => console.log(progressLine(r)),
  })
  await target.close()
  console.log(summaryText(report))
  if (args.values.junit) {
    mkdirSync(dirname(args.values.junit), { recursive: true })
    writeFileSync(args.values.junit, junitXml(report))
    console.log(`JUnit report: ${args.values.junit}`)
  }
  return report.summary.failed > 0 || report.summary.total === 0 ? 1 : 0
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      target: { type: 'string' },
      live: { type: 'boolean' },
      client: { type: 'string' },
      filter: { type: 'string' },
      junit: { type: 'string' },
      pace: { type: 'string' },
      'validate-responses': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2))
}
