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
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomCalendarDelRequest } from '../../generated/contracts.ts'
import { wecomCaller } from '../auth.ts'
import { type CalendarIdCheck, calIdHooks } from './calendars.ts'

const R = 'wecom.calendar.del'

const calId = calIdHooks<WecomCalendarDelRequest, CalendarIdCheck>((b) => [b.cal_id])

/** The rules of contracts/rules/wecom.calendar.del.json in its order: the schema's, then cal_id's. */
const check = ruleChecks<WecomCalendarDelRequest, CalendarIdCheck>(rulesOf(R), {
  hooks: {
    [`${R}.cal_id.known`]: calId.known,
    [`${R}.cal_id.own-app`]: calId['own-app'],
    [`${R}.cal_id.deleted`]: calId.deleted,
  },
  elsewhere: [`${R}.cal_id.required`, `${R}.types`],
})

export const calendarDel = defineEndpoint(R, {
  shape: { fallback: `${R}.types`, fields: { 'cal_id:required': `${R}.cal_id.required` } },
  handle(ctx) {
    const caller = wecomCaller(ctx)
    const s: CalendarIdCheck = { ctx, caller }
    check(ctx.body as WecomCalendarDelRequest, s)
    const calendar = s.calendars![0]!
    const { schedules, wecomCalendars } = ctx.env.stores
    for (const s of schedules.list({ corpid: caller.corpid, agentid: caller.agentid }))
      if (s.calId === calendar.calId && s.status === 0) schedules.cancel(s.id)
    wecomCalendars.remove(caller.corpid, calendar.calId)
    return {}
  },
})
