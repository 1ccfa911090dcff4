/**
 * The calendars of each corp's apps: the seed's (each app's `calendars`, its first one its default) and the
 * ones an app creates with oa/calendar/add (https://developer.work.weixin.qq.com/document/path/93647). A
 * deleted calendar stays as a tombstone, so its id answers 90459 日历已删除 rather than 90457; the app's
 * default then moves to its oldest live calendar. Created calendars count against the state budget
 * (`state.maxBytes`) and, when evicted, answer 90457 as if never issued; the seed's are fixed and free.
 */
import { type Account, StateBudget, type Ticket, utf8Bytes, utf8ListBytes } from '../../core/budget.ts'
import type { Persist } from '../../core/persistence.ts'
import type { Random } from '../../core/random.ts'
import type { Corp } from '../../generated/contracts.ts'

/** "每个应用可创建的日历本数量上限为1万个" (https://developer.work.weixin.qq.com/document/path/93624). */
export const MAX_CALENDARS_PER_APP = 10_000
/** "每个企业最多可创建20个全员日历" (https://developer.work.weixin.qq.com/document/path/93647). */
export const MAX_CORP_CALENDARS = 20

export interface CalendarShare {
  userid: string
  /** 1 可查看 (the default), 3 仅查看闲忙状态. */
  permission: 1 | 3
}

export interface CalendarRecord {
  calId: string
  corpid: string
  agentid: number
  admins: string[]
  summary: string
  color: string
  description: string
  shares: CalendarShare[]
  isPublic: 0 | 1
  publicRange: { userids: string[]; partyids: number[] }
  isCorpCalendar: 0 | 1
  deleted: boolean
  /** A calendar of the seed: kept across the budget, restored by a reset. */
  seeded: boolean
  createdAt: number
}

export type NewCalendar = Omit<CalendarRecord, 'calId' | 'deleted' | 'seeded'>

/** What oa/calendar/update may change (never the owner, is_public or is_corp_calendar). */
export type CalendarPatch = Partial<
  Pick<CalendarRecord, 'admins' | 'summary' | 'color' | 'description' | 'shares' | 'publicRange'>
>

/** The record, its lists and index entries beyond its text (rounded up). */
const CALENDAR_OVERHEAD = 512

function calendarBytes(r: CalendarRecord): number {
  return (
    CALENDAR_OVERHEAD +
    utf8Bytes(r.calId) +
    utf8Bytes(r.summary) +
    utf8Bytes(r.color) +
    utf8Bytes(r.description) +
    utf8ListBytes(r.admins) +
    utf8ListBytes(r.shares.map((s) => s.userid)) +
    utf8ListBytes(r.publicRange.userids) +
    8 * r.publicRange.partyids.length
  )
}

/** What a seeded calendar reads back as: the seed names only its id (decision: seeded calendars' fields). */
export const SEEDED_CALENDAR = { color: '#0000FF', description: '' } as const

interface AppCalendars {
  /** The app's calendars in creation order, deleted ones included (a Map keeps insertion order). */
  all: Map<string, Ticket<CalendarRecord> | CalendarRecord>
  /** Set by set_as_default; else the oldest live calendar. */
  chosenDefault: string | undefined
  live: number
  tombstones: number
}

const recordOf = (t: Ticket<CalendarRecord> | CalendarRecord): CalendarRecord | undefined =>
  'account' in t ? t.item : t

/**
 * The data directory's kinds (decision: the data directory): a calendar's row (created ones, and seeded ones
 * once changed) keyed corp/cal_id, and an app's set_as_default choice keyed corp/agentid.
 */
const KIND = 'wecom.calendar'
const DEFAULT_KIND = 'wecom.calendar.default'

export class CalendarStore {
  private readonly byId = new Map<string, Ticket<CalendarRecord> | CalendarRecord>()
  private readonly apps = new Map<string, AppCalendars>()
  private readonly account: Account<CalendarRecord>

