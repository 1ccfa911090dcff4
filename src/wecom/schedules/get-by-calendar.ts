/**
 * `POST /cgi-bin/oa/schedule/get_by_calendar` (获取日历下的日程列表,
 * https://developer.work.weixin.qq.com/document/path/97723): a page of the schedules on a calendar the app
 * created, in the order they were made (cancelled ones too, as the doc example's `status: 1`), each in
 * oa/schedule/get's shape with its `sequence`. Past the end the list is empty; new schedules follow at the end,
 * so a client polls on from where it stopped.
 *
 * @example
 * POST /cgi-bin/oa/schedule/get_by_calendar?access_token=…
 * {"cal_id":"wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA","offset":0,"limit":100}
 */
import { defineEndpoint } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomScheduleGetByCalendarRequest } from '../../generated/contracts.ts'
import { wecomCaller } from '../auth.ts'
import { type CalendarIdCheck, calIdHooks } from '../calendar/calendars.ts'
import { wecomCheckOptions } from '../params.ts'
import { scheduleView } from './store.ts'

const R = 'wecom.schedule.get_by_calendar'
/** 默认为500. */
const DEFAULT_LIMIT = 500

type Body = WecomScheduleGetByCalendarRequest

const calId = calIdHooks<Body, CalendarIdCheck>((b) => [b.cal_id])

/** The rules of contracts/rules/wecom.schedule.get_by_calendar.json in its order: the page's, then cal_id's. */
const check = ruleChecks<Body, CalendarIdCheck>(rulesOf(R), {
  hooks: {
    [`${R}.cal_id.known`]: calId.known,
    [`${R}.cal_id.own-app`]: calId['own-app'],
    [`${R}.cal_id.deleted`]: calId.deleted,
  },
  elsewhere: [`${R}.cal_id.required`, `${R}.types`],
  options: wecomCheckOptions,
})

export const scheduleGetByCalendar = defineEndpoint(R, {
  shape: { fallback: `${R}.types`, fields: { 'cal_id:required': `${R}.cal_id.required` } },
  handle(ctx) {
    const caller = wecomCaller(ctx)
    const body = ctx.body as Body
    const s: CalendarIdCheck = { ctx, caller }
    check(body, s)
    const calendar = s.calendars![0]!
    const offset = body.offset ?? 0
    const limit = body.limit ?? DEFAULT_LIMIT
    const page: (ReturnType<typeof scheduleView> & { sequence: number })[] = []
    let seen = 0
    for (const s of ctx.env.stores.schedules.list({ corpid: caller.corpid, agentid: caller.agentid })) {
      if (s.calId !== calendar.calId) continue
      if (seen++ < offset) continue
      page.push({ ...scheduleView(s), sequence: s.sequence })
      if (page.length === limit) break
    }
    return { schedule_list: page }
  },
})
