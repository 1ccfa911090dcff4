/**
 * Booked meetings (创建预约会议 doc 99104, 修改预约会议 doc 98154, 获取会议详情 doc 98149, 取消预约会议), kept in
 * memory per corp and app. Records hold only what the rules and get_info need, already normalised (admin
 * dropped from hosts, unsupported remind_before as 0, repeat_until clamped), so a read-back is a plain
 * projection. The number of records is capped (`wecom.maxMeetings`) and their bytes count against the state
 * budget (`state.maxBytes`); past either the oldest created go first, and their ids answer as never issued.
 *
 * Other features book meetings through this store too (the meeting mail of compose_send): `create`, `get`,
 * `update`, `cancel` and `status` are its stable API. Callers validate; the store only normalises and keeps.
 */
import { type Account, StateBudget, type Ticket, utf8Bytes, utf8ListBytes } from '../../core/budget.ts'
import { Names } from '../../core/names.ts'
import type { Persist } from '../../core/persistence.ts'
import type { Random } from '../../core/random.ts'
import {
  clampRepeatUntil,
  localDay,
  maxOccurrences,
  occurrenceIndexAt,
  occurrenceStart,
  type Recurrence,
  seriesState,
} from '../calendar/recurrence.ts'

export type MeetingStatus = 'scheduled' | 'in_progress' | 'ended' | 'cancelled'

/**
 * get_info's `status` (INFERRED enum: 1 待开始, 2 会议中, 3 已结束, 4 已取消;
 * https://developer.work.weixin.qq.com/document/path/98149 shows only 1).
 */
export const STATUS_CODE: Record<MeetingStatus, number> = { scheduled: 1, in_progress: 2, ended: 3, cancelled: 4 }

/** The settings a meeting keeps; absent means the documented default (see `effectiveSettings`). */
export interface MeetingSettings {
  password?: string
  enable_waiting_room?: boolean
  allow_enter_before_host?: boolean
  remind_scope?: number
  enable_enter_mute?: number
  allow_unmute_self?: boolean
  allow_external_user?: boolean
  enable_screen_watermark?: boolean
  watermark_type?: number
  auto_record_type?: 'none' | 'local' | 'cloud'
  attendee_join_auto_record?: boolean
  enable_host_pause_auto_record?: boolean
  enable_enroll?: boolean
  enable_host_key?: boolean
  host_key?: string
  hosts?: string[]
  ring_users?: string[]
}

export interface MeetingReminders {
  is_repeat?: number
  repeat_type?: number
  is_custom_repeat?: number
  repeat_interval?: number
  repeat_until_type?: number
  repeat_until_count?: number
  repeat_until?: number
  repeat_day_of_week?: number[]
  repeat_day_of_month?: number[]
  remind_before?: number[]
}

/** What a caller gives to book or change a meeting (already validated against the endpoint's rules). */
export interface MeetingFields {
  admin_userid: string
  title: string
  meeting_start: number
  meeting_duration: number
  description?: string
  location?: string
  invitees?: string[]
  cal_id?: string
  settings?: MeetingSettings
  reminders?: MeetingReminders
}

/** What is kept: the fields as given (normalised), with the parts a read-back always has made required. */
export interface MeetingRecord extends Omit<MeetingFields, 'invitees' | 'settings' | 'reminders'> {
  meetingid: string
  corpid: string
  agentid: number
  meeting_code: string
  meeting_link: string
  /** Unix seconds on the emulator clock (duplicate protection reads it). */
  created_at: number
  cancelled: boolean
  /**
   * The starts (Unix seconds, ascending) of the occurrences meeting/cancel took out of a recurring meeting
   * with `sub_meetingid`, each one of the series' own (at most its 200): the series itself stays booked.
   */
  cancelled_sub_meetings: number[]
  invitees: string[]
  settings: MeetingSettings
  reminders: MeetingReminders
}

/** The fields meeting/update may change; the admin is fixed at creation. */
export type MeetingPatch = Partial<Omit<MeetingFields, 'admin_userid'>>

const SUPPORTED_REMIND_BEFORE = new Set([0, 300, 900, 3600, 86400])

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)]
}

