/**
 * The schedules an app created (oa/schedule/add, or a meeting mail: exmail/app/compose_send), kept per
 * corp+app and capped by `wecom.maxSchedules` (the oldest go first; their ids then answer 90461 as if
 * never issued). Records hold only what the rules and `oa/schedule/get` need.
 */
import type { Random } from '../../core/random.ts'

/**
 * `schedule_list[].reminders` as oa/schedule/get returns it (https://developer.work.weixin.qq.com/document/path/93648).
 */
export interface ScheduleReminders {
  is_remind: 0 | 1
  is_repeat: 0 | 1
  remind_before_event_secs: number
  remind_time_diffs: number[]
  repeat_type: number
  repeat_until: number
  is_custom_repeat: 0 | 1
  repeat_interval: number
  repeat_day_of_week: number[]
  repeat_day_of_month: number[]
  timezone: number
  exclude_time_list: { start_time: number }[]
  /** Only schedules made by a meeting mail carry it (compose_send's yearly custom repeat). */
  repeat_month_of_year?: number[]
}

export type ScheduleOrigin = 'api' | 'mail'

export interface ScheduleRecord {
  id: string
  corpid: string
  agentid: number
  calId: string
  admins: string[]
  attendees: string[]
  summary: string
  description: string
  location: string
  startTime: number
  endTime: number
  isWholeDay: 0 | 1
  reminders: ScheduleReminders
  /** 0 normal, 1 cancelled (doc 93648 get: "0-正常；1-已取消"; cancelled schedules stay readable). */
  status: 0 | 1
  /** A schedule a meeting mail created cannot be changed through the schedule API (90497). */
  origin: ScheduleOrigin
  /** The meeting a meeting mail created with it. */
  meetingid?: string
  createdAt: number
}

export type NewSchedule = Omit<ScheduleRecord, 'id' | 'status'>

export class ScheduleStore {
  // Per app, in creation order (a Map keeps insertion order, so the first key is the oldest).
  private readonly byApp = new Map<string, Map<string, ScheduleRecord>>()
  private readonly appOf = new Map<string, string>()

  constructor(
    private readonly random: Random,
    private readonly maxPerApp: number,
  ) {}

  /** The vendor's shape: 29 hex digits and "AAA" (the doc's example `17c7d2bd9f20d652840f72f59e796AAA`). */
  private newId(): string {
    let id: string
    do id = `${this.random.hex(29)}AAA`
    while (this.appOf.has(id))
    return id
  }

  add(input: NewSchedule): ScheduleRecord {
    const key = `${input.corpid}/${input.agentid}`
    let list = this.byApp.get(key)
    if (!list) {
      list = new Map()
      this.byApp.set(key, list)
    }
    const record: ScheduleRecord = { ...input, id: this.newId(), status: 0 }
    list.set(record.id, record)
    this.appOf.set(record.id, key)
    while (list.size > this.maxPerApp) {
      const oldest = list.keys().next().value as string
      list.delete(oldest)
      this.appOf.delete(oldest)
    }
    return record
  }

  get(id: string): ScheduleRecord | undefined {
    const key = this.appOf.get(id)
    return key ? this.byApp.get(key)?.get(id) : undefined
  }

  cancel(id: string): ScheduleRecord | undefined {
    const record = this.get(id)
    if (record) record.status = 1
    return record
  }

  /** Every kept schedule, oldest first, optionally of one corp, app or origin (control plane). */
  list(filter: { corpid?: string; agentid?: number; origin?: ScheduleOrigin } = {}): ScheduleRecord[] {
    const out: ScheduleRecord[] = []
    for (const list of this.byApp.values()) {
      for (const r of list.values()) {
        if (filter.corpid !== undefined && r.corpid !== filter.corpid) continue
        if (filter.agentid !== undefined && r.agentid !== filter.agentid) continue
        if (filter.origin !== undefined && r.origin !== filter.origin) continue
        out.push(r)
      }
    }
    return out
  }
}

/** A schedule in the `schedule_list[]` shape of oa/schedule/get. */
export function scheduleView(r: ScheduleRecord) {
  return {
    schedule_id: r.id,
    admins: [...r.admins],
    // No one answers an invitation in the emulator: 0 = 未处理.
    attendees: r.attendees.map((userid) => ({ userid, response_status: 0 })),
    summary: r.summary,
    description: r.description,
    reminders: {
      ...r.reminders,
      remind_time_diffs: [...r.reminders.remind_time_diffs],
      repeat_day_of_week: [...r.reminders.repeat_day_of_week],
      repeat_day_of_month: [...r.reminders.repeat_day_of_month],
      exclude_time_list: r.reminders.exclude_time_list.map((e) => ({ ...e })),
    },
    location: r.location,
    cal_id: r.calId,
    start_time: r.startTime,
    end_time: r.endTime,
    status: r.status,
    is_whole_day: r.isWholeDay,
  }
}
