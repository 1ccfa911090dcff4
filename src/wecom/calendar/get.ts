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
import { type CalendarIdCheck, calIdHooks } from './calendars.ts'
import { calendarView } from './store.ts'

const R = 'wecom.calendar.get'

const calId = calIdHooks<WecomCalendarGetRequest, CalendarIdCheck>((b) => b.cal_id_list ?? [])

/** The rules of contracts/rules/wecom.calendar.get.json in its order: the list's, then each id's in turn. */
const check = ruleChecks<WecomCalendarGetRequest, CalendarIdCheck>(rulesOf(R), {
  hooks: {
    [`${R}.cal_id.known`]: calId.known,
    [`${R}.cal_id.own-app`]: calId['own-app'],
    [`${R}.cal_id.deleted`]: calId.deleted,
  },
  elsewhere: [`${R}.types`],
  options: wecomCheckOptions,
})

export const calendarGet = defineEndpoint(R, {
  shape: { fallback: `${R}.types` },
  handle(ctx) {
    const s: CalendarIdCheck = { ctx, caller: wecomCaller(ctx) }
    check(ctx.body as WecomCalendarGetRequest, s)
    return { calendar_list: s.calendars!.map((c) => calendarView(c!)) }
  },
})
