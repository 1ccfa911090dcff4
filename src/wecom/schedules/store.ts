/**
 * The schedules an app created (oa/schedule/add, or a meeting mail: exmail/app/compose_send), kept per
 * corp+app, capped by `wecom.maxSchedules` and counted against the state budget (`state.maxBytes`): the
 * oldest go first, and their ids then answer 90461 as if never issued. Records hold only what the rules
 * and `oa/schedule/get` need.
 */
import { type Account, StateBudget, type Ticket, utf8Bytes, utf8ListBytes } from '../../core/budget.ts'
import { Names } from '../../core/names.ts'
import type { Persist } from '../../core/persistence.ts'
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
  /**
   * oa/schedule/get_by_calendar's `sequence`: 1 when created, one more at every change (an update, an
   * occurrence taken out, the series ended, cancelled). decision: schedule sequence.
   */
  sequence: number
}

export type NewSchedule = Omit<ScheduleRecord, 'id' | 'status' | 'sequence'>

/** What a meeting mail or oa/schedule/update may change in a kept schedule (never its owner or calendar). */
export type SchedulePatch = Partial<
  Pick<
    ScheduleRecord,
    | 'admins'
    | 'attendees'
    | 'summary'
    | 'description'
    | 'location'
    | 'startTime'
    | 'endTime'
    | 'isWholeDay'
    | 'reminders'
    | 'meetingid'
  >
>

/** The data directory's kind for a schedule's row (its record as JSON). */
const KIND = 'wecom.schedule'

/** A schedule's fixed cost beyond its text: the record, its reminders object, ids and index entries (rounded up). */
const SCHEDULE_OVERHEAD = 1024

/** The bytes a schedule keeps, for the state budget. */
function scheduleBytes(r: ScheduleRecord): number {
  const m = r.reminders
  return (
    SCHEDULE_OVERHEAD +
    utf8Bytes(r.summary) +
    utf8Bytes(r.description) +
    utf8Bytes(r.location) +
    utf8Bytes(r.calId) +
    utf8ListBytes(r.admins) +
    utf8ListBytes(r.attendees) +
    8 *
      (m.remind_time_diffs.length +
        m.repeat_day_of_week.length +
        m.repeat_day_of_month.length +
        (m.repeat_month_of_year?.length ?? 0)) +
    32 * m.exclude_time_list.length
  )
}

/** One app's schedules in creation order, oldest first, as a queue (see ScheduleStore.add). */
interface AppQueue {
  tickets: Ticket<ScheduleRecord>[]
  head: number
}

export class ScheduleStore {
  // Per app, in creation order (a Map keeps insertion order, so the first key is the oldest).
  private readonly byApp = new Map<string, Map<string, Ticket<ScheduleRecord>>>()
  /**
   * The same order as a queue per app, for the count cap: reading a Map's first value after deleting its first
   * keys walks the deleted slots at its front, which grew with every schedule the cap let go.
   */
  private readonly queues = new Map<string, AppQueue>()
  /** Userids, calendars, rooms: one copy each across schedules (see Names). */
  private readonly names = new Names()
  private lastApp:
    | { corpid: string; agentid: number; key: string; list: Map<string, Ticket<ScheduleRecord>>; queue: AppQueue }
    | undefined
  private readonly appOf = new Map<string, string>()
  // The schedule a meeting mail booked each meeting with, so the meeting APIs can keep it in step.
  private readonly byMeeting = new Map<string, string>()
  private readonly account: Account<ScheduleRecord>

  constructor(
    private readonly random: Random,
    private readonly maxPerApp: number,
    /** The state budget the schedules count against; an unbounded one of its own when absent. */
    budget: StateBudget = new StateBudget(() => Number.POSITIVE_INFINITY),
    /** The data directory (`state.dataDir`), when there is one. */
    private readonly persist?: Persist,
  ) {
    this.account = budget.account('wecom.schedules', (r) => this.drop(r))
    persist?.onLoad(KIND, (_id, text) => this.keep(this.interned(JSON.parse(text) as ScheduleRecord)))
  }

  /** The vendor's shape: 29 hex digits and "AAA" (the doc's example `17c7d2bd9f20d652840f72f59e796AAA`). */
  private newId(): string {
    let id: string
    do id = this.random.hex(29, '', 'AAA')
    while (this.appOf.has(id))
    return id
  }

  add(input: NewSchedule): ScheduleRecord {
    const record = this.interned({ ...input, id: this.newId(), status: 0, sequence: 1 })
    this.persist?.put(KIND, record.id, JSON.stringify(record))
    this.keep(record)
    this.account.budget.settle()
    return record
  }

  /** The record with its userids, calendar, rooms as the one copy each kept across schedules. */
  private interned(r: ScheduleRecord): ScheduleRecord {
    const names = this.names
    r.calId = names.get(r.calId)
    r.admins = names.list(r.admins)
    r.attendees = names.list(r.attendees)
    r.description = names.get(r.description)
    r.location = names.get(r.location)
    return r
  }

