/** The schedule a request names, if the calling app may touch it: get, del and update share the rule. */
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import type { RequestContext } from '../../core/module.ts'
import { wecomCaller } from '../auth.ts'
import type { ScheduleRecord } from './store.ts'

/**
 * An id this emulator never issued (or evicted, or of another corp) → 90461 日程ID异常; another app's of the
 * same corp → 90466 (INFERRED mapping). `rule` is the endpoint's prefix: `wecom.schedule.get`, `wecom.schedule.del`.
 */
export function ownSchedule(ctx: RequestContext, id: string, rule: string): ScheduleRecord {
  const p = wecomCaller(ctx)
  const record = ctx.env.stores.schedules.get(id)
  if (!record || record.corpid !== p.corpid)
    fail(90461, `${rule}.schedule_id.known: no schedule "${echo(id)}" in corp ${p.corpid}`)
  if (record.agentid !== p.agentid)
    fail(90466, `${rule}.schedule_id.own-app: schedule "${echo(id)}" was created by app ${record.agentid}`)
  return record
}
