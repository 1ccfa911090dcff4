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

  change(change: ClockChange): ClockState {
    let target = this.nowMs()
    if (change.now !== undefined) target = change.now * 1000
    if (change.advance !== undefined) target += change.advance * 1000
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
