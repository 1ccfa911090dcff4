/**
 * `worksuite-mock contracts --target emulator|<url>|live [--live] [--client fetch|lark-sdk|<module>]
 * [--filter …] [--junit file] [--pace ms] [--validate-responses]` (in this repo: `npm run contracts -- …`):
 * runs the contract cases, prints a line per case and a summary, writes a JUnit report, and exits non-zero
 * when a case fails (2 on a usage error). A live run needs `--live` as well as `--target live`, so nobody
 * books real meetings by a typo.
 */
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { makeDirectory } from '../../src/core/directories.ts'
import { junitXml, progressLine, summaryText } from './report.ts'
import { type ClientChoice, runContracts } from './run.ts'
import { emulatorTarget, LIVE_ENV, liveTarget, type Target, TargetError, urlTarget } from './targets.ts'

const USAGE = `usage: worksuite-mock contracts --target emulator|<url>|live [--live] [--client fetch|lark-sdk|<module>]
                                [--filter text|/regex/] [--junit file.xml] [--pace ms] [--validate-responses]
       (in this repo: npm run contracts -- …)

  --target emulator   the emulator in process (default)
  --target <url>      a running stub server, e.g. http://127.0.0.1:4010 (control plane at /__mock); it is
                      reset (POST /__mock/reset) before every case, so its state, tokens, journal and
                      report are the suite's afterwards: give the suite a server of its own
  --client fetch      the built-in typed fetch client (default)
  --client lark-sdk   Feishu calls through @larksuiteoapi/node-sdk (install it next to worksuite-mock)
  --client <module>   your own adapter: a file or package whose default export is a ContractClient or a
                      function (target) => ContractClient (types in worksuite-mock/contracts)
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
  let choice: ClientChoice
  try {
    choice = client === 'fetch' || client === 'lark-sdk' ? client : await clientFromModule(client)
  } catch (e) {
    console.error(`--client ${client}: ${(e as Error).message}\n\n${USAGE}`)
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
    try {
      target = await urlTarget(targetArg)
    } catch (e) {
      // Nothing listens there, or it is no worksuite-mock: the suite cannot run (2), no case failed (1).
      if (!(e instanceof TargetError)) throw e
      console.error(`contracts: ${e.message}`)
      return 2
    }
  } else {
    console.error(`--target must be emulator, a URL or live, not "${targetArg}"\n\n${USAGE}`)
    return 2
  }
  console.log(
    `contracts: ${target.name}, client ${client}${args.values.filter ? `, filter ${args.values.filter}` : ''}`,
  )
  let report: Awaited<ReturnType<typeof runContracts>>
  try {
    report = await runContracts({
      target,
      client: choice,
      ...(args.values.filter ? { filter: args.values.filter } : {}),
      ...(pace !== undefined ? { paceMs: pace } : {}),
      ...(args.values['validate-responses'] ? { validateResponses: true } : {}),
      onCase: (r) => console.log(progressLine(r)),
    })
  } catch (e) {
    // The run could not start (lark-sdk without the SDK, a client factory that threw, a broken case file).
    console.error(`contracts: ${(e as Error).message}`)
    return 2
  } finally {
    await target.close()
  }
  console.log(summaryText(report))
  if (args.values.junit) {
    makeDirectory(dirname(args.values.junit))
    writeFileSync(args.values.junit, junitXml(report))
    console.log(`JUnit report: ${args.values.junit}`)
  }
  return report.summary.failed > 0 || report.summary.total === 0 ? 1 : 0
}

/** A path (from the working directory) or a package name whose default export is the client adapter. */
async function clientFromModule(spec: string): Promise<ClientChoice> {
  const isPath = spec.startsWith('.') || isAbsolute(spec) || /\.[cm]?[jt]s$/.test(spec)
  const url = spec.startsWith('file:')
    ? spec
    : pathToFileURL(isPath ? resolve(spec) : createRequire(join(process.cwd(), 'package.json')).resolve(spec)).href
  const mod = (await import(url)) as { default?: unknown }
  const exported = mod.default
  if (typeof exported === 'function') return exported as ClientChoice
  if (typeof exported === 'object' && exported !== null && typeof (exported as { raw?: unknown }).raw === 'function')
    return exported as ClientChoice
  throw new Error(
    `${spec}: exports no client adapter (its default export must be a ContractClient or (target) => ContractClient)`,
  )
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