/** Every setting a meeting keeps (the compiler checks the list against MeetingSettings). */
const SETTING_KEYS = Object.keys({
  password: true,
  enable_waiting_room: true,
  allow_enter_before_host: true,
  remind_scope: true,
  enable_enter_mute: true,
  allow_unmute_self: true,
  allow_external_user: true,
  enable_screen_watermark: true,
  watermark_type: true,
  auto_record_type: true,
  attendee_join_auto_record: true,
  enable_host_pause_auto_record: true,
  enable_enroll: true,
  enable_host_key: true,
  host_key: true,
  hosts: true,
  ring_users: true,
} satisfies Record<keyof MeetingSettings, true>) as (keyof MeetingSettings)[]

/**
 * Only the known settings, so a field WeCom ignores is not kept (a deeply nested one would break every
 * read-back of the record); "若包含admin_userid会自动过滤": hosts lose the admin, silently.
 */
function normaliseSettings(settings: MeetingSettings, admin: string, names?: Names): MeetingSettings {
  const out: MeetingSettings = {}
  for (const k of SETTING_KEYS) if (settings[k] !== undefined) (out as Record<string, unknown>)[k] = settings[k]
  if (out.hosts) out.hosts = unique(out.hosts).filter((u) => u !== admin)
  if (names) {
    if (out.hosts) out.hosts = names.list(out.hosts)
    if (out.ring_users) out.ring_users = names.list(out.ring_users)
    if (out.password !== undefined) out.password = names.get(out.password)
  }
  return out
}

/**
 * The documented normalisations of reminders: unsupported remind_before values "表现为会议开始时提醒" (stored
 * as 0), repeat_until clamped to the cap, repeat_interval kept only where it takes effect (weekly, or a
 * custom repeat), the start day added to a custom weekly/monthly day list ("如果开发者没有指定，后台会补上").
 */
export function normaliseReminders(r: MeetingReminders, start: number): MeetingReminders {
  const out: MeetingReminders = {}
  if (r.remind_before)
    out.remind_before = [...new Set(r.remind_before.map((v) => (SUPPORTED_REMIND_BEFORE.has(v) ? v : 0)))]
  if (r.is_repeat !== 1) {
    out.is_repeat = 0
    return out
  }
  const type = r.repeat_type ?? 0
  const custom = r.is_custom_repeat === 1
  const interval = custom || type === 1 ? (r.repeat_interval ?? 1) : 1
  out.is_repeat = 1
  out.repeat_type = type
  out.repeat_interval = interval
  if (custom) {
    out.is_custom_repeat = 1
    const day = localDay(start)
    if (type === 1)
      out.repeat_day_of_week = [...new Set([...(r.repeat_day_of_week ?? []), day.weekday])].sort((a, b) => a - b)
    if (type === 2)
      out.repeat_day_of_month = [...new Set([...(r.repeat_day_of_month ?? []), day.dayOfMonth])].sort((a, b) => a - b)
  }
  if (r.repeat_until_type === 1) {
    out.repeat_until_type = 1
    out.repeat_until_count = Math.min(
      r.repeat_until_count ?? maxOccurrences(type, interval),
      maxOccurrences(type, interval),
    )
  } else {
    out.repeat_until_type = 0
    // The cap counts meetings, so a custom series' listed days count each.
    out.repeat_until = clampRepeatUntil(start, recurrenceOf(out), r.repeat_until)
  }
  return out
}

/**
 * How stored reminders step (a one-off meeting as a daily series that never gets past occurrence 0): a
 * custom weekly or monthly series on its listed days too.
 */
export function recurrenceOf(r: MeetingReminders): Recurrence {
  const rec: Recurrence = { type: r.is_repeat === 1 ? (r.repeat_type ?? 0) : 0, interval: r.repeat_interval ?? 1 }
  if (r.is_repeat !== 1 || r.is_custom_repeat !== 1) return rec
  if (rec.type === 1 && r.repeat_day_of_week) return { ...rec, daysOfWeek: r.repeat_day_of_week }
  if (rec.type === 2 && r.repeat_day_of_month) return { ...rec, daysOfMonth: r.repeat_day_of_month }
  return rec
}

