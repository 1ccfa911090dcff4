/**
 * A calendar's fields as oa/calendar/add (https://developer.work.weixin.qq.com/document/path/93647) and
 * oa/calendar/update (https://developer.work.weixin.qq.com/document/path/97716) take them: the checks both
 * share (the plain ones are rule data, src/core/rule-checks.ts runs them in the rule file's order), and which
 * shares are kept: a userid that is no user of the corp, or outside the app's visible range, goes to
 * `fail_result.shares` instead of failing the call (the docs' 返回结果 example).
 */
import { echo } from '../../core/echo.ts'
import type { RequestContext } from '../../core/module.ts'
import type { HookResult } from '../../core/rule-checks.ts'
import type { WecomCalendarAddRequest, WecomCalendarFailedShare } from '../../generated/contracts.ts'
import type { WecomCaller } from '../auth.ts'
import type { CalendarShare } from './store.ts'

/** The fields add and update share (update has cal_id and no is_public / is_corp_calendar / set_as_default). */
export type CalendarFields = WecomCalendarAddRequest['calendar']

/** What the checks see: the caller, and whether the calendar is a 全员日历 (add: as sent; update: as kept). */
export interface CalendarCheckContext {
  ctx: RequestContext
  caller: WecomCaller
  corpCalendar: boolean
  /** Whether the calendar is public (a 全员日历 is): it then needs a public range, unless update skips it. */
  isPublic: boolean
  /** update's skip_public_range 1: the public range is not overwritten, so none need be sent. */
  keepsPublicRange: boolean
}

/** The body both endpoints share the hooks of: a `calendar` object. */
type WithCalendar = { calendar: CalendarFields }

/** `<endpoint>.color.required`: a calendar that is not a 全员日历 names its colour. */
export function colorRequired(b: WithCalendar, c: CalendarCheckContext): HookResult {
  return b.calendar.color === undefined && !c.corpCalendar
    ? { detail: 'calendar.color is required', options: { prefix: 'missing calendar.color. ' } }
    : undefined
}

/** `<endpoint>.admins.among-shares`: 管理员必须在通知范围成员的列表中. */
export function adminsAmongShares(b: WithCalendar): HookResult {
  const shared = new Set((b.calendar.shares ?? []).map((s) => s.userid))
  const admin = (b.calendar.admins ?? []).find((a) => !shared.has(a))
  return admin === undefined ? undefined : `admin "${echo(admin)}" is not among the shares`
}

/** `<endpoint>.public_range.required`: a public calendar (a 全员日历 is one) names whom it is public to. */
export function publicRangeRequired(b: WithCalendar, c: CalendarCheckContext): HookResult {
  if (!c.isPublic || c.keepsPublicRange) return undefined
  const r = b.calendar.public_range
  const named = (r?.userids?.length ?? 0) + (r?.partyids?.length ?? 0)
  return named > 0
    ? undefined
    : `a ${c.corpCalendar ? 'corp calendar' : 'public calendar'} needs a public_range naming members or departments`
}

/** The shares kept (first mention of a user wins) and the ones refused, as `fail_result.shares` lists them. */
export function keptShares(
  c: CalendarCheckContext,
  shares: CalendarFields['shares'],
): { kept: CalendarShare[]; failed: WecomCalendarFailedShare[] } {
  const { wecomDirectory } = c.ctx.env.stores
  const kept: CalendarShare[] = []
  const failed: WecomCalendarFailedShare[] = []
  const seen = new Set<string>()
  for (const s of shares ?? []) {
    if (seen.has(s.userid)) continue
    seen.add(s.userid)
    if (!c.caller.corp.users.has(s.userid)) failed.push({ errcode: 40001, errmsg: 'not found', userid: s.userid })
    else if (!wecomDirectory.isVisible(c.caller.corp, c.caller.app, s.userid))
      failed.push({ errcode: 60011, errmsg: 'no privilege to access/modify contact/party/agent', userid: s.userid })
    else kept.push({ userid: s.userid, permission: s.permission ?? 1 })
  }
  return { kept, failed }
}

/** `fail_result` when some share was not kept; nothing otherwise. */
export function failResult(failed: WecomCalendarFailedShare[]): {
  fail_result?: { shares: WecomCalendarFailedShare[] }
} {
  return failed.length > 0 ? { fail_result: { shares: failed } } : {}
}
