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
import { fail } from '../../core/errors.ts'
import { defineEndpoint, type ShapeRules } from '../../core/module.ts'
import type { WecomScheduleReminders, WecomScheduleUpdateRequest } from '../../generated/contracts.ts'
import { wecomCaller } from '../auth.ts'
import {
  checkScheduleFields,
  DEFAULT_SUMMARY,
  isOccurrenceStart,
  normaliseReminders,
  type ScheduleFields,
} from '../calendar/schedule-fields.ts'
import { ownSchedule } from './own.ts'
import type { SchedulePatch } from './store.ts'

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

export const scheduleUpdate = defineEndpoint('wecom.schedule.update', {
  shape: { fallback: `${R}.body.types`, fields: SHAPE_RULES },
  handle(ctx) {
    const { corp } = wecomCaller(ctx)
    const body = ctx.body as WecomScheduleUpdateRequest
    const s = body.schedule
    const { schedules } = ctx.env.stores

    if (s.schedule_id === '') fail(90461, `${R}.schedule_id.known: schedule_id is empty`)
    const record = ownSchedule(ctx, s.schedule_id, R)
    if (record.status === 1) fail(90460, `${R}.schedule_id.deleted: schedule "${record.id}" is cancelled`)
    // A meeting mail's schedule is changed by another mail, so its meeting follows (90497 不允许更新邮件创建的日程).
    if (record.origin === 'mail')
      fail(90497, `${R}.schedule_id.mail-created: schedule "${record.id}" was created by a meeting mail`)

    const mode = body.op_mode ?? 0
    if (mode < 0 || mode > 2) fail(90485, `${R}.op_mode.values: ${mode} is not 0, 1 or 2`)
    const at = body.op_start_time
    if (mode !== 0) {
      if (record.reminders.is_repeat !== 1)
        fail(
          90485,
          `${R}.op_mode.repeating: op_mode ${mode} is for a repeating schedule; "${record.id}" does not repeat`,
        )
      if (at === undefined || !isOccurrenceStart(record, at))
        fail(
          90482,
          `${R}.op_start_time.occurrence: op_start_time ${at === undefined ? 'is missing' : `${echo(at)} is no occurrence's start`} of schedule "${record.id}"`,
        )
      if (mode === 1 && s.reminders?.is_repeat === 1)
        fail(90484, `${R}.op_mode.single: op_mode 1 changes one occurrence, which cannot repeat (is_repeat 1)`)
    }
    const split = mode === 1 || (mode === 2 && at !== record.startTime)

    const reminders = mode === 1 ? singleOccurrence(s.reminders) : s.reminders
    const fields: ScheduleFields = {
      ...s,
      ...(body.skip_attendees === 1 ? { attendees: record.attendees.map((userid) => ({ userid })) } : {}),
      ...(reminders ? { reminders } : {}),
    }
    const { admins, attendees, isWholeDay } = checkScheduleFields(corp, fields, R)
    const patch = {
      admins,
      attendees,
      summary: s.summary ? s.summary : DEFAULT_SUMMARY,
      description: s.description ?? '',
      location: s.location ?? '',
      startTime: s.start_time,
      endTime: s.end_time,
      isWholeDay: isWholeDay ? 1 : 0,
      reminders: normaliseReminders(reminders),
    } satisfies SchedulePatch

    if (!split) {
      schedules.update(record.id, patch)
      return {}
    }
    // The series keeps what it was up to that occurrence; the changed part goes on as a schedule of its own.
    if (mode === 1) schedules.excludeOccurrence(record.id, at!)
    else schedules.endSeriesBefore(record.id, at!)
    const added = schedules.add({
      corpid: record.corpid,
      agentid: record.agentid,
      calId: record.calId,
      ...patch,
      origin: 'api',
      createdAt: ctx.now,
    })
    return { schedule_id: added.id }
  },
})