/**
 * How many occurrences the series has (1 for a one-off meeting): those that start by the last one, counted
 * in closed form, so at most the 200 the cap allows. A repeat_until before the first start leaves one.
 */
export function occurrenceCount(m: Pick<MeetingRecord, 'meeting_start' | 'reminders'>): number {
  if (m.reminders.is_repeat !== 1) return 1
  return Math.max(1, occurrenceIndexAt(m.meeting_start, recurrenceOf(m.reminders), lastOccurrenceStart(m)) + 1)
}

/** The index of the occurrence of a recurring meeting that starts at `t`, or -1 when none does. */
export function occurrenceAt(m: Pick<MeetingRecord, 'meeting_start' | 'reminders'>, t: number): number {
  if (m.reminders.is_repeat !== 1 || !Number.isInteger(t)) return -1
  const rec = recurrenceOf(m.reminders)
  const n = occurrenceIndexAt(m.meeting_start, rec, t)
  return n >= 0 && n < occurrenceCount(m) && occurrenceStart(m.meeting_start, rec, n) === t ? n : -1
}

/** The start of the last occurrence (the meeting's own start when it does not repeat). */
export function lastOccurrenceStart(m: Pick<MeetingRecord, 'meeting_start' | 'reminders'>): number {
  const r = m.reminders
  if (r.is_repeat !== 1) return m.meeting_start
  if (r.repeat_until_type === 1) {
    return occurrenceStart(m.meeting_start, recurrenceOf(r), (r.repeat_until_count ?? 1) - 1)
  }
  return r.repeat_until ?? m.meeting_start
}

/** What makes two meetings "the same meeting" for duplicate protection (400301 / 400302). */
interface DuplicateKey {
  corpid: string
  agentid: number
  admin_userid: string
  title: string
  meeting_start: number
  meeting_duration: number
}

/**
 * A small number for a key (FNV-1a over its parts): the duplicate index's key, a number that is never
 * allocated, where a key string of some 80 characters was built, kept and hashed for every meeting.
 */
function keyHash(k: DuplicateKey): number {
  let h = mixString(0x811c9dc5, k.title)
  h = mixString(h, k.admin_userid)
  h = mixString(h, k.corpid)
  h = Math.imul(h ^ k.meeting_start, 0x01000193)
  h = Math.imul(h ^ k.meeting_duration, 0x01000193)
  h = Math.imul(h ^ k.agentid, 0x01000193)
  return h & 0x3fffffff
}

function mixString(hash: number, s: string): number {
  let h = hash
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return Math.imul(h ^ 0xffff, 0x01000193)
}

function sameKey(
  a: DuplicateKey,
  corpid: string,
  agentid: number,
  f: Omit<DuplicateKey, 'corpid' | 'agentid'>,
): boolean {
  return (
    a.corpid === corpid &&
    a.agentid === agentid &&
    a.admin_userid === f.admin_userid &&
    a.title === f.title &&
    a.meeting_start === f.meeting_start &&
    a.meeting_duration === f.meeting_duration
  )
}

export interface MeetingStoreOptions {
  maxMeetings: number
  /** See config `wecom.meetingStatusFromClock`. */
  statusFromClock: boolean
  /** The state budget the meetings count against; an unbounded one of its own when absent. */
  budget?: StateBudget
  /** The data directory (`state.dataDir`): each meeting is a row, its record as JSON. */
  persist?: Persist
}

/** The data directory's kind for a meeting's row. */
const KIND = 'wecom.meeting'

/**
 * A meeting's fixed cost beyond its text: the record and its settings and reminders objects, ids, code,
 * link and three index entries (measured with the bench's meeting/create body, about 1.4 KB in all with its text; rounded up).
 */
const MEETING_OVERHEAD = 1344

