/**
 * `POST /cgi-bin/oa/schedule/update` (更新日程, https://developer.work.weixin.qq.com/document/path/97720): the
 * schedule's fields are overwritten, not merged ("更新操作是覆盖式"), with oa/schedule/add's rules; its calendar
 * and creator stay. `skip_attendees: 1` keeps the attendees. For a repeating schedule `op_mode` picks what
 * changes (https://developer.work.weixin.qq.com/document/path/96204): 0 every occurrence; 1 only the one
 * starting at `op_start_time`, which leaves the series (its exclude_time_list) as a schedule of its own; 2 that
 * one and the ones after, which end the series (its repeat_until) and go on as a new one. Either split answers
 * the new schedule's id; op_mode 2 at the first start is a change of every occurrence. Rule ids are those of
 * contracts/rules/wecom.schedule.update.json.
 *
 * @example
 * POST /cgi-bin/oa/schedule/update?access_token=…
 * {"op_mode":1,"op_start_time":1663135200,
 *  "schedule":{"schedule_id":"17c7d2bd9f20d652840f72f59e796AAA","start_time":1663142400,"end_time":1663146000}}
 * → {"errcode":0,"errmsg":"ok","schedule_id":"…"}
 */
import { echo } from '../../core/echo.ts'
import { defineEndpoint, type RequestContext, type ShapeRules } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomScheduleReminders, WecomScheduleUpdateRequest } from '../../generated/contracts.ts'
import { type WecomCaller, wecomCaller } from '../auth.ts'
import {
  DEFAULT_SUMMARY,
  isOccurrenceStart,
  normaliseReminders,
  type ScheduleFields,
  schedulePeople,
  scheduleRules,
} from '../calendar/schedule-fields.ts'
import { wecomCheckOptions } from '../params.ts'
import { corpSchedule, scheduleIdRules } from './own.ts'
import type { SchedulePatch, ScheduleRecord } from './store.ts'

const R = 'wecom.schedule.update'

const SHAPE_RULES: ShapeRules['fields'] = {
  'schedule:required': `${R}.schedule.required`,
  'schedule.schedule_id:required': `${R}.schedule_id.required`,
  'schedule.start_time:required': `${R}.start_time.required`,
  'schedule.end_time:required': `${R}.end_time.required`,
  'schedule.attendees[].userid:required': `${R}.attendees.userid.required`,
  'schedule.is_whole_day:enum': `${R}.is_whole_day.values`,
  'skip_attendees:enum': `${R}.skip_attendees.values`,
}

type Req = WecomScheduleUpdateRequest

/** "仅修改此日程" leaves a single occurrence: the repeat fields are dropped, the reminders kept. */
function singleOccurrence(r: WecomScheduleReminders | undefined): WecomScheduleReminders | undefined {
  if (!r) return undefined
  const { is_remind, remind_before_event_secs, remind_time_diffs, timezone } = r
  return {
    ...(is_remind !== undefined ? { is_remind } : {}),
    ...(remind_before_event_secs !== undefined ? { remind_before_event_secs } : {}),
    ...(remind_time_diffs !== undefined ? { remind_time_diffs } : {}),
    ...(timezone !== undefined ? { timezone } : {}),
  }
}

/** What the hooks see besides the body the rules check: the caller, the request as sent, and its schedule. */
interface Check {
  caller: WecomCaller
  sent: Req
  record: ScheduleRecord | undefined
}

/**
 * The fields the schedule gets, which the field rules check: the request's, with the kept attendees under
 * `skip_attendees: 1` and the repeat fields dropped for one occurrence (op_mode 1).
 */
function effective(body: Req, record: ScheduleRecord | undefined): Req {
  const s = body.schedule
  const reminders = (body.op_mode ?? 0) === 1 ? singleOccurrence(s.reminders) : s.reminders
  const schedule: ScheduleFields & { schedule_id: string } = {
    ...s,
    ...(body.skip_attendees === 1 && record ? { attendees: record.attendees.map((userid) => ({ userid })) } : {}),
    ...(reminders ? { reminders } : {}),
  }
  return { ...body, schedule }
}

const mode = (b: Req) => b.op_mode ?? 0

/**
 * Every refusing rule of contracts/rules/wecom.schedule.update.json in its file order: the plain ones from
 * their `check`, the rest here, by id (the schedule's own rules shared with oa/schedule/add). The schedule's
 * rules come first, then the fields it would get.
 */
