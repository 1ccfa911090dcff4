/** What the bench reads of its child processes (Linux /proc): CPU time and resident memory. */
import { readFileSync } from 'node:fs'

/** CPU time a process has used (user + system, every thread), in milliseconds (clock ticks of 10 ms). */
export function cpuMs(pid: number | undefined): number {
  if (!pid) return Number.NaN
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return Number.NaN
  }
}

/** Resident set size of a process, in MB. */
export function rssMb(pid: number | undefined): number | null {
  if (!pid) return null
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1])
    return Number.isFinite(kb) ? Math.round(kb / 102.4) / 10 : null
  } catch {
    return null
  }
}