/** The bytes a meeting keeps, for the state budget: its free text and lists, plus the fixed cost. */
function meetingBytes(m: MeetingRecord): number {
  const s = m.settings
  const r = m.reminders
  return (
    MEETING_OVERHEAD +
    utf8Bytes(m.admin_userid) +
    utf8Bytes(m.title) +
    (m.description === undefined ? 0 : utf8Bytes(m.description)) +
    (m.location === undefined ? 0 : utf8Bytes(m.location)) +
    (m.cal_id === undefined ? 0 : utf8Bytes(m.cal_id)) +
    utf8ListBytes(m.invitees) +
    (s.password === undefined ? 0 : utf8Bytes(s.password)) +
    (s.host_key === undefined ? 0 : utf8Bytes(s.host_key)) +
    utf8ListBytes(s.hosts) +
    utf8ListBytes(s.ring_users) +
    8 *
      ((r.remind_before?.length ?? 0) +
        (r.repeat_day_of_week?.length ?? 0) +
        (r.repeat_day_of_month?.length ?? 0) +
        m.cancelled_sub_meetings.length)
  )
}

const MEETING_CODE = /^[1-9]\d{8}$/

export class MeetingStore {
  // Each meeting with its charge on the state budget; insertion order is creation order.
  private readonly byId = new Map<string, Ticket<MeetingRecord>>()
  // Eviction order, oldest first, as a queue: reading a Map's first value after deleting its first keys
  // scans the deleted slots at its front (profiled: about 13 µs per create at 10,000 meetings).
  private order: Ticket<MeetingRecord>[] = []
  /**
   * Beside each queued meeting, what letting it go needs: its code as a number and the hash of the key it was
   * booked with. Read from the queue's front, in order, they spare the cap a visit to the oldest record's
   * strings, which a full store no longer has in any cache (profiled: the hash over a cold title and the
   * code's parse were a third of `drop` at 10,000 meetings).
   */
  private orderCodes: number[] = []
  private orderHashes: number[] = []
  private head = 0
  // The indexes key on strings the records hold already (the code, the title), so a meeting adds no string of
  // its own to keep, and nothing is built to look one up or to let it go.
  /** Per corp, meeting_code → meetingid; the 9-digit code as the number it spells (a small integer, no string hashed). */
  private readonly byCode = new Map<string, Map<number, string>>()
  /**
   * Duplicate protection: by the hash of the key a meeting was booked with (corp, app, admin, title, start,
   * duration), the meetings booked with a key of that hash, at most one for each key: a meeting booked with
   * the key of an earlier one takes its place, which no lookup finds again. A single meeting is held as its id.
   */
  private readonly byKey = new Map<number, string | string[]>()
  /** The key a meeting was booked with, for the few that meeting/update has moved off it since. */
  private readonly bookedAs = new Map<string, DuplicateKey>()
  private readonly account: Account<MeetingRecord>
  /** Userids, rooms, passwords: one copy each across meetings (see Names). */
  private readonly names = new Names()
  private readonly persist: Persist | undefined

  constructor(
    private readonly random: Random,
    private readonly options: MeetingStoreOptions,
  ) {
    const budget = options.budget ?? new StateBudget(() => Number.POSITIVE_INFINITY)
    this.account = budget.account('wecom.meetings', (m) => this.drop(m))
    this.persist = options.persist
    this.persist?.onLoad(KIND, (_id, text) => this.keep(this.interned(JSON.parse(text) as MeetingRecord)))
  }

  get size(): number {
    return this.byId.size
  }

  create(corpid: string, agentid: number, fields: MeetingFields, now: number): MeetingRecord {
    const meetingid = this.newId()
    let codes = this.byCode.get(corpid)
    if (!codes) {
      codes = new Map()
      this.byCode.set(corpid, codes)
    }
    let code = this.random.int(9) + 1 + this.random.digits(8)
    while (codes.has(Number(code))) code = this.random.int(9) + 1 + this.random.digits(8)
    const record: MeetingRecord = {
      meetingid,
      corpid,
      agentid,
      meeting_code: code,
      meeting_link: this.random.alnum(12, 'https://meeting.tencent.com/dm/'),
      created_at: now,
      cancelled: false,
      cancelled_sub_meetings: [],
      admin_userid: this.names.get(fields.admin_userid),
      title: fields.title,
      meeting_start: fields.meeting_start,
      meeting_duration: fields.meeting_duration,
      ...(fields.description !== undefined ? { description: this.names.get(fields.description) } : {}),
      ...(fields.location !== undefined ? { location: this.names.get(fields.location) } : {}),
      invitees: this.names.list(unique(fields.invitees ?? [])),
      ...(fields.cal_id !== undefined ? { cal_id: this.names.get(fields.cal_id) } : {}),
      settings: normaliseSettings(fields.settings ?? {}, fields.admin_userid, this.names),
      reminders: normaliseReminders(fields.reminders ?? {}, fields.meeting_start),
    }
    this.persist?.put(KIND, meetingid, JSON.stringify(record))
    this.keep(record)
    this.account.budget.settle()
    return record
  }