const check = ruleChecks<Req, Check>(rulesOf(R), {
  elsewhere: [
    `${R}.schedule.required`,
    `${R}.schedule_id.required`,
    `${R}.body.types`,
    `${R}.skip_attendees.values`,
    `${R}.start_time.required`,
    `${R}.end_time.required`,
    `${R}.attendees.userid.required`,
    `${R}.is_whole_day.values`,
  ],
  options: wecomCheckOptions,
  hooks: {
    [`${R}.schedule_id.known`]: (b, { caller, record }) =>
      b.schedule.schedule_id === ''
        ? 'schedule_id is empty'
        : scheduleIdRules.known(caller, b.schedule.schedule_id, record),
    [`${R}.schedule_id.own-app`]: (_b, { caller, record }) => scheduleIdRules.ownApp(caller, record!),
    [`${R}.schedule_id.deleted`]: (_b, { record }) =>
      record!.status === 1 ? `schedule "${record!.id}" is cancelled` : undefined,
    // A meeting mail's schedule is changed by another mail, so its meeting follows (90497 不允许更新邮件创建的日程).
    [`${R}.schedule_id.mail-created`]: (_b, { record }) =>
      record!.origin === 'mail' ? `schedule "${record!.id}" was created by a meeting mail` : undefined,
    [`${R}.op_mode.repeating`]: (b, { record }) =>
      mode(b) !== 0 && record!.reminders.is_repeat !== 1
        ? `op_mode ${mode(b)} is for a repeating schedule; "${record!.id}" does not repeat`
        : undefined,
    [`${R}.op_start_time.occurrence`]: (b, { record }) => {
      const at = b.op_start_time
      if (mode(b) === 0 || (at !== undefined && isOccurrenceStart(record!, at))) return undefined
      return `op_start_time ${at === undefined ? 'is missing' : `${echo(at)} is no occurrence's start`} of schedule "${record!.id}"`
    },
    [`${R}.op_mode.single`]: (b, { sent }) =>
      mode(b) === 1 && sent.schedule.reminders?.is_repeat === 1
        ? 'op_mode 1 changes one occurrence, which cannot repeat (is_repeat 1)'
        : undefined,
    [`${R}.time.order`]: (b) => scheduleRules.timeOrder(b.schedule),
    [`${R}.attendees.userid.known`]: (b, { caller }) => scheduleRules.attendeeKnown(caller.corp, b.schedule),
    [`${R}.admins.among-attendees`]: (b) => scheduleRules.adminAmongAttendees(b.schedule),
    [`${R}.reminders.remind_before_event_secs.values`]: (b) => scheduleRules.remindBefore(b.schedule),
    [`${R}.reminders.remind_time_diffs.values`]: (b) => scheduleRules.remindDiffs(b.schedule, false),
    [`${R}.reminders.remind_time_diffs.whole-day`]: (b) => scheduleRules.remindDiffs(b.schedule, true),
    [`${R}.reminders.repeat_interval.custom`]: (b) => scheduleRules.customInterval(b.schedule),
    [`${R}.reminders.repeat_interval.range`]: (b) =>
      scheduleRules.intervalRange(b.schedule.reminders, b.schedule.start_time),
  },
})

function update(ctx: RequestContext): Record<string, unknown> {
  const caller = wecomCaller(ctx)
  const sent = ctx.body as Req
  const { schedules } = ctx.env.stores
  const record = sent.schedule.schedule_id === '' ? undefined : corpSchedule(ctx, caller, sent.schedule.schedule_id)
  const body = effective(sent, record)
  check(body, { caller, sent, record })
  const kept = record!
  const s = body.schedule
  const at = body.op_start_time
  const split = mode(body) === 1 || (mode(body) === 2 && at !== kept.startTime)
  const patch = {
    ...schedulePeople(s),
    summary: s.summary ? s.summary : DEFAULT_SUMMARY,
    description: s.description ?? '',
    location: s.location ?? '',
    startTime: s.start_time,
    endTime: s.end_time,
    isWholeDay: s.is_whole_day === 1 ? 1 : 0,
    reminders: normaliseReminders(s.reminders),
  } satisfies SchedulePatch

  if (!split) {
    schedules.update(kept.id, patch)
    return {}
  }
  // The series keeps what it was up to that occurrence; the changed part goes on as a schedule of its own.
  if (mode(body) === 1) schedules.excludeOccurrence(kept.id, at!)
  else schedules.endSeriesBefore(kept.id, at!)
  const added = schedules.add({
    corpid: kept.corpid,
    agentid: kept.agentid,
    calId: kept.calId,
    ...patch,
    origin: 'api',
    createdAt: ctx.now,
  })
  return { schedule_id: added.id }
}

export const scheduleUpdate = defineEndpoint(R, {
  shape: { fallback: `${R}.body.types`, fields: SHAPE_RULES },
  handle: update,
})
