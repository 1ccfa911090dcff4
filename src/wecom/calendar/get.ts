/**
 * `POST /cgi-bin/oa/calendar/get` (获取日历详情, https://developer.work.weixin.qq.com/document/path/97717): the
 * app's calendars in `calendar_list[]`, in the order asked (the seed's and the ones oa/calendar/add made).
 *
 * @example
 * POST /cgi-bin/oa/calendar/get?access_token=…
 * {"cal_id_list":["wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA"]}
 */
import { defineEndpoint } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomCalendarGetRequest } from '../../generated/contracts.ts'
import { wecomCaller } from '../auth.ts'
import { wecomCheckOptions } from '../params.ts'
import { ownCalendar } from './calendars.ts'
import { calendarView } from './store.ts'

const R = 'wecom.calendar.get'

const check = ruleChecks<WecomCalendarGetRequest>(rulesOf(R), {
  elsewhere: [`${R}.types`, `${R}.cal_id.known`, `${R}.cal_id.own-app`, `${R}.cal_id.deleted`],
  options: wecomCheckOptions,
})

export const calendarGet = defineEndpoint(R, {
  shape: { fallback: `${R}.types` },
  handle(ctx) {
    const caller = wecomCaller(ctx)
    const body = ctx.body as WecomCalendarGetRequest
    check(body, undefined)
    return { calendar_list: body.cal_id_list!.map((id) => calendarView(ownCalendar(ctx, caller, id, R))) }
  },
})
