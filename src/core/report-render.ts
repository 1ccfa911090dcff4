/**
 * The client report (src/core/report.ts) as text: JUnit XML for CI dashboards (each endpoint called a
 * testsuite, each rule broken there a failed testcase, each code never received a skipped one), markdown for
 * a pull-request comment, and the CLI's summary. Pure functions of the report's JSON, so
 * `GET /__mock/report?format=…` and `worksuite-mock report` render alike, and the CLI loads no emulator.
 */
import type { ClientReport, ControlHint, UnexercisedCode } from './report.ts'

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 cannot hold
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g

/** Text for an XML attribute or element: the five specials escaped, what XML 1.0 cannot hold dropped (a lone surrogate becomes U+FFFD). */
function xml(text: string): string {
  return text
    .toWellFormed()
    .replace(XML_FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** A hint as one line: `PUT /__mock/clock {"advance":7201}`. */
export function hintLine(h: ControlHint): string {
  return `${h.method} ${h.path} ${JSON.stringify(h.body)}`
}

/** Every way the report knows to produce a code, in the order to try them. */
export function hintLines(c: UnexercisedCode): string[] {
  const out: string[] = []
  if (c.hint.clock) out.push(`${hintLine(c.hint.clock)}, then call with the same token`)
  if (c.hint.expireToken) out.push(hintLine(c.hint.expireToken))
  if (c.rules.length) out.push(`a request that breaks ${c.rules.join(' or ')}`)
  if (c.hint.fault) out.push(hintLine(c.hint.fault))
  return out
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** The reason without the rule id it starts with (the rule is named beside it). */
function detail(v: ClientReport['violations'][number]): string {
  return v.reason.startsWith(`${v.rule}: `) ? v.reason.slice(v.rule.length + 2) : v.reason
}

/** The code a violation answered, or its HTTP status when it has none. */
function answered(v: ClientReport['violations'][number]): string {
  return v.code === null ? `http ${v.status}` : String(v.code)
}

function answers(codes: Record<string, number>): string {
  return Object.entries(codes)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ')
}

/** Each endpoint called a testsuite; in it a passing testcase for the calls, a failure per rule broken, a skip per code never received. */
export function reportJunit(report: ClientReport): string {
  const suites: string[] = []
  let tests = 0
  let failures = 0
  let skipped = 0
  const unexercised = new Map(report.unexercised.map((u) => [u.route, u.codes]))
  for (const e of report.endpoints) {
    const cases: string[] = []
    const caseOpen = (name: string) =>
      `    <testcase classname="${xml(`worksuite-mock.${e.route}`)}" name="${xml(name)}"`
    cases.push(
      `${caseOpen('calls')}>`,
      `      <system-out>${xml(`${plural(e.calls, 'call')} answered ${answers(e.codes)}`)}</system-out>`,
      '    </testcase>',
    )
    let suiteFailures = 0
    for (const v of report.violations) {
      const times = v.routes[e.route]
      if (times === undefined) continue
      suiteFailures++
      const example =
        v.example === null
          ? 'the journal no longer holds an example'
          : `example: journal seq ${v.example} (GET /__mock/requests?reason=${encodeURIComponent(v.rule)})`
      cases.push(
        `${caseOpen(v.rule)}>`,
        `      <failure message="${xml(`${v.rule}: broken ${plural(times, 'time')}, answered ${answered(v)}`)}" type="RuleViolation">${xml(
          [`last: ${detail(v)}`, example, ...(v.doc ? [`doc: ${v.doc}`] : [])].join('\n'),
        )}</failure>`,
        '    </testcase>',
      )
    }
    const never = unexercised.get(e.route) ?? []
    for (const c of never) {
      cases.push(
        `${caseOpen(`receives ${c.code} ${c.message}`)}>`,
        `      <skipped message="${xml(`never received; produce it with: ${hintLines(c).join(' | ')}`)}"/>`,
        '    </testcase>',
      )
    }
    const suiteTests = 1 + suiteFailures + never.length
    tests += suiteTests
    failures += suiteFailures
    skipped += never.length
    suites.push(
      `  <testsuite name="${xml(e.route)}" tests="${suiteTests}" failures="${suiteFailures}" skipped="${never.length}" errors="0">`,
      ...cases,
      '  </testsuite>',
    )
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(`worksuite-mock client report (${report.requests} requests)`)}" tests="${tests}" failures="${failures}" skipped="${skipped}" errors="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}

/** Client text in a table cell: no HTML, no markdown, no line breaks, no cell breaks; cut to `max` characters. */
function mdText(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ')
  const cut = flat.length > max ? `${flat.slice(0, max)}…` : flat
  return cut
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]~#!|])/g, '\\$1')
}

/** Our own text (ids, hints) as a code span in a table cell: a fence longer than any backtick run, `|` escaped. */
function mdCode(text: string): string {
  const flat = text.replace(/\s+/g, ' ')
  const runs = flat.match(/`+/g) ?? []
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1)
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${flat.replace(/\|/g, '\\|')}${pad}${fence}`
}

/** For a pull-request comment: the totals, the rules broken, the endpoints called, and what was never received (folded). */
export function reportMarkdown(report: ClientReport): string {
  const never = report.unexercised.reduce((n, u) => n + u.codes.length, 0)
  const out = [
    '## worksuite-mock client report',
    '',
    `${plural(report.requests, 'request')} since the last reset (the journal holds ${report.journal.held}, at most ${report.journal.capacity}): ` +
      `**${plural(report.violations.length, 'documented rule')} broken**, ` +
      `${plural(never, 'documented code')} never received on ${plural(report.endpoints.length, 'endpoint')} called.`,
    '',
  ]
  if (report.violations.length) {
    out.push('### Rules broken', '', '| rule | code | times | where | last |', '| --- | --- | --- | --- | --- |')
    for (const v of report.violations) {
      const where = Object.entries(v.routes)
        .map(([r, n]) => `${mdCode(r)} ×${n}`)
        .join(', ')
      const example = v.example === null ? '' : `seq ${v.example}: `
      out.push(`| ${mdCode(v.rule)} | ${answered(v)} | ${v.count} | ${where} | ${example}${mdText(detail(v))} |`)
    }
    out.push('')
  }
  if (report.endpoints.length) {
    out.push('### Endpoints called', '', '| endpoint | calls | answers |', '| --- | --- | --- |')
    for (const e of report.endpoints) out.push(`| ${mdCode(e.route)} | ${e.calls} | ${mdText(answers(e.codes))} |`)
    out.push('')
  }
  const withCodes = report.unexercised.filter((u) => u.codes.length)
  if (withCodes.length) {
    out.push('### Never received', '')
    for (const u of withCodes) {
      out.push(
        `<details><summary><code>${xml(u.route)}</code>: ${plural(u.codes.length, 'code')}</summary>`,
        '',
        '| code | message | produce it with |',
        '| --- | --- | --- |',
      )
      for (const c of u.codes) {
        const how = hintLines(c)
          .map((h) => (h.startsWith('a request') ? mdText(h) : mdCode(h)))
          .join('<br>')
        out.push(`| ${c.code} | ${mdText(c.when ? `${c.message} (${c.when})` : c.message)} | ${how} |`)
      }
      out.push('', '</details>', '')
    }
  }
  if (report.uncalled.length) out.push(`Not called: ${report.uncalled.map(mdCode).join(', ')}.`, '')
  return out.join('\n')
}

/** The CLI's few lines: totals, each endpoint's answers, each rule broken. */
export function reportSummary(report: ClientReport): string {
  const never = report.unexercised.reduce((n, u) => n + u.codes.length, 0)
  const lines = [
    `report: ${plural(report.requests, 'request')} since the last reset (the journal holds ${report.journal.held}, at most ${report.journal.capacity})`,
  ]
  const width = Math.max(0, ...report.endpoints.map((e) => e.route.length))
  for (const e of report.endpoints)
    lines.push(`  ${e.route.padEnd(width)}  ${plural(e.calls, 'call')}: ${answers(e.codes)}`)
  lines.push(`violations: ${plural(report.violations.length, 'documented rule')} broken`)
  for (const v of report.violations)
    lines.push(
      `  ${v.rule} (${answered(v)}) ×${v.count}${v.example === null ? '' : `, last: journal seq ${v.example}`}`,
    )
  lines.push(`unexercised: ${plural(never, 'documented code')} never received on the endpoints called`)
  return lines.join('\n')
}