  constructor(
    corps: readonly Corp[],
    private readonly random: Random,
    budget: StateBudget = new StateBudget(() => Number.POSITIVE_INFINITY),
    /** The data directory (`state.dataDir`), when there is one. */
    private readonly persist?: Persist,
  ) {
    this.account = budget.account('wecom.calendars', (r) => this.drop(r))
    for (const corp of corps)
      for (const app of corp.apps)
        for (const calId of app.calendars ?? []) {
          const record: CalendarRecord = {
            calId,
            corpid: corp.corpid,
            agentid: app.agentid,
            admins: [],
            summary: app.name ?? `app ${app.agentid}`,
            ...SEEDED_CALENDAR,
            shares: [],
            isPublic: 0,
            publicRange: { userids: [], partyids: [] },
            isCorpCalendar: 0,
            deleted: false,
            seeded: true,
            createdAt: 0,
          }
          this.byId.set(key(corp.corpid, calId), record)
          const list = this.appCalendars(corp.corpid, app.agentid)
          list.all.set(calId, record)
          list.live++
        }
    persist?.onLoad(KIND, (_id, text) => this.restore(JSON.parse(text) as CalendarRecord))
    persist?.onLoad(DEFAULT_KIND, (id, text) => {
      const [corpid, agentid] = [id.slice(0, id.lastIndexOf('/')), Number(id.slice(id.lastIndexOf('/') + 1))]
      this.appCalendars(corpid, agentid).chosenDefault = (JSON.parse(text) as string | null) ?? undefined
    })
  }

  /** A row of an earlier run: a seeded calendar's changes over the seed's, or a created calendar kept again. */
  private restore(saved: CalendarRecord): void {
    const list = this.appCalendars(saved.corpid, saved.agentid)
    const seeded = saved.seeded ? this.get(saved.corpid, saved.calId) : undefined
    if (seeded) {
      if (saved.deleted && !seeded.deleted) {
        list.live--
        list.tombstones++
      }
      Object.assign(seeded, saved)
      return
    }
    const ticket = this.account.add(saved, calendarBytes(saved))
    this.byId.set(key(saved.corpid, saved.calId), ticket)
    list.all.set(saved.calId, ticket)
    if (saved.deleted) list.tombstones++
    else list.live++
  }

  private save(r: CalendarRecord): void {
    this.persist?.put(KIND, key(r.corpid, r.calId), JSON.stringify(r))
  }

  private saveDefault(corpid: string, agentid: number, list: AppCalendars): void {
    this.persist?.put(DEFAULT_KIND, `${corpid}/${agentid}`, JSON.stringify(list.chosenDefault ?? null))
  }

  private appCalendars(corpid: string, agentid: number): AppCalendars {
    const k = `${corpid}/${agentid}`
    let list = this.apps.get(k)
    if (!list) {
      list = { all: new Map(), chosenDefault: undefined, live: 0, tombstones: 0 }
      this.apps.set(k, list)
    }
    return list
  }

  /** The vendor's shape: `wc`, 27 letters and digits, `AAA` (the doc's `wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA`). */
  private newId(corpid: string): string {
    let id: string
    do id = `wc${this.random.alnum(27)}AAA`
    while (this.byId.has(key(corpid, id)))
    return id
  }

  add(input: NewCalendar, setAsDefault: boolean): CalendarRecord {
    const record: CalendarRecord = { ...input, calId: this.newId(input.corpid), deleted: false, seeded: false }
    const ticket = this.account.add(record, calendarBytes(record))
    this.byId.set(key(record.corpid, record.calId), ticket)
    const list = this.appCalendars(record.corpid, record.agentid)
    list.all.set(record.calId, ticket)
    list.live++
    this.save(record)
    if (setAsDefault) {
      list.chosenDefault = record.calId
      this.saveDefault(record.corpid, record.agentid, list)
    }
    this.account.budget.settle()
    return record
  }

  /** A calendar of the corp, deleted ones included; undefined for an id never issued (or evicted). */
  get(corpid: string, calId: string): CalendarRecord | undefined {
    const t = this.byId.get(key(corpid, calId))
    return t ? recordOf(t) : undefined
  }

