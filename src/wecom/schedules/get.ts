/**
 * `POST /cgi-bin/oa/schedule/get` (获取日程详情, https://developer.work.weixin.qq.com/document/path/93648 and the
 * SKIT SDK's samples, https://github.com/fudiwei/DotNetCore.SKIT.FlurlHttpClient.Wechat): the schedules in
 * `schedule_list[]`. It sees the schedules a meeting mail created too: they are the same records.
 *
 * @example
 * POST /cgi-bin/oa/schedule/get?access_token=…
 * {"schedule_id_list":["17c7d2bd9f20d652840f72f59e796AAA"]}
 */
import { fail } from '../../core/errors.ts'
import { defineEndpoint } from '../../core/module.ts'
import type { WecomScheduleGetRequest } from '../../generated/contracts.ts'
import { ownSchedule } from './own.ts'
import { scheduleView } from './store.ts'

export const scheduleGet = defineEndpoint('wecom.schedule.get', {
  shape: {
    fallback: 'wecom.schedule.get.types',
    fields: { 'schedule_id_list:maxItems': 'wecom.schedule.get.schedule_id_list.max' },
  },
  handle(ctx) {
    const body = ctx.body as WecomScheduleGetRequest
    const ids = body.schedule_id_list ?? []
    // INFERRED: absent and empty both mean "no ids" → 90462 日程ID列表不能为空.
    if (ids.length === 0)
      fail(90462, 'wecom.schedule.get.schedule_id_list.required: schedule_id_list is absent or empty')
    // Cancelled schedules are returned too, with status 1 (doc: 被取消的日程也可以拉取详情).
    return { schedule_list: ids.map((id) => scheduleView(ownSchedule(ctx, id, 'wecom.schedule.get'))) }
  },
})
