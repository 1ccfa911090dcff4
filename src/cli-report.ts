/**
 * `worksuite-mock report --target URL [--junit FILE] [--markdown FILE] [--json] [--token T] [--fail-on-violations]`:
 * reads `GET /__mock/report` from a running stub server and prints its summary (or, with --json, the report
 * itself), writing the JUnit and markdown renderings where asked. The renderings are the ones the server's
 * `?format=junit|markdown` answers (src/core/report-render.ts); nothing of the emulator is loaded here.
 *
 * Exit 0 when the report was read, whatever it says (decision: a client that broke a documented rule is what
 * the report is for, not an error of this command); 1 with --fail-on-violations when a rule was broken; 2 on a
 * usage error or when the target does not answer with a report.
 */
import { writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { makeDirectory } from './core/directories.ts'
import type { ClientReport } from './core/report.ts'
import { reportJunit, reportMarkdown, reportSummary } from './core/report-render.ts'

const USAGE = `usage: worksuite-mock report --target <url> [--junit file.xml] [--markdown file.md] [--json]
                             [--token <control token>] [--fail-on-violations]

  --target <url>         a running stub server, e.g. http://127.0.0.1:3000 (reads <url>/__mock/report)
  --junit <file>         write JUnit XML: each endpoint called a testsuite, each rule broken a failed
                         testcase, each documented code never received a skipped one
  --markdown <file>      write markdown for a pull-request comment
  --json                 print the report as JSON instead of the summary
  --token <token>        the control token, where the server needs one (default: env
                         WORKSUITE_MOCK_SERVER_CONTROL_TOKEN)
  --fail-on-violations   exit 1 when the client's requests broke a documented rule (default: exit 0)

The report covers the requests since the last POST /__mock/reset.`

/** How long the server may take to answer; a report is computed from counters, so this is generous. */
const TIMEOUT_MS = 30_000

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      target: { type: 'string' },
      junit: { type: 'string' },
      markdown: { type: 'string' },
      json: { type: 'boolean' },
      token: { type: 'string' },
      'fail-on-violations': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
}

function write(file: string, text: string): void {
  makeDirectory(dirname(file))
  writeFileSync(file, text)
}

async function fetchReport(target: string, token: string | undefined): Promise<ClientReport> {
  const url = `${target.replace(/\/+$/, '')}/__mock/report`
  let res: Response
  try {
    res = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause
    throw new Error(`${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`)
  }
  const text = await res.text()
  if (!res.ok) {
    let why = text.slice(0, 300)
    try {
      why = (JSON.parse(text) as { error?: string }).error ?? why
    } catch {}
    throw new Error(`${url} answered ${res.status}: ${why}`)
  }
  try {
    const report = JSON.parse(text) as ClientReport
    if (typeof report.requests !== 'number' || !Array.isArray(report.endpoints)) throw new Error('not a report')
    return report
  } catch {
    throw new Error(`${url} did not answer a report (is it a worksuite-mock server?)`)
  }
}

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
  const target = args.values.target
  if (!target || !/^https?:\/\//.test(target)) {
    console.error(`--target must be the URL of a running stub server${target ? `, not "${target}"` : ''}\n\n${USAGE}`)
    return 2
  }
  let report: ClientReport
  try {
    report = await fetchReport(target, args.values.token ?? process.env.WORKSUITE_MOCK_SERVER_CONTROL_TOKEN)
  } catch (e) {
    console.error(`report: ${(e as Error).message}`)
    return 2
  }
  // With --json, stdout is the report alone; what was written goes to stderr.
  const note = args.values.json ? console.error : console.log
  if (args.values.json) console.log(JSON.stringify(report, null, 2))
  else console.log(reportSummary(report))
  if (args.values.junit) {
    write(args.values.junit, reportJunit(report))
    note(`JUnit report: ${args.values.junit}`)
  }
  if (args.values.markdown) {
    write(args.values.markdown, reportMarkdown(report))
    note(`markdown report: ${args.values.markdown}`)
  }
  return args.values['fail-on-violations'] && report.violations.length > 0 ? 1 : 0
}
