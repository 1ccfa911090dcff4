/**
 * `POST /cgi-bin/oa/calendar/add` (创建日历, https://developer.work.weixin.qq.com/document/path/93647): a calendar
 * of the calling app, whose id oa/schedule/add and meeting/create then take as `cal_id`. The rules are
 * contracts/rules/wecom.calendar.add.json, checked in its order (plain checks from the data, the rest below);
 * shares that name no visible user of the corp are not kept and come back in `fail_result.shares`.
 *
 * @example
 * POST /cgi-bin/oa/calendar/add?access_token=…
 * {"calendar":{"summary":"test_summary","color":"#FF3030","shares":[{"userid":"lisi"}]}}
 * → {"errcode":0,"errmsg":"ok","cal_id":"wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA"}
 */
import { defineEndpoint, type ShapeRules } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomCalendarAddRequest } from '../../generated/contracts.ts'
import { wecomCaller } from '../auth.ts'
import { wecomCheckOptions } from '../params.ts'
import {
  adminsAmongShares,
  type CalendarCheckContext,
  colorRequired,
  failResult,
  keptShares,
  publicRangeRequired,
} from './fields.ts'
import { MAX_CORP_CALENDARS } from './store.ts'

const R = 'wecom.calendar.add'

const SHAPE_RULES: ShapeRules['fields'] = {
  calendar: `${R}.calendar.required`,
  'calendar.summary:required': `${R}.summary.required`,
  'calendar.set_as_default': `${R}.set_as_default.values`,
  'calendar.is_public': `${R}.is_public.values`,
  'calendar.is_corp_calendar': `${R}.is_corp_calendar.values`,
  'calendar.shares[].userid:required': `${R}.shares.userid.required`,
  'calendar.shares[].permission': `${R}.shares.permission.values`,
}

const check = ruleChecks<WecomCalendarAddRequest, CalendarCheckContext>(rulesOf(R), {
  hooks: {
    [`${R}.color.required`]: colorRequired,
    [`${R}.admins.among-shares`]: adminsAmongShares,
    [`${R}.public_range.required`]: publicRangeRequired,
    [`${R}.calendar.limit`]: (_b, c) => {
      const max = c.ctx.env.config.wecom.maxCalendars
      return c.ctx.env.stores.wecomCalendars.liveCount(c.caller.corpid, c.caller.agentid) >= max
        ? `app ${c.caller.agentid} already has ${max} calendars (wecom.maxCalendars)`
        : undefined
    },
    [`${R}.is_corp_calendar.limit`]: (_b, c) =>
      c.corpCalendar && c.ctx.env.stores.wecomCalendars.corpCalendarCount(c.caller.corpid) >= MAX_CORP_CALENDARS
        ? `corp ${c.caller.corpid} already has ${MAX_CORP_CALENDARS} 全员日历`
        : undefined,
  },
  elsewhere: [
    `${R}.calendar.required`,
    `${R}.body.types`,
    `${R}.summary.required`,
    `${R}.set_as_default.values`,
    `${R}.is_public.values`,
    `${R}.is_corp_calendar.values`,
    `${R}.shares.userid.required`,
    `${R}.shares.permission.values`,
  ],
  options: wecomCheckOptions,
})

export const calendarAdd = defineEndpoint(R, {
  shape: { fallback: `${R}.body.types`, fields: SHAPE_RULES },
  handle(ctx) {
    const caller = wecomCaller(ctx)
    const body = ctx.body as WecomCalendarAddRequest
    const cal = body.calendar
    const corpCalendar = cal.is_corp_calendar === 1
    const c: CalendarCheckContext = {
      ctx,
      caller,
      corpCalendar,
      isPublic: corpCalendar || cal.is_public === 1,
      keepsPublicRange: false,
    }
    check(body, c)
    const { kept, failed } = keptShares(c, cal.shares)
    const keptIds = new Set(kept.map((s) => s.userid))
    const record = ctx.env.stores.wecomCalendars.add(
      {
        corpid: caller.corpid,
        agentid: caller.agentid,
        // An admin whose share was not kept is no admin of it either.
        admins: [...new Set(cal.admins ?? [])].filter((a) => keptIds.has(a)),
        summary: cal.summary,
        // 全员日历不支持指定颜色: one keeps none.
        color: corpCalendar ? '' : (cal.color ?? ''),
        description: cal.description ?? '',
        shares: kept,
        isPublic: c.isPublic ? 1 : 0,
        publicRange: c.isPublic
          ? { userids: [...(cal.public_range?.userids ?? [])], partyids: [...(cal.public_range?.partyids ?? [])] }
          : { userids: [], partyids: [] },
        isCorpCalendar: corpCalendar ? 1 : 0,
        createdAt: ctx.now,
      },
      // 全员日历不支持...默认日历.
      cal.set_as_default === 1 && !corpCalendar,
    )
    return { cal_id: record.calId, ...failResult(failed) }
  },
})
