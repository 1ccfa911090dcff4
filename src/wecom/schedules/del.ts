/**
 * `POST /cgi-bin/oa/schedule/del` (取消日程, https://developer.work.weixin.qq.com/document/path/93648 and the SKIT
 * SDK's samples): cancels a schedule, or with `op_mode` one occurrence of a repeating one (1) or it and the
 * ones after (2). A schedule a meeting mail created is cancelled by another mail, not here (90497).
 *
 * @example
 * POST /cgi-bin/oa/schedule/del?access_token=…
 * {"schedule_id":"17c7d2bd9f20d652840f72f59e796AAA"}
 */
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomScheduleDelRequest } from '../../generated/contracts.ts'
import { type WecomCaller, wecomCaller } from '../auth.ts'
import { corpSchedule, scheduleIdRules } from './own.ts'
import type { ScheduleRecord } from './store.ts'

interface Check {
  caller: WecomCaller
  record: ScheduleRecord | undefined
}

const mode = (b: WecomScheduleDelRequest) => b.op_mode ?? 0

/** The rules of contracts/rules/wecom.schedule.del.json in its order: the schedule's, then op_mode's. */
const check = ruleChecks<WecomScheduleDelRequest, Check>(rulesOf('wecom.schedule.del'), {
  elsewhere: ['wecom.schedule.del.schedule_id.required', 'wecom.schedule.del.types'],
  hooks: {
    'wecom.schedule.del.schedule_id.known': (b, { caller, record }) =>
      b.schedule_id === '' ? 'schedule_id is empty' : scheduleIdRules.known(caller, b.schedule_id, record),
    'wecom.schedule.del.schedule_id.own-app': (_b, { caller, record }) => scheduleIdRules.ownApp(caller, record!),
    'wecom.schedule.del.deleted': (_b, { record }) =>
      record!.status === 1 ? `schedule "${record!.id}" is already cancelled` : undefined,
    // A meeting mail's schedule is changed (and cancelled) by another mail, so its meeting follows.
    'wecom.schedule.del.mail-created': (_b, { record }) =>
      record!.origin === 'mail' ? `schedule "${record!.id}" was created by a meeting mail` : undefined,
    // op_mode only matters for a recurring schedule (doc 97725: 是重复日程时有效).
    'wecom.schedule.del.op_start_time': (b, { record }) => {
      const at = b.op_start_time
      return record!.reminders.is_repeat === 1 && mode(b) !== 0 && (at === undefined || at < record!.startTime)
        ? `op_mode ${mode(b)} needs an op_start_time at or after the first start`
        : undefined
    },
  },
})

function del(ctx: RequestContext): Record<string, unknown> {
  const body = ctx.body as WecomScheduleDelRequest
  const caller = wecomCaller(ctx)
  const { schedules } = ctx.env.stores
  const record = body.schedule_id === '' ? undefined : corpSchedule(ctx, caller, body.schedule_id)
  check(body, { caller, record })
  const kept = record!
  if (kept.reminders.is_repeat === 1 && mode(body) !== 0) {
    const at = body.op_start_time!
    if (mode(body) === 1) {
      schedules.excludeOccurrence(kept.id, at)
      return {}
    }
    if (at > kept.startTime) {
      // "删除本次及后续日程": the series now ends just before that occurrence.
      schedules.endSeriesBefore(kept.id, at)
      return {}
    }
  }
  schedules.cancel(kept.id)
  return {}
}

export const scheduleDel = defineEndpoint('wecom.schedule.del', {
  shape: {
    fallback: 'wecom.schedule.del.types',
    fields: { 'schedule_id:required': 'wecom.schedule.del.schedule_id.required' },
  },
  handle: del,
})
