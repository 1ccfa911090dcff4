/**
 * The calendars a request may use (the CalendarStore, src/wecom/calendar/store.ts, keeps the seed's and the
 * ones oa/calendar/add made): a corp's calendar by id, and an app's default.
 */
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import type { RequestContext } from '../../core/module.ts'
import type { WecomCaller } from '../auth.ts'
import type { CalendarRecord } from './store.ts'

/** A calendar of the corp, deleted ones included (they answer 90459); undefined for one never issued. */
export function calendarOf(ctx: RequestContext, corpid: string, calId: string): CalendarRecord | undefined {
  return ctx.env.stores.wecomCalendars.get(corpid, calId)
}

/** Whether the app created the calendar and it is not deleted: what meeting/create's cal_id must name. */
export function isOwnCalendar(ctx: RequestContext, corpid: string, agentid: number, calId: string): boolean {
  const c = calendarOf(ctx, corpid, calId)
  return c !== undefined && c.agentid === agentid && !c.deleted
}

/**
 * The app's default calendar: the one set with set_as_default, else its oldest live one (the seed lists an
 * app's calendars in order, its first the default); '' when the app has none left.
 */
export function defaultCalendar(ctx: RequestContext, corpid: string, agentid: number): string {
  return ctx.env.stores.wecomCalendars.defaultOf(corpid, agentid)?.calId ?? ''
}

/**
 * The calendar a request names, if the calling app may touch it: none of the corp (or an empty id) → 90457
 * 日历ID异常; another app's → 90466 (日历/日程不可跨应用操作); deleted → 90459 日历已删除. `rule` is the
 * endpoint's id: `wecom.calendar.get`, `wecom.calendar.update`, … (INFERRED mappings, from the codes' names).
 */
export function ownCalendar(ctx: RequestContext, caller: WecomCaller, calId: string, rule: string): CalendarRecord {
  const c = calId === '' ? undefined : calendarOf(ctx, caller.corpid, calId)
  if (!c) fail(90457, `${rule}.cal_id.known: no calendar "${echo(calId)}" in corp ${caller.corpid}`)
  if (c.agentid !== caller.agentid)
    fail(90466, `${rule}.cal_id.own-app: calendar "${echo(calId)}" was created by app ${c.agentid}`)
  if (c.deleted) fail(90459, `${rule}.cal_id.deleted: calendar "${echo(calId)}" is deleted`)
  return c
}
