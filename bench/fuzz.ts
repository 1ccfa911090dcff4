/**
 * `npm run fuzz`: the long property-based campaign over every endpoint and every generator family
 * (`-- --cases=N --seed=S --workers=W --family=a,b`), run in worker threads with a per-answer watchdog.
 * Prints what it tried (cases per family and kind, answers per code), the throughput, and every bug
 * class found with a minimal reproduction (shrunk by fast-check on a fresh emulator).
 */
import { parseArgs } from 'node:util'
import { families } from '../test/support/fuzz.ts'
import { formatReport, runCampaign } from '../test/support/fuzz-pool.ts'

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '200000' },
    seed: { type: 'string' },
    workers: { type: 'string', default: '2' },
    family: { type: 'string' },
    'deadline-ms': { type: 'string', default: '2000' },
    'heap-mb': { type: 'string', default: '256' },
    'shrink-classes': { type: 'string', default: '20' },
    'shrink-ms': { type: 'string', default: '15000' },
  },
})
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31
const chosen = values.family ? families.filter((f) => values.family!.split(',').includes(f.name)) : families
if (!chosen.length) throw new Error(`no family among ${values.family}; try ${families.map((f) => f.name).join(', ')}`)
const cases = Number(values.cases)

console.log(`fuzzing ${cases} cases, seed ${seed}, ${values.workers} worker(s), families:`)
for (const f of chosen) console.log(`  ${f.name} (weight ${f.weight}): ${f.describe}`)
const report = await runCampaign({
  families: chosen.map((f) => f.name),
  cases,
  seed,
  workers: Number(values.workers),
  deadlineMs: Number(values['deadline-ms']),
  heapBoundMb: Number(values['heap-mb']),
  shrink: { classes: Number(values['shrink-classes']), timeLimitMs: Number(values['shrink-ms']) },
  log: (line) => console.log(line),
})
console.log(
  `workers busy ${report.busySeconds.toFixed(1)} s over ${report.seconds.toFixed(1)} s of wall time (drawing and running cases)`,
)
console.log(`\n${formatReport(report, Object.fromEntries(chosen.map((f) => [f.name, f.describe])))}`)
process.exit(report.classes.size ? 1 : 0)
