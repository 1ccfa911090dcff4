/**
 * Read-back of schedules: `POST /cgi-bin/oa/schedule/get` (获取日程详情) and `POST /cgi-bin/oa/schedule/del`
 * (取消日程), in the shapes of https://developer.work.weixin.qq.com/document/path/93648
 * (and the SKIT SDK's samples, https://github.com/fudiwei/DotNetCore.SKIT.FlurlHttpClient.Wechat).
 * Both see the schedules a meeting mail created too: they are the same records.
 */
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import type { WecomScheduleDelRequest, WecomScheduleGetRequest } from '../../generated/contracts.ts'
import { wecomCaller } from '../auth.ts'
import { type ScheduleRecord, scheduleView } from './store.ts'

/**
 * The schedule, if the calling app may touch it. An id this emulator never issued (or evicted, or of
 * another corp) → 90461 日程ID异常; another app's of the same corp → 90466 (INFERRED mapping).
 */
function ownSchedule(ctx: RequestContext, id: string, op: 'get' | 'del'): ScheduleRecord {
  const p = wecomCaller(ctx)
  const record = ctx.env.stores.schedules.get(id)
  if (!record || record.corpid !== p.corpid)
    fail(90461, `schedule.${op}.schedule_id.known: no schedule "${echo(id)}" in corp ${p.corpid}`)
  if (record.agentid !== p.agentid)
    fail(90466, `schedule.${op}.schedule_id.own-app: schedule "${echo(id)}" was created by app ${record.agentid}`)
  return record
}

export const scheduleGet = defineEndpoint('wecom.schedule.get', {
  shape: { fallback: 'schedule.get.types', fields: { schedule_id_list: 'schedule.get.schedule_id_list.max' } },
  handle(ctx) {
    const body = ctx.body as WecomScheduleGetRequest
    const ids = body.schedule_id_list ?? []
    // INFERRED: absent and empty both mean "no ids" → 90462 日程ID列表不能为空.
    if (ids.length === 0) fail(90462, 'schedule.get.schedule_id_list.required: schedule_id_list is absent or empty')
    // Cancelled schedules are returned too, with status 1 (doc: 被取消的日程也可以拉取详情).
    return { schedule_list: ids.map((id) => scheduleView(ownSchedule(ctx, id, 'get'))) }
  },
})

export const scheduleDel = defineEndpoint('wecom.schedule.del', {
  shape: { fallback: 'schedule.del.types', fields: { schedule_id: 'schedule.del.schedule_id.required' } },
  handle(ctx) {
    const body = ctx.body as WecomScheduleDelRequest
    if (body.schedule_id === '') fail(90461, 'schedule.del.schedule_id.known: schedule_id is empty')
    const record = ownSchedule(ctx, body.schedule_id, 'del')
    if (record.status === 1) fail(90460, `schedule.del.deleted: schedule "${record.id}" is already cancelled`)
    // A meeting mail's schedule is changed (and cancelled) by another mail, so its meeting follows.
    if (record.origin === 'mail')
      fail(90497, `schedule.del.mail-created: schedule "${record.id}" was created by a meeting mail`)
    const mode = body.op_mode ?? 0
    if (mode < 0 || mode > 2) fail(90485, `schedule.del.op_mode.values: ${mode} is not 0, 1 or 2`)
    // op_mode only matters for a recurring schedule (doc 97725: 是重复日程时有效).
    if (record.reminders.is_repeat === 1 && mode !== 0) {
      const at = body.op_start_time
      if (at === undefined || at < record.startTime)
        fail(90482, `schedule.del.op_start_time: op_mode ${mode} needs an op_start_time at or after the first start`)
      if (mode === 1) {
        record.reminders.exclude_time_list.push({ start_time: at })
        return {}
      }
      if (at > record.startTime) {
        // "删除本次及后续日程": the series now ends just before that occurrence.
        record.reminders.repeat_until = at - 1
        return {}
      }
    }
    ctx.env.stores.schedules.cancel(record.id)
    return {}
  },
})