  /** A meeting read back from the data directory, its short strings as the one copy each kept across meetings. */
  private interned(m: MeetingRecord): MeetingRecord {
    const names = this.names
    m.admin_userid = names.get(m.admin_userid)
    if (m.description !== undefined) m.description = names.get(m.description)
    if (m.location !== undefined) m.location = names.get(m.location)
    if (m.cal_id !== undefined) m.cal_id = names.get(m.cal_id)
    m.invitees = names.list(m.invitees)
    const st = m.settings
    if (st.hosts) st.hosts = names.list(st.hosts)
    if (st.ring_users) st.ring_users = names.list(st.ring_users)
    if (st.password !== undefined) st.password = names.get(st.password)
    return m
  }

  /** Indexes a new meeting (or one read back from the data directory) and applies the count cap. */
  private keep(record: MeetingRecord): void {
    const ticket = this.account.add(record, meetingBytes(record))
    this.byId.set(record.meetingid, ticket)
    const code = Number(record.meeting_code)
    const hash = keyHash(record)
    this.order.push(ticket)
    this.orderCodes.push(code)
    this.orderHashes.push(hash)
    let codes = this.byCode.get(record.corpid)
    if (!codes) {
      codes = new Map()
      this.byCode.set(record.corpid, codes)
    }
    codes.set(code, record.meetingid)
    this.index(record, hash)
    while (this.byId.size > this.options.maxMeetings) {
      const at = this.head++
      const oldest = this.order[at]!
      if (!oldest.live) continue
      const m = oldest.item!
      this.account.release(oldest)
      this.drop(m, this.orderCodes[at]!, this.orderHashes[at]!)
    }
    this.compactOrder()
  }

  /**
   * Forgets a meeting: its id, code and duplicate key (the count cap or the state budget let it go). The
   * duplicate index holds a meeting under the key it was booked with, which meeting/update never changes
   * (`bookedAs` keeps it when the record moves): `hash` is that key's, when the caller has it already.
   */
  private drop(m: MeetingRecord, code = Number(m.meeting_code), hash?: number): void {
    const id = m.meetingid
    this.byId.delete(id)
    this.byCode.get(m.corpid)?.delete(code)
    const booked = this.bookedAs.size === 0 ? undefined : this.bookedAs.get(id)
    if (booked) this.bookedAs.delete(id)
    this.unindex(hash ?? keyHash(booked ?? m), id)
    this.persist?.delete(KIND, id)
  }

  /** The key a kept meeting was booked with. */
  private keyOf(id: string): DuplicateKey | undefined {
    return this.bookedAs.get(id) ?? this.byId.get(id)?.item
  }

  /** A new meeting in the duplicate index, in the place of any earlier one booked with its key. */
  private index(m: MeetingRecord, hash: number): void {
    const held = this.byKey.get(hash)
    // An earlier meeting booked with the same key is gone from the index: the newest is the one found.
    const earlier = (id: string) => {
      const k = this.keyOf(id)
      return k !== undefined && !sameKey(k, m.corpid, m.agentid, m)
    }
    if (held === undefined || (typeof held === 'string' && !earlier(held))) {
      this.byKey.set(hash, m.meetingid)
      return
    }
    const kept = (typeof held === 'string' ? [held] : held).filter(earlier)
    kept.push(m.meetingid)
    this.byKey.set(hash, kept.length === 1 ? kept[0]! : kept)
  }

  private unindex(hash: number, id: string): void {
    const held = this.byKey.get(hash)
    if (held === id) this.byKey.delete(hash)
    else if (Array.isArray(held)) {
      const kept = held.filter((x) => x !== id)
      if (kept.length === 0) this.byKey.delete(hash)
      else this.byKey.set(hash, kept.length === 1 ? kept[0]! : kept)
    }
  }

