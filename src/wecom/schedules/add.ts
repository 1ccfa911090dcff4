/**
 * `POST /cgi-bin/oa/schedule/add` (创建日程, https://developer.work.weixin.qq.com/document/path/93648), with every
 * documented rule and the errcode we map it to (the doc names none; codes from
 * https://developer.work.weixin.qq.com/document/path/90313). Rule ids are those of
 * contracts/rules/wecom.schedule.add.json; the checks of the schedule's fields are shared with
 * oa/schedule/update (src/wecom/calendar/schedule-fields.ts).
 *
 * @example
 * POST /cgi-bin/oa/schedule/add?access_token=…
 * {"schedule":{"start_time":1571274600,"end_time":1571320210,"attendees":[{"userid":"userid2"}]}}
 * → {"errcode":0,"errmsg":"ok","schedule_id":"17c7d2bd9f20d652840f72f59e796AAA"}
 */
import { echo } from '../../core/echo.ts'
import { defineEndpoint, type RequestContext, type ShapeRules } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomScheduleAddRequest } from '../../generated/contracts.ts'
import { type WecomCaller, wecomCaller } from '../auth.ts'
import { calendarOf, defaultCalendar } from '../calendar/calendars.ts'
import { DEFAULT_SUMMARY, normaliseReminders, schedulePeople, scheduleRules } from '../calendar/schedule-fields.ts'
import { wecomCheckOptions } from '../params.ts'

const SHAPE_RULES: ShapeRules['fields'] = {
  schedule: 'wecom.schedule.add.schedule.required',
  'schedule.start_time': 'wecom.schedule.add.start_time.required',
  'schedule.end_time': 'wecom.schedule.add.end_time.required',
  'schedule.attendees[].userid:required': 'wecom.schedule.add.attendees.userid.required',
  'schedule.is_whole_day': 'wecom.schedule.add.is_whole_day.values',
}

/** A calendar named, not the empty string (which means the app's default one). */
const named = (calId: string | undefined) => (calId !== undefined && calId !== '' ? calId : undefined)

/** What the hooks see besides the body: the request and its caller, and the calendar the schedule goes on. */
interface Check {
  ctx: RequestContext
  caller: WecomCaller
  calId?: string
}

/** The calendar the body names, looked up in the calendars' store (live or deleted). */
const namedCalendar = (b: WecomScheduleAddRequest, { ctx, caller }: Check) => {
  const calId = named(b.schedule.cal_id)
  return calId ? calendarOf(ctx, caller.corpid, calId) : undefined
}

/**
 * Every refusing rule of contracts/rules/wecom.schedule.add.json in its file order: the plain ones from their
 * `check`, the rest here, by id (the schedule's own rules shared with oa/schedule/update).
 */
const check = ruleChecks<WecomScheduleAddRequest, Check>(rulesOf('wecom.schedule.add'), {
  elsewhere: [
    'wecom.schedule.add.schedule.required',
    'wecom.schedule.add.types',
    'wecom.schedule.add.start_time.required',
    'wecom.schedule.add.end_time.required',
    'wecom.schedule.add.attendees.userid.required',
    'wecom.schedule.add.is_whole_day.values',
  ],
  options: wecomCheckOptions,
  hooks: {
    'wecom.schedule.add.time.order': (b) => scheduleRules.timeOrder(b.schedule),
    'wecom.schedule.add.attendees.userid.known': (b, { caller }) =>
      scheduleRules.attendeeKnown(caller.corp, b.schedule),
    'wecom.schedule.add.admins.among-attendees': (b) => scheduleRules.adminAmongAttendees(b.schedule),
    'wecom.schedule.add.reminders.remind_before_event_secs.values': (b) => scheduleRules.remindBefore(b.schedule),
    'wecom.schedule.add.reminders.remind_time_diffs.values': (b) => scheduleRules.remindDiffs(b.schedule, false),
    'wecom.schedule.add.reminders.remind_time_diffs.whole-day': (b) => scheduleRules.remindDiffs(b.schedule, true),
    'wecom.schedule.add.reminders.repeat_interval.custom': (b) => scheduleRules.customInterval(b.schedule),
    'wecom.schedule.add.reminders.repeat_interval.range': (b) =>
      scheduleRules.intervalRange(b.schedule.reminders, b.schedule.start_time),
    // "第三方应用必须指定cal_id": it has no default calendar (INFERRED: 90708).
    'wecom.schedule.add.cal_id.third-party': (b, { caller }) =>
      caller.app.kind === 'third-party' && !b.schedule.cal_id
        ? 'a third-party app must name cal_id (it has no default calendar)'
        : undefined,
    'wecom.schedule.add.cal_id.known': (b, s) => {
      const calId = named(b.schedule.cal_id)
      return calId && !namedCalendar(b, s) ? `no calendar "${echo(calId)}" in corp ${s.caller.corpid}` : undefined
    },
    'wecom.schedule.add.cal_id.own-app': (b, s) => {
      const calendar = namedCalendar(b, s)
      return calendar && calendar.agentid !== s.caller.agentid
        ? `calendar "${echo(b.schedule.cal_id)}" belongs to app ${calendar.agentid}`
        : undefined
    },
    'wecom.schedule.add.cal_id.deleted': (b, s) =>
      namedCalendar(b, s)?.deleted ? `calendar "${echo(b.schedule.cal_id)}" is deleted` : undefined,
    'wecom.schedule.add.cal_id.no-default': (b, s) => {
      if (named(b.schedule.cal_id)) return undefined
      s.calId = defaultCalendar(s.ctx, s.caller.corpid, s.caller.agentid)
      return s.calId === ''
        ? `app ${s.caller.agentid} has no calendar left to be its default; name a cal_id`
        : undefined
    },
  },
})

function add(ctx: RequestContext): Record<string, unknown> {
  const caller = wecomCaller(ctx)
  const { corp, app } = caller
  const body = ctx.body as WecomScheduleAddRequest
  const state: Check = { ctx, caller }
  check(body, state)
  const s = body.schedule
  const { admins, attendees } = schedulePeople(s)
  const record = ctx.env.stores.schedules.add({
    corpid: corp.corpid,
    agentid: app.agentid,
    calId: named(s.cal_id) ?? state.calId!,
    admins,
    attendees,
    summary: s.summary ? s.summary : DEFAULT_SUMMARY,
    description: s.description ?? '',
    location: s.location ?? '',
    startTime: s.start_time,
    endTime: s.end_time,
    isWholeDay: s.is_whole_day === 1 ? 1 : 0,
    reminders: normaliseReminders(s.reminders),
    origin: 'api',
    createdAt: ctx.now,
  })
  return { schedule_id: record.id }
}

export const scheduleAdd = defineEndpoint('wecom.schedule.add', {
  shape: { fallback: 'wecom.schedule.add.types', fields: SHAPE_RULES },
  handle: add,
})
