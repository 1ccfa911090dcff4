/**
 * `POST /cgi-bin/oa/schedule/del` (取消日程, https://developer.work.weixin.qq.com/document/path/93648 and the SKIT
 * SDK's samples): cancels a schedule, or with `op_mode` one occurrence of a repeating one (1) or it and the
 * ones after (2). A schedule a meeting mail created is cancelled by another mail, not here (90497).
 *
 * @example
 * POST /cgi-bin/oa/schedule/del?access_token=…
 * {"schedule_id":"17c7d2bd9f20d652840f72f59e796AAA"}
 */
import { fail } from '../../core/errors.ts'
import { defineEndpoint } from '../../core/module.ts'
import type { WecomScheduleDelRequest } from '../../generated/contracts.ts'
import { ownSchedule } from './own.ts'

export const scheduleDel = defineEndpoint('wecom.schedule.del', {
  shape: {
    fallback: 'wecom.schedule.del.types',
    fields: { 'schedule_id:required': 'wecom.schedule.del.schedule_id.required' },
  },
  handle(ctx) {
    const body = ctx.body as WecomScheduleDelRequest
    const { schedules } = ctx.env.stores
    if (body.schedule_id === '') fail(90461, 'wecom.schedule.del.schedule_id.known: schedule_id is empty')
    const record = ownSchedule(ctx, body.schedule_id, 'wecom.schedule.del')
    if (record.status === 1) fail(90460, `wecom.schedule.del.deleted: schedule "${record.id}" is already cancelled`)
    // A meeting mail's schedule is changed (and cancelled) by another mail, so its meeting follows.
    if (record.origin === 'mail')
      fail(90497, `wecom.schedule.del.mail-created: schedule "${record.id}" was created by a meeting mail`)
    const mode = body.op_mode ?? 0
    if (mode < 0 || mode > 2) fail(90485, `wecom.schedule.del.op_mode.values: ${mode} is not 0, 1 or 2`)
    // op_mode only matters for a recurring schedule (doc 97725: 是重复日程时有效).
    if (record.reminders.is_repeat === 1 && mode !== 0) {
      const at = body.op_start_time
      if (at === undefined || at < record.startTime)
        fail(
          90482,
          `wecom.schedule.del.op_start_time: op_mode ${mode} needs an op_start_time at or after the first start`,
        )
      if (mode === 1) {
        schedules.excludeOccurrence(record.id, at)
        return {}
      }
      if (at > record.startTime) {
        // "删除本次及后续日程": the series now ends just before that occurrence.
        schedules.endSeriesBefore(record.id, at)
        return {}
      }
    }
    schedules.cancel(record.id)
    return {}
  },
})