  /** Skips the queue's front past meetings already gone (the budget evicts oldest first), and trims it. */
  private compactOrder(): void {
    while (this.head < this.order.length && !this.order[this.head]!.live) this.head++
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head)
      this.orderCodes = this.orderCodes.slice(this.head)
      this.orderHashes = this.orderHashes.slice(this.head)
      this.head = 0
    }
  }

  /** A meeting of this corp (any app: the caller decides whether another app may touch it). */
  get(corpid: string, meetingid: string): MeetingRecord | undefined {
    const m = this.byId.get(meetingid)?.item
    return m && m.corpid === corpid ? m : undefined
  }

  getByCode(corpid: string, meetingCode: string): MeetingRecord | undefined {
    // Only a code as the store makes them (nine digits, no leading zero) can be one of its meetings'.
    const id = MEETING_CODE.test(meetingCode) ? this.byCode.get(corpid)?.get(Number(meetingCode)) : undefined
    return id === undefined ? undefined : this.get(corpid, id)
  }

  /**
   * Changes only the fields given. `settings` merge key by key (a patch naming `hosts` replaces the list);
   * `reminders` replace the stored ones when given, normalised against the (possibly new) start.
   */
  update(corpid: string, meetingid: string, patch: MeetingPatch): MeetingRecord {
    const m = this.get(corpid, meetingid)
    if (!m) throw new Error(`[worksuite-mock] Failed to update meeting "${meetingid}": no such meeting in ${corpid}`)
    const moves =
      (patch.title !== undefined && patch.title !== m.title) ||
      (patch.meeting_start !== undefined && patch.meeting_start !== m.meeting_start) ||
      (patch.meeting_duration !== undefined && patch.meeting_duration !== m.meeting_duration)
    // The duplicate index knows a meeting by the key it was booked with: keep that key before it changes.
    if (moves && !this.bookedAs.has(meetingid)) {
      this.bookedAs.set(meetingid, {
        corpid: m.corpid,
        agentid: m.agentid,
        admin_userid: m.admin_userid,
        title: m.title,
        meeting_start: m.meeting_start,
        meeting_duration: m.meeting_duration,
      })
    }
    if (patch.title !== undefined) m.title = patch.title
    if (patch.meeting_start !== undefined) m.meeting_start = patch.meeting_start
    if (patch.meeting_duration !== undefined) m.meeting_duration = patch.meeting_duration
    if (patch.description !== undefined) m.description = this.names.get(patch.description)
    if (patch.location !== undefined) m.location = this.names.get(patch.location)
    if (patch.invitees !== undefined) m.invitees = this.names.list(unique(patch.invitees))
    if (patch.cal_id !== undefined) m.cal_id = this.names.get(patch.cal_id)
    if (patch.settings !== undefined)
      m.settings = normaliseSettings({ ...m.settings, ...patch.settings }, m.admin_userid, this.names)
    if (patch.reminders !== undefined) {
      m.reminders = normaliseReminders(patch.reminders, m.meeting_start)
    } else if (patch.meeting_start !== undefined && m.reminders.is_repeat === 1) {
      // A new start moves the cap of a repeating series (and the start day of a custom one).
      m.reminders = normaliseReminders(m.reminders, m.meeting_start)
    }
    if (patch.meeting_start !== undefined || patch.reminders !== undefined) {
      // A cancelled occurrence stays cancelled while the new series still meets then; the others are gone.
      m.cancelled_sub_meetings = m.cancelled_sub_meetings.filter((t) => occurrenceAt(m, t) >= 0)
    }
    this.account.resize(this.byId.get(meetingid)!, meetingBytes(m))
    this.persist?.put(KIND, meetingid, JSON.stringify(m))
    this.account.budget.settle()
    return m
  }

  cancel(corpid: string, meetingid: string): MeetingRecord {
    const m = this.get(corpid, meetingid)
    if (!m) throw new Error(`[worksuite-mock] Failed to cancel meeting "${meetingid}": no such meeting in ${corpid}`)
    m.cancelled = true
    this.persist?.put(KIND, meetingid, JSON.stringify(m))
    return m
  }

  /**
   * Takes one occurrence (its start, one of the series' own: the caller checked) out of a recurring
   * meeting; the series stays booked.
   */
  cancelOccurrence(corpid: string, meetingid: string, start: number): MeetingRecord {
    const m = this.get(corpid, meetingid)
    if (!m)
      throw new Error(`[worksuite-mock] Failed to cancel a sub-meeting of "${meetingid}": no such meeting in ${corpid}`)
    if (!m.cancelled_sub_meetings.includes(start))
      m.cancelled_sub_meetings = [...m.cancelled_sub_meetings, start].sort((a, b) => a - b)
    this.account.resize(this.byId.get(meetingid)!, meetingBytes(m))
    this.persist?.put(KIND, meetingid, JSON.stringify(m))
    this.account.budget.settle()
    return m
  }

  /**
   * The instant the clock-derived states read: `now`, or one before every meeting when
   * `statusFromClock` is off (nobody ever joins, so no occurrence ever begins).
   */
  clockAt(now: number): number {
    return this.options.statusFromClock ? now : Number.NEGATIVE_INFINITY
  }

  /**
   * Cancelled when cancelled; otherwise from the clock: scheduled before the start, in progress during an
   * occurrence, ended after the last one. A repeating series between occurrences, or during one that was
   * cancelled on its own, is scheduled. With `statusFromClock: false` nobody ever joins, so a meeting stays
   * scheduled.
   */
  status(m: MeetingRecord, now: number): MeetingStatus {
    if (m.cancelled) return 'cancelled'
    if (!this.options.statusFromClock) return 'scheduled'
    const rec = recurrenceOf(m.reminders)
    const last = lastOccurrenceStart(m)
    const state = seriesState(m.meeting_start, m.meeting_duration, rec, last, now)
    if (state === 'during' && m.cancelled_sub_meetings.length > 0) {
      const occ = occurrenceStart(m.meeting_start, rec, occurrenceIndexAt(m.meeting_start, rec, Math.min(now, last)))
      if (m.cancelled_sub_meetings.includes(occ)) return 'scheduled'
    }
    return state === 'during' ? 'in_progress' : state === 'after' ? 'ended' : 'scheduled'
  }

  /** Meetings of one corp and app (or all), oldest first: the control plane lists these. */
  list(filter: { corpid?: string; agentid?: number } = {}): MeetingRecord[] {
    const out: MeetingRecord[] = []
    for (const { item: m } of this.byId.values()) {
      if (!m) continue
      if (filter.corpid !== undefined && m.corpid !== filter.corpid) continue
      if (filter.agentid !== undefined && m.agentid !== filter.agentid) continue
      out.push(m)
    }
    return out
  }

  /**
   * The meeting this app booked with the same admin, title, start and duration, if it is still booked and
   * not cancelled: what duplicate protection (400301 / 400302) compares against.
   */
  findDuplicate(
    corpid: string,
    agentid: number,
    f: Pick<MeetingFields, 'admin_userid' | 'title' | 'meeting_start' | 'meeting_duration'>,
  ): MeetingRecord | undefined {
    const held = this.byKey.get(
      keyHash({
        corpid,
        agentid,
        admin_userid: f.admin_userid,
        title: f.title,
        meeting_start: f.meeting_start,
        meeting_duration: f.meeting_duration,
      }),
    )
    if (held === undefined) return undefined
    const booked = (x: string) => {
      const k = this.keyOf(x)
      return k !== undefined && sameKey(k, corpid, agentid, f)
    }
    const id = typeof held === 'string' ? (booked(held) ? held : undefined) : held.find(booked)
    const m = id === undefined ? undefined : this.byId.get(id)?.item
    // Booked with the key, but since changed by meeting/update or cancelled: no duplicate.
    if (!m || m.cancelled || !sameKey(m, corpid, agentid, f)) return undefined
    return m
  }

  /** The vendor's opaque shape: `hy` and random letters and digits (the update doc's example reads "hyxxx"). */
  private newId(): string {
    let id = this.random.alnum(30, 'hy')
    while (this.byId.has(id)) id = this.random.alnum(30, 'hy')
    return id
  }
}