  update(corpid: string, calId: string, patch: CalendarPatch): CalendarRecord | undefined {
    const t = this.byId.get(key(corpid, calId))
    const record = t && recordOf(t)
    if (!t || !record) return undefined
    Object.assign(record, patch)
    this.save(record)
    if ('account' in t) {
      this.account.resize(t, calendarBytes(record))
      this.account.budget.settle()
    }
    return record
  }

  /** Marks the calendar deleted; its app's oldest tombstones go when they outnumber the per-app cap. */
  remove(corpid: string, calId: string): CalendarRecord | undefined {
    const record = this.get(corpid, calId)
    if (!record || record.deleted) return record
    record.deleted = true
    const list = this.appCalendars(corpid, record.agentid)
    list.live--
    list.tombstones++
    this.save(record)
    if (list.chosenDefault === calId) {
      list.chosenDefault = undefined
      this.saveDefault(corpid, record.agentid, list)
    }
    if (list.tombstones > MAX_CALENDARS_PER_APP) {
      for (const t of list.all.values()) {
        const r = recordOf(t)
        if (!r?.deleted) continue
        if ('account' in t) this.account.release(t)
        this.drop(r)
        break
      }
    }
    return record
  }

  private drop(r: CalendarRecord): void {
    const list = this.apps.get(`${r.corpid}/${r.agentid}`)
    if (list?.all.delete(r.calId)) {
      if (r.deleted) list.tombstones--
      else list.live--
      if (list.chosenDefault === r.calId) list.chosenDefault = undefined
    }
    this.byId.delete(key(r.corpid, r.calId))
    this.persist?.delete(KIND, key(r.corpid, r.calId))
  }

  /** The app's default calendar (oa/schedule/add without cal_id): the one set as default, else its oldest live one. */
  defaultOf(corpid: string, agentid: number): CalendarRecord | undefined {
    const list = this.apps.get(`${corpid}/${agentid}`)
    if (!list) return undefined
    if (list.chosenDefault !== undefined) {
      const chosen = this.get(corpid, list.chosenDefault)
      if (chosen && !chosen.deleted) return chosen
    }
    for (const t of list.all.values()) {
      const r = recordOf(t)
      if (r && !r.deleted) return r
    }
    return undefined
  }

  /** Live calendars the app has (the per-app cap counts these). */
  liveCount(corpid: string, agentid: number): number {
    return this.apps.get(`${corpid}/${agentid}`)?.live ?? 0
  }

  /** Live 全员日历 of the corp, whichever app made them. */
  corpCalendarCount(corpid: string): number {
    let n = 0
    for (const [k, list] of this.apps) {
      if (!k.startsWith(`${corpid}/`)) continue
      for (const t of list.all.values()) {
        const r = recordOf(t)
        if (r && !r.deleted && r.isCorpCalendar === 1) n++
      }
    }
    return n
  }

  /** Every calendar kept, oldest first per app, optionally of one corp or app (control plane). */
  list(filter: { corpid?: string; agentid?: number } = {}): CalendarRecord[] {
    const out: CalendarRecord[] = []
    for (const list of this.apps.values())
      for (const t of list.all.values()) {
        const r = recordOf(t)
        if (!r) continue
        if (filter.corpid !== undefined && r.corpid !== filter.corpid) continue
        if (filter.agentid !== undefined && r.agentid !== filter.agentid) continue
        out.push(r)
      }
    return out
  }
}

const key = (corpid: string, calId: string) => `${corpid}\u0000${calId}`

/** A calendar in the `calendar_list[]` shape of oa/calendar/get (https://developer.work.weixin.qq.com/document/path/97717). */
export function calendarView(r: CalendarRecord) {
  return {
    cal_id: r.calId,
    admins: [...r.admins],
    summary: r.summary,
    color: r.color,
    description: r.description,
    shares: r.shares.map((s) => ({ ...s })),
    is_public: r.isPublic,
    public_range: { userids: [...r.publicRange.userids], partyids: [...r.publicRange.partyids] },
    is_corp_calendar: r.isCorpCalendar,
  }
}
