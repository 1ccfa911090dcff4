/**
 * Checks shared by meeting/create (doc 99104) and meeting/update (doc 98154): people (visible to the app,
 * headcount by corp tier), calendars, hosts, ring users and the repeat interval. The plain rules are checked
 * from their data (contracts/rules/wecom.meeting.{create,update}.json); these are the hooks' side, each
 * answering the detail of its refusal, or undefined when its rule holds.
 */
import { echo } from '../../core/echo.ts'
import type { RequestContext } from '../../core/module.ts'
import { type WecomCaller, wecomCaller } from '../auth.ts'
import { isOwnCalendar } from '../calendar/calendars.ts'
import { repeatsInRange } from '../calendar/recurrence.ts'

export type Caller = WecomCaller
export const callerOf = wecomCaller

export function isVisible(ctx: RequestContext, c: Caller, userid: string): boolean {
  return ctx.env.stores.wecomDirectory.isVisible(c.corp, c.app, userid)
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

/** The first of `ids` outside the app's visible range, in the words of 400021. */
export function outsideVisible(
  ctx: RequestContext,
  c: Caller,
  ids: readonly string[],
  what: string,
): string | undefined {
  for (const id of ids)
    if (!isVisible(ctx, c, id)) return `${what} "${echo(id)}" is unknown or outside app ${c.agentid}'s visible range`
  return undefined
}

/** More distinct invitees than the corp's tier books (400020). */
export function overHeadcount(c: Caller, invitees: readonly string[]): string | undefined {
  const n = new Set(invitees).size
  return n > c.corp.meetingCapacity
    ? `${n} invitees; corp ${c.corpid} (${c.corp.tier}) books at most ${c.corp.meetingCapacity}`
    : undefined
}

/**
 * cal_id "必须是access_token所对应应用所创建的日历" (400036): one the seed gave the app or it made with
 * oa/calendar/add, not deleted since.
 */
export function foreignCalendar(ctx: RequestContext, c: Caller, calId: string | undefined): string | undefined {
  return calId !== undefined && !isOwnCalendar(ctx, c.corpid, c.agentid, calId)
    ? `cal_id "${echo(calId)}" was not created by app ${c.agentid}`
    : undefined
}

/** The hosts named, when there are any: the hosts rules look at nothing else. */
const named = (s: MeetingSettingsInput | undefined) => {
  const hosts = s?.hosts?.userid
  return hosts && hosts.length > 0 ? hosts : undefined
}

interface MeetingSettingsInput {
  hosts?: { userid?: string[] }
}

/** Hosts need 会议高级功能 (400226). */
export function hostsNotBought(c: Caller, s: MeetingSettingsInput | undefined): string | undefined {
  return named(s) && !c.corp.advancedMeeting
    ? `corp ${c.corpid} has not bought 会议高级功能, so it cannot name hosts`
    : undefined
}

/** At most 10 hosts; the admin is dropped silently, so it does not count against the 10 (400027). */
export function tooManyHosts(s: MeetingSettingsInput | undefined, admin: string): string | undefined {
  const hosts = named(s)
  if (!hosts) return undefined
  const counted = new Set(hosts.filter((h) => h !== admin))
  return counted.size > 10 ? `${counted.size} hosts, at most 10` : undefined
}

/** Hosts must be visible to the app (400021). */
export function hostsOutsideVisible(ctx: RequestContext, c: Caller, s: MeetingSettingsInput | undefined) {
  const hosts = named(s)
  return hosts ? outsideVisible(ctx, c, hosts, 'host') : undefined
}

/**
 * "如果remind_scope为4 ... 指定响铃的成员" must be participants: the admin, the invitees or the hosts (400037). The
 * caller looks only when remind_scope is 4 and ring users are named (ringing).
 */
export function ringOutsideMeeting(ring: readonly string[], participants: ReadonlySet<string>): string | undefined {
  for (const u of ring)
    if (!participants.has(u)) return `ring user "${echo(u)}" is not a participant (admin, invitee or host)`
  return undefined
}

/** The ring users named when remind_scope is 4, the only scope that rings named members. */
export const ringing = (scope: number | undefined, ring: string[] | undefined) => (scope === 4 ? ring : undefined)

/** A custom repeat's interval must let the series repeat within uint32 time (400033). */
export function repeatOutOfRange(r: RepeatFields, start: number): string | undefined {
  if (r.is_repeat !== 1 || r.is_custom_repeat !== 1) return undefined
  const interval = r.repeat_interval ?? 1
  return repeatsInRange(start, { type: r.repeat_type ?? 0, interval })
    ? undefined
    : `repeat_interval ${interval} puts the second occurrence after 2106-02-07T06:28:15Z, the last uint32 second`
}

/** 40058 for a value out of its documented range, with the field prefix WeCom writes: a hook's answer. */
export function badParam(field: string, why: string): { detail: string; options: { prefix: string } } {
  return { detail: `${field} ${why}`, options: { prefix: `${field} ${why}. Invalid input ` } }
}

/** Who is in the meeting: the admin first, then invitees and hosts, once each. */
export function participantsOf(admin: string, invitees: readonly string[], hosts: readonly string[]): Set<string> {
  return new Set([admin, ...invitees, ...hosts])
}

/**
 * excess_users: "仅在购买会议专业版企业由于部分参会人无有效会议账号时返回": only for a professional corp, and only
 * when some participant has no meeting account (absent, not empty, when all have one; decision 16).
 */
export function excessUsers(c: Caller, participants: Iterable<string>): { excess_users?: string[] } {
  if (c.corp.tier !== 'professional') return {}
  const out: string[] = []
  for (const u of participants) if (c.corp.users.get(u)?.meetingAccount === false) out.push(u)
  return out.length === 0 ? {} : { excess_users: out }
}