  /** Indexes a new schedule (or one read back from the data directory) and applies its app's cap. */
  private keep(record: ScheduleRecord): void {
    // The app of the last add, kept: a run of adds by one app builds and hashes no key.
    const last = this.lastApp
    let key: string
    let list: Map<string, Ticket<ScheduleRecord>> | undefined
    let queue: AppQueue | undefined
    if (
      last &&
      last.corpid === record.corpid &&
      last.agentid === record.agentid &&
      this.byApp.get(last.key) === last.list
    ) {
      ;({ key, list, queue } = last)
    } else {
      key = `${record.corpid}/${record.agentid}`
      list = this.byApp.get(key)
      if (!list) {
        list = new Map()
        this.byApp.set(key, list)
      }
      queue = this.queues.get(key)
      if (!queue) {
        queue = { tickets: [], head: 0 }
        this.queues.set(key, queue)
      }
      this.lastApp = { corpid: record.corpid, agentid: record.agentid, key, list, queue }
    }
    const ticket = this.account.add(record, scheduleBytes(record))
    list.set(record.id, ticket)
    queue.tickets.push(ticket)
    this.appOf.set(record.id, key)
    if (record.meetingid !== undefined) this.byMeeting.set(record.meetingid, record.id)
    while (list.size > this.maxPerApp) {
      const oldest = queue.tickets[queue.head++]!
      // Gone already: the state budget evicted it.
      if (!oldest.live) continue
      const r = oldest.item!
      this.account.release(oldest)
      this.drop(r)
    }
    // Past the schedules gone from the front, and trimmed once that front is long.
    while (queue.head < queue.tickets.length && !queue.tickets[queue.head]!.live) queue.head++
    if (queue.head > 1024 && queue.head * 2 > queue.tickets.length) {
      queue.tickets = queue.tickets.slice(queue.head)
      queue.head = 0
    }
  }

  /** Changes a kept schedule in place (a meeting mail's `request` naming it, oa/schedule/update) and counts its new size. */
  update(id: string, patch: SchedulePatch): ScheduleRecord | undefined {
    const ticket = this.ticket(id)
    if (!ticket?.item) return undefined
    Object.assign(ticket.item, patch)
    if (patch.meetingid !== undefined) this.byMeeting.set(patch.meetingid, id)
    // Linking a meeting mail's meeting is part of making the schedule, not a change of it.
    if (Object.keys(patch).some((k) => k !== 'meetingid')) ticket.item.sequence++
    this.account.resize(ticket, scheduleBytes(ticket.item))
    this.persist?.put(KIND, id, JSON.stringify(ticket.item))
    this.account.budget.settle()
    return ticket.item
  }

  /** One occurrence of a repeating schedule is taken out of it (oa/schedule/del op_mode 1). */
  excludeOccurrence(id: string, start: number): ScheduleRecord | undefined {
    const r = this.get(id)
    if (!r) return undefined
    return this.update(id, {
      reminders: { ...r.reminders, exclude_time_list: [...r.reminders.exclude_time_list, { start_time: start }] },
    })
  }

  /** A repeating schedule ends just before the occurrence at `start` (op_mode 2: this one and the ones after). */
  endSeriesBefore(id: string, start: number): ScheduleRecord | undefined {
    const r = this.get(id)
    if (!r) return undefined
    return this.update(id, { reminders: { ...r.reminders, repeat_until: start - 1 } })
  }

  private drop(r: ScheduleRecord): void {
    // The app's key as kept for the id: no key built to let a schedule go.
    const key = this.appOf.get(r.id) ?? `${r.corpid}/${r.agentid}`
    this.byApp.get(key)?.delete(r.id)
    this.appOf.delete(r.id)
    if (r.meetingid !== undefined && this.byMeeting.get(r.meetingid) === r.id) this.byMeeting.delete(r.meetingid)
    this.persist?.delete(KIND, r.id)
  }

  private ticket(id: string): Ticket<ScheduleRecord> | undefined {
    const key = this.appOf.get(id)
    return key ? this.byApp.get(key)?.get(id) : undefined
  }

  get(id: string): ScheduleRecord | undefined {
    return this.ticket(id)?.item
  }

  /** The schedule a meeting mail booked this meeting with, if it is still kept. */
  ofMeeting(meetingid: string): ScheduleRecord | undefined {
    const id = this.byMeeting.get(meetingid)
    return id === undefined ? undefined : this.get(id)
  }

  cancel(id: string): ScheduleRecord | undefined {
    const record = this.get(id)
    if (record && record.status !== 1) {
      record.status = 1
      record.sequence++
      this.persist?.put(KIND, id, JSON.stringify(record))
    }
    return record
  }

  /** Every kept schedule, oldest first, optionally of one corp, app or origin (control plane). */
  list(filter: { corpid?: string; agentid?: number; origin?: ScheduleOrigin } = {}): ScheduleRecord[] {
    const out: ScheduleRecord[] = []
    for (const list of this.byApp.values()) {
      for (const { item: r } of list.values()) {
        if (!r) continue
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
