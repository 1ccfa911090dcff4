/**
 * The calendars a request may use (the CalendarStore, src/wecom/calendar/store.ts, keeps the seed's and the
 * ones oa/calendar/add made): a corp's calendar by id, an app's default, and the hooks of the cal_id rules
 * the calendar endpoints share.
 */
import { echo } from '../../core/echo.ts'
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

/** The rules a calendar id a request names must keep, in the rule files' order (`<endpoint>.cal_id.<rule>`). */
export type CalIdRule = 'known' | 'own-app' | 'deleted'

/**
 * The first cal_id rule the calendar `calId` names breaks for the caller, with the words of its reason: none of
 * the corp (or an empty id) → 90457 日历ID异常; another app's → 90466 (日历/日程不可跨应用操作); deleted →
 * 90459 日历已删除 (INFERRED mappings, from the codes' names). Undefined when the app may use it.
 */
function calIdFault(
  c: CalendarRecord | undefined,
  caller: WecomCaller,
  calId: string,
): { rule: CalIdRule; detail: string } | undefined {
  if (!c) return { rule: 'known', detail: `no calendar "${echo(calId)}" in corp ${caller.corpid}` }
  if (c.agentid !== caller.agentid)
    return { rule: 'own-app', detail: `calendar "${echo(calId)}" was created by app ${c.agentid}` }
  if (c.deleted) return { rule: 'deleted', detail: `calendar "${echo(calId)}" is deleted` }
  return undefined
}

/** What the cal_id hooks see: the request and its caller; they leave the calendars the ids name for the handler. */
export interface CalendarIdCheck {
  ctx: RequestContext
  caller: WecomCaller
  /** The calendars of the ids, in their order, once the hooks have looked them up (all of them, when they pass). */
  calendars?: (CalendarRecord | undefined)[]
  /** The first id's fault, once looked for (null: none). */
  calFault?: { rule: CalIdRule; detail: string } | null
}

/**
 * The `<endpoint>.cal_id.known`, `.own-app` and `.deleted` hooks of an endpoint whose body names calendars
 * (`idsOf`), run by src/core/rule-checks.ts at the rules' place in the file. The ids are checked in turn and
 * the first that breaks any of the three decides, so a list answers for its first bad id whatever its fault.
 */
export function calIdHooks<B, C extends CalendarIdCheck>(
  idsOf: (body: B) => readonly string[],
): Record<CalIdRule, (body: B, s: C) => string | undefined> {
  const fault = (b: B, s: C) => {
    if (s.calFault !== undefined) return s.calFault
    const ids = idsOf(b)
    const calendars = ids.map((id) => (id === '' ? undefined : calendarOf(s.ctx, s.caller.corpid, id)))
    s.calendars = calendars
    s.calFault = null
    for (let i = 0; i < ids.length && !s.calFault; i++) s.calFault = calIdFault(calendars[i], s.caller, ids[i]!) ?? null
    return s.calFault
  }
  const hook = (rule: CalIdRule) => (b: B, s: C) => {
    const f = fault(b, s)
    return f?.rule === rule ? f.detail : undefined
  }
  return { known: hook('known'), 'own-app': hook('own-app'), deleted: hook('deleted') }
}
