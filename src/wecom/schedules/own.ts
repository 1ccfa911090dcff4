/**
 * The schedule a request names, if the calling app may touch it: get, del and update share the rules. An id
 * this emulator never issued (or evicted, or of another corp) → 90461 日程ID异常; another app's of the same
 * corp → 90466 (INFERRED mapping). Each endpoint runs them as hooks (`<endpoint>.schedule_id.known`, `.own-app`).
 */
import { echo } from '../../core/echo.ts'
import type { RequestContext } from '../../core/module.ts'
import type { WecomCaller } from '../auth.ts'
import type { ScheduleRecord } from './store.ts'

/** The schedule `id` names in the caller's corp: another corp's does not exist for it. */
export function corpSchedule(ctx: RequestContext, caller: WecomCaller, id: string): ScheduleRecord | undefined {
  const record = ctx.env.stores.schedules.get(id)
  return record && record.corpid === caller.corpid ? record : undefined
}

export const scheduleIdRules = {
  known: (caller: WecomCaller, id: string, record: ScheduleRecord | undefined) =>
    record ? undefined : `no schedule "${echo(id)}" in corp ${caller.corpid}`,
  ownApp: (caller: WecomCaller, record: ScheduleRecord) =>
    record.agentid !== caller.agentid
      ? `schedule "${echo(record.id)}" was created by app ${record.agentid}`
      : undefined,
}
