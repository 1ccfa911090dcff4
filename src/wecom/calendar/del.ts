/**
 * `POST /cgi-bin/oa/calendar/del` (删除日历, https://developer.work.weixin.qq.com/document/path/97718): the
 * calendar is deleted, and its schedules with it (decision: schedules on a deleted calendar): they stay
 * readable through oa/schedule/get as cancelled ones (status 1). The id then answers 90459 日历已删除. If it
 * was the app's default calendar, its oldest live one becomes the default.
 *
 * @example
 * POST /cgi-bin/oa/calendar/del?access_token=…
 * {"cal_id":"wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA"}
 */
import { defineEndpoint } from '../../core/module.ts'
import type { WecomCalendarDelRequest } from '../../generated/contracts.ts'
import { wecomCaller } from '../auth.ts'
import { ownCalendar } from './calendars.ts'

const R = 'wecom.calendar.del'

export const calendarDel = defineEndpoint(R, {
  shape: { fallback: `${R}.types`, fields: { 'cal_id:required': `${R}.cal_id.required` } },
  handle(ctx) {
    const caller = wecomCaller(ctx)
    const body = ctx.body as WecomCalendarDelRequest
    const calendar = ownCalendar(ctx, caller, body.cal_id, R)
    const { schedules, wecomCalendars } = ctx.env.stores
    for (const s of schedules.list({ corpid: caller.corpid, agentid: caller.agentid }))
      if (s.calId === calendar.calId && s.status === 0) schedules.cancel(s.id)
    wecomCalendars.remove(caller.corpid, calendar.calId)
    return {}
  },
})
