/**
 * Checks shared by meeting/create (doc 99104) and meeting/update (doc 98154): JSON types (the shape), people (known and
 * visible to the app, headcount by corp tier), calendars, settings and reminders. Each failure names its rule
 * id (contracts/rules/wecom.meeting.{create,update}.json) in the reason.
 */
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import type { RequestContext } from '../../core/module.ts'
import { type WecomCaller, wecomCaller } from '../auth.ts'
import { isOwnCalendar } from '../calendar/calendars.ts'
import { repeatsInRange } from '../calendar/recurrence.ts'
import type { MeetingRecord } from './store.ts'
import { byteLength } from './title.ts'

export type Caller = WecomCaller
export const callerOf = wecomCaller

/**
 * The meeting a request names, if this caller may touch it: unknown in this corp (another corp's meetings do
 * not exist for it) → 90602; booked by another app of the corp → 730005. get_info and cancel use it too.
 */
export function ownMeeting(ctx: RequestContext, c: Caller, meetingid: string | undefined, rule: string): MeetingRecord {
  if (!meetingid) fail(90602, `${rule}.required: meetingid is missing`)
  const m = ctx.env.stores.meetings.get(c.corpid, meetingid)
  if (!m) fail(90602, `${rule}.known: no meeting "${echo(meetingid)}" in corp ${c.corpid}`)
  if (m.agentid !== c.agentid) {
    fail(730005, `${rule}.own-app: meeting "${echo(meetingid)}" was booked by app ${m.agentid}, not ${c.agentid}`)
  }
  return m
}

/** 40058 for a value out of its documented range where the docs name no dedicated code. */
export function invalidParam(rule: string, field: string, why: string): never {
  fail(40058, `${rule}: ${field} ${why}`, { prefix: `${field} ${why}. Invalid input ` })
}

export function isVisible(ctx: RequestContext, c: Caller, userid: string): boolean {
  return ctx.env.stores.wecomDirectory.isVisible(c.corp, c.app, userid)
}

/** "任何userid不合法或者不在应用可见范围，直接报错" (400021). */
export function checkVisible(
  ctx: RequestContext,
  c: Caller,
  ids: readonly string[],
  rule: string,
  field: string,
): void {
  for (const id of ids) {
    if (!isVisible(ctx, c, id))
      fail(400021, `${rule}: ${field} "${echo(id)}" is unknown or outside app ${c.agentid}'s visible range`)
  }
}

/** "普通企业参会人员最多为100人；付费企业不超过企业选购的在线会议室容量，但最多为300人" (400020). */
export function checkHeadcount(c: Caller, invitees: readonly string[], rule: string): void {
  const n = new Set(invitees).size
  if (n > c.corp.meetingCapacity) {
    fail(400020, `${rule}: ${n} invitees; corp ${c.corpid} (${c.corp.tier}) books at most ${c.corp.meetingCapacity}`)
  }
}

/**
 * cal_id: "不多于64字节", and "必须是access_token所对应应用所创建的日历" (400036 for both): one the seed gave the
 * app or it made with oa/calendar/add, not deleted since.
 */
export function checkCalendar(
  ctx: RequestContext,
  c: Caller,
  calId: string,
  ruleLength: string,
  ruleOwned: string,
): void {
  if (byteLength(calId) > 64) fail(400036, `${ruleLength}: cal_id is ${byteLength(calId)} bytes, at most 64`)
  if (!isOwnCalendar(ctx, c.corpid, c.agentid, calId))
    fail(400036, `${ruleOwned}: cal_id "${echo(calId)}" was not created by app ${c.agentid}`)
}

export interface SettingsRules {
  password: string
  remindScope: string
  enterMute: string
  hostsAdvanced: string
  hostsLimit: string
  hostsVisible: string
}

/** The settings rules both docs share: password, remind_scope, enable_enter_mute, hosts. */
export function checkCommonSettings(
  ctx: RequestContext,
  c: Caller,
  s: { password?: string; remind_scope?: number; enable_enter_mute?: number; hosts?: { userid?: string[] } },
  admin: string,
  rules: SettingsRules,
): void {
  if (s.password !== undefined && !/^\d{4,6}$/.test(s.password)) {
    fail(400030, `${rules.password}: password must be 4 to 6 digits`)
  }
  if (s.remind_scope !== undefined && (s.remind_scope < 1 || s.remind_scope > 4)) {
    fail(400025, `${rules.remindScope}: remind_scope must be 1, 2, 3 or 4`)
  }
  // INFERRED: no dedicated code; 400031 不合法的会议settings is the closest documented one.
  if (s.enable_enter_mute !== undefined && (s.enable_enter_mute < 0 || s.enable_enter_mute > 2)) {
    fail(400031, `${rules.enterMute}: enable_enter_mute must be 0, 1 or 2`)
  }
  const hosts = s.hosts?.userid
  if (hosts && hosts.length > 0) {
    if (!c.corp.advancedMeeting) {
      fail(400226, `${rules.hostsAdvanced}: corp ${c.corpid} has not bought 会议高级功能, so it cannot name hosts`)
    }
    // The admin is dropped silently, so it does not count against the 10.
    const counted = new Set(hosts.filter((h) => h !== admin))
    if (counted.size > 10) fail(400027, `${rules.hostsLimit}: ${counted.size} hosts, at most 10`)
    checkVisible(ctx, c, hosts, rules.hostsVisible, 'host')
  }
}

/** "如果remind_scope为4 ... 指定响铃的成员" must be participants: the admin, the invitees or the hosts (400037). */
export function checkRingUsers(
  scope: number | undefined,
  ring: readonly string[] | undefined,
  participants: ReadonlySet<string>,
  rule: string,
): void {
  if (scope !== 4 || !ring) return
  for (const u of ring) {
    if (!participants.has(u))
      fail(400037, `${rule}: ring user "${echo(u)}" is not a participant (admin, invitee or host)`)
  }
}

/** The repeat fields the interval rules read, whichever request shape they come from. */
export interface RepeatFields {
  is_repeat?: number
  repeat_type?: number
  is_custom_repeat?: number
  repeat_interval?: number
  repeat_day_of_week?: number[]
  repeat_day_of_month?: number[]
}

/**
 * A custom repeat's interval must let the series repeat within uint32 time, the docs' type of meeting_start
 * and repeat_until: its second occurrence starts by 2106-02-07 06:28:15 UTC (400033). Below that the
 * occurrence cap and the repeat_until clamp decide how far the series runs.
 */
export function checkRepeatRange(r: RepeatFields, start: number, rule: string): void {
  if (r.is_repeat !== 1 || r.is_custom_repeat !== 1) return
  const interval = r.repeat_interval ?? 1
  if (!repeatsInRange(start, { type: r.repeat_type ?? 0, interval })) {
    fail(
      400033,
      `${rule}: repeat_interval ${interval} puts the second occurrence after 2106-02-07T06:28:15Z, the last uint32 second`,
    )
  }
}

/** Who is in the meeting: the admin first, then invitees and hosts, once each. */
export function participantsOf(admin: string, invitees: readonly string[], hosts: readonly string[]): Set<string> {
  return new Set([admin, ...invitees, ...hosts])
}

/** excess_users: "仅在购买会议专业版企业由于部分参会人无有效会议账号时返回" (absent for every other corp). */
export function excessUsers(c: Caller, participants: Iterable<string>): { excess_users?: string[] } {
  if (c.corp.tier !== 'professional') return {}
  const out: string[] = []
  for (const u of participants) if (c.corp.users.get(u)?.meetingAccount === false) out.push(u)
  return { excess_users: out }
}
