/**
 * The emulator's one source of time. Token expiry, meeting status (scheduled / in progress / ended),
 * quotas and log ids all read this clock, never `Date.now()` directly, so tests can move time.
 */
export interface ClockState {
  /** Unix seconds. */
  now: number
  frozen: boolean
}

export interface ClockChange {
  now?: number
  advance?: number
  frozen?: boolean
}

/**
 * The instants the clock can show, in Unix seconds: from the epoch to the last second of 9999 in Beijing
 * time, where Feishu's log ids (a yyyyMMddHHmmss Beijing stamp) and every Date the emulator builds are
 * defined. Past them a Date is invalid: `now` would read null and log ids start "NaN".
 */
export const CLOCK_MIN_SECONDS = 0
export const CLOCK_MAX_SECONDS = Date.UTC(9999, 11, 31, 15, 59, 59) / 1000

export class Clock {
  // Real time plus an offset while running; a fixed instant while frozen.
  private offsetMs = 0
  private frozenAtMs: number | undefined

  nowMs(): number {
    return this.frozenAtMs ?? Date.now() + this.offsetMs
  }

  /** Unix seconds, whole. */
  now(): number {
    return Math.floor(this.nowMs() / 1000)
  }

  state(): ClockState {
    return { now: this.now(), frozen: this.frozenAtMs !== undefined }
  }

  /** Where `change` would set the clock, in Unix seconds (fractions kept). */
  targetOf(change: ClockChange): number {
    return this.targetMsOf(change) / 1000
  }

  private targetMsOf(change: ClockChange): number {
    let target = this.nowMs()
    if (change.now !== undefined) target = change.now * 1000
    if (change.advance !== undefined) target += change.advance * 1000
    return target
  }

  change(change: ClockChange): ClockState {
    const target = this.targetMsOf(change)
    const frozen = change.frozen ?? this.frozenAtMs !== undefined
    if (frozen) {
      this.frozenAtMs = target
    } else {
      this.frozenAtMs = undefined
      this.offsetMs = target - Date.now()
    }
    return this.state()
  }

  reset(): void {
    this.offsetMs = 0
    this.frozenAtMs = undefined
  }
}
