/** How a run is shown: a progress line per case, the summary, and a JUnit XML report for CI. */
import type { CaseResult, RunReport } from './run.ts'

export function progressLine(r: CaseResult): string {
  const mark = r.status === 'passed' ? '✓' : r.status === 'failed' ? '✗' : '-'
  const tail = r.status === 'skipped' ? ` (skipped: ${r.reason})` : ` (${r.durationMs} ms)`
  const lines = [`${mark} ${r.area} › ${r.id}${tail}`]
  if (r.status === 'failed') for (const f of r.failures) lines.push(`    ${f}`)
  for (const c of r.cleanup.filter((x) => !x.ok))
    lines.push(`    clean-up ${c.endpoint} ${JSON.stringify(c.body)} failed: ${c.detail}`)
  return lines.join('\n')
}

export function summaryText(report: RunReport): string {
  const s = report.summary
  const lines = [
    '',
    `${report.target}, client ${report.client}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped of ${s.total} (${report.durationMs} ms)`,
  ]
  const width = Math.max(8, ...Object.keys(s.byArea).map((a) => a.length))
  for (const [area, t] of Object.entries(s.byArea))
    lines.push(`  ${area.padEnd(width)}  ${t.passed} passed  ${t.failed} failed  ${t.skipped} skipped`)
  if (report.cleanupFailures.length)
    lines.push(`  ${report.cleanupFailures.length} clean-up call(s) failed: something may be left behind`)
  return lines.join('\n')
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 cannot hold
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // XML 1.0 has no place for most control characters.
      .replace(CONTROL_CHARS, '')
  )
}

/** One <testsuite> per area (endpoint), one <testcase> per case. */
export function junitXml(report: RunReport): string {
  const byArea = new Map<string, CaseResult[]>()
  for (const r of report.results) byArea.set(r.area, [...(byArea.get(r.area) ?? []), r])
  const s = report.summary
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="worksuite-mock contracts (${xml(report.target)}, ${xml(report.client)})" tests="${s.total}" failures="${s.failed}" skipped="${s.skipped}" errors="0" time="${(report.durationMs / 1000).toFixed(3)}">`,
  ]
  for (const [area, results] of byArea) {
    const t = report.summary.byArea[area]!
    const time = results.reduce((a, r) => a + r.durationMs, 0) / 1000
    out.push(
      `  <testsuite name="${xml(area)}" tests="${results.length}" failures="${t.failed}" skipped="${t.skipped}" errors="0" time="${time.toFixed(3)}">`,
    )
    for (const r of results) {
      const open = `    <testcase classname="${xml(`contracts.${area}`)}" name="${xml(r.id)}" file="${xml(`contracts/cases/${r.file}`)}" time="${(r.durationMs / 1000).toFixed(3)}"`
      if (r.status === 'passed') {
        out.push(`${open}/>`)
      } else if (r.status === 'skipped') {
        out.push(`${open}>`, `      <skipped message="${xml(r.reason ?? '')}"/>`, '    </testcase>')
      } else {
        out.push(
          `${open}>`,
          `      <failure message="${xml(r.reason ?? 'failed')}" type="ContractMismatch">${xml(
            [`rules: ${r.rules.join(', ')}`, ...r.failures].join('\n'),
          )}</failure>`,
          '    </testcase>',
        )
      }
    }
    out.push('  </testsuite>')
  }
  out.push('</testsuites>', '')
  return out.join('\n')
}
