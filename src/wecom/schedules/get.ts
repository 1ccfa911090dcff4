/**
 * `POST /cgi-bin/oa/schedule/get` (获取日程详情, https://developer.work.weixin.qq.com/document/path/93648 and the
 * SKIT SDK's samples, https://github.com/fudiwei/DotNetCore.SKIT.FlurlHttpClient.Wechat): the schedules in
 * `schedule_list[]`. It sees the schedules a meeting mail created too: they are the same records.
 *
 * @example
 * POST /cgi-bin/oa/schedule/get?access_token=…
 * {"schedule_id_list":["17c7d2bd9f20d652840f72f59e796AAA"]}
 */
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomScheduleGetRequest } from '../../generated/contracts.ts'
import { type WecomCaller, wecomCaller } from '../auth.ts'
import { corpSchedule, scheduleIdRules } from './own.ts'
import { type ScheduleRecord, scheduleView } from './store.ts'

interface Check {
  ctx: RequestContext
  caller: WecomCaller
  records?: (ScheduleRecord | undefined)[]
}

/** The schedules the ids name, and the first id the caller may not read (each id is checked in turn). */
function firstBad(
  b: WecomScheduleGetRequest,
  s: Check,
): { id: string; record: ScheduleRecord | undefined } | undefined {
  s.records ??= (b.schedule_id_list ?? []).map((id) => corpSchedule(s.ctx, s.caller, id))
  const i = s.records.findIndex((r) => !r || r.agentid !== s.caller.agentid)
  return i < 0 ? undefined : { id: b.schedule_id_list![i]!, record: s.records[i] }
}

/** The rules of contracts/rules/wecom.schedule.get.json in its order. */
const check = ruleChecks<WecomScheduleGetRequest, Check>(rulesOf('wecom.schedule.get'), {
  elsewhere: ['wecom.schedule.get.schedule_id_list.max', 'wecom.schedule.get.types'],
  hooks: {
    'wecom.schedule.get.schedule_id.known': (b, s) => {
      const bad = firstBad(b, s)
      return bad && !bad.record ? scheduleIdRules.known(s.caller, bad.id, undefined) : undefined
    },
    'wecom.schedule.get.schedule_id.own-app': (b, s) => {
      const bad = firstBad(b, s)
      return bad?.record ? scheduleIdRules.ownApp(s.caller, bad.record) : undefined
    },
  },
})

export const scheduleGet = defineEndpoint('wecom.schedule.get', {
  shape: {
    fallback: 'wecom.schedule.get.types',
    fields: { 'schedule_id_list:maxItems': 'wecom.schedule.get.schedule_id_list.max' },
  },
  handle(ctx) {
    const body = ctx.body as WecomScheduleGetRequest
    const s: Check = { ctx, caller: wecomCaller(ctx) }
    // INFERRED: absent and empty both mean "no ids" → 90462 日程ID列表不能为空 (the list's check).
    check(body, s)
    // Cancelled schedules are returned too, with status 1 (doc: 被取消的日程也可以拉取详情).
    return { schedule_list: s.records!.map((r) => scheduleView(r!)) }
  },
})
