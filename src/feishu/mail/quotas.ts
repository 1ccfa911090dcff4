/**
 * Limits on the emulator's clock: the gateway's 100 requests per minute per app (the send doc's 接口频率限制; 429 99991400
 * with x-ogw-ratelimit-* headers, https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code) and
 * the mail service's daily quotas (1236007 sends per user, 1236008 external recipients per user, 1236009 per tenant). A
 * day is a Beijing-time (UTC+8) calendar day, as Feishu is operated from UTC+8 (INFERRED boundary).
 */
const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
const BEIJING_OFFSET_MS = 8 * 3_600_000

/** The Beijing-time day number of an instant. */
export function beijingDay(nowMs: number): number {
  return Math.floor((nowMs + BEIJING_OFFSET_MS) / DAY_MS)
}

const NOT_LIMITED = Object.freeze({ limited: false as const })

/** Fixed one-minute windows per app, aligned to the minute on the emulator clock. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>()

  /** Counts the request; returns the seconds until the window resets when it is over the limit. */
  hit(app: string, nowMs: number, limit: number): { limited: false } | { limited: true; resetSeconds: number } {
    const start = nowMs - (nowMs % MINUTE_MS)
    let w = this.windows.get(app)
    if (!w || w.start !== start) {
      w = { start, count: 0 }
      this.windows.set(app, w)
    }
    w.count++
    if (w.count <= limit) return NOT_LIMITED
    return { limited: true, resetSeconds: Math.max(1, Math.ceil((start + MINUTE_MS - nowMs) / 1000)) }
  }
}

/** Counters that start again at each Beijing-time midnight, keyed by a user's open_id or a tenant key. */
export class DailyCounters {
  private readonly counts = new Map<string, { day: number; count: number }>()

  get(key: string, nowMs: number): number {
    const c = this.counts.get(key)
    return c && c.day === beijingDay(nowMs) ? c.count : 0
  }

  add(key: string, nowMs: number, n: number): void {
    const day = beijingDay(nowMs)
    const c = this.counts.get(key)
    if (c && c.day === day) c.count += n
    else this.counts.set(key, { day, count: n })
  }
}

/** The counters behind the daily quotas, one per quota: keyed by the strings the directory holds, none built per send. */
export interface DailyQuotas {
  /** Sends per user (1236007). */
  sends: DailyCounters
  /** External recipients per user (1236008). */
  externalByUser: DailyCounters
  /** External recipients per tenant (1236009). */
  externalByTenant: DailyCounters
}

export function dailyQuotas(): DailyQuotas {
  return { sends: new DailyCounters(), externalByUser: new DailyCounters(), externalByTenant: new DailyCounters() }
}
