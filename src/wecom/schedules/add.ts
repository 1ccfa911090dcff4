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
import { fail } from '../../core/errors.ts'
import { defineEndpoint, type ShapeRules } from '../../core/module.ts'
import type { WecomScheduleAddRequest } from '../../generated/contracts.ts'
import { wecomCaller } from '../auth.ts'
import { calendarOf, defaultCalendar } from '../calendar/calendars.ts'
import { checkScheduleFields, DEFAULT_SUMMARY, normaliseReminders } from '../calendar/schedule-fields.ts'
import { utf8Length } from '../params.ts'

const SHAPE_RULES: ShapeRules['fields'] = {
  schedule: 'wecom.schedule.add.schedule.required',
  'schedule.start_time': 'wecom.schedule.add.start_time.required',
  'schedule.end_time': 'wecom.schedule.add.end_time.required',
  'schedule.attendees[].userid:required': 'wecom.schedule.add.attendees.userid.required',
  'schedule.is_whole_day': 'wecom.schedule.add.is_whole_day.values',
}

export const scheduleAdd = defineEndpoint('wecom.schedule.add', {
  shape: { fallback: 'wecom.schedule.add.types', fields: SHAPE_RULES },
  handle(ctx) {
    const { corp, app } = wecomCaller(ctx)
    const body = ctx.body as WecomScheduleAddRequest
    const s = body.schedule
    const { schedules } = ctx.env.stores

    const { admins, attendees, isWholeDay } = checkScheduleFields(corp, s, 'wecom.schedule.add')
    // "第三方应用必须指定cal_id": it has no default calendar (INFERRED: 90708).
    if (app.kind === 'third-party' && !s.cal_id)
      fail(
        90708,
        'wecom.schedule.add.cal_id.third-party: a third-party app must name cal_id (it has no default calendar)',
      )
    let calId: string
    if (s.cal_id !== undefined && s.cal_id !== '') {
      if (utf8Length(s.cal_id) > 64)
        fail(40058, 'wecom.schedule.add.cal_id.length: cal_id is over 64 bytes', {
          prefix: 'schedule.cal_id exceed max length 64. Invalid input ',
        })
      const calendar = calendarOf(ctx, corp.corpid, s.cal_id)
      if (!calendar)
        fail(90457, `wecom.schedule.add.cal_id.known: no calendar "${echo(s.cal_id)}" in corp ${corp.corpid}`)
      if (calendar.agentid !== app.agentid)
        fail(
          90466,
          `wecom.schedule.add.cal_id.own-app: calendar "${echo(s.cal_id)}" belongs to app ${calendar.agentid}`,
        )
      if (calendar.deleted) fail(90459, `wecom.schedule.add.cal_id.deleted: calendar "${echo(s.cal_id)}" is deleted`)
      calId = s.cal_id
    } else {
      calId = defaultCalendar(ctx, corp.corpid, app.agentid)
      if (calId === '')
        fail(
          90708,
          `wecom.schedule.add.cal_id.no-default: app ${app.agentid} has no calendar left to be its default; name a cal_id`,
        )
    }
    const record = schedules.add({
      corpid: corp.corpid,
      agentid: app.agentid,
      calId,
      admins: [...admins],
      attendees,
      summary: s.summary ? s.summary : DEFAULT_SUMMARY,
      description: s.description ?? '',
      location: s.location ?? '',
      startTime: s.start_time,
      endTime: s.end_time,
      isWholeDay: isWholeDay ? 1 : 0,
      reminders: normaliseReminders(s.reminders),
      origin: 'api',
      createdAt: ctx.now,
    })
    return { schedule_id: record.id }
  },
})
