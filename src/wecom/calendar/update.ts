/**
 * `POST /cgi-bin/oa/calendar/update` (更新日历, https://developer.work.weixin.qq.com/document/path/97716): the
 * calendar's fields are overwritten, not merged ("更新操作是覆盖式"), with oa/calendar/add's rules; its id, owner,
 * is_public and is_corp_calendar stay ("该属性不可更新": sent, they are ignored). `skip_public_range: 1` keeps
 * the public range. Rule ids are those of contracts/rules/wecom.calendar.update.json.
 *
 * @example
 * POST /cgi-bin/oa/calendar/update?access_token=…
 * {"calendar":{"cal_id":"wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA","summary":"test_summary","color":"#FF3030"}}
 * → {"errcode":0,"errmsg":"ok"}
 */
import { defineEndpoint, type ShapeRules } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomCalendarUpdateRequest } from '../../generated/contracts.ts'
import { wecomCaller } from '../auth.ts'
import { wecomCheckOptions } from '../params.ts'
import { type CalendarIdCheck, calIdHooks } from './calendars.ts'
import {
  adminsAmongShares,
  type CalendarCheckContext,
  colorRequired,
  failResult,
  keptShares,
  publicRangeRequired,
} from './fields.ts'
import type { CalendarPatch } from './store.ts'

const R = 'wecom.calendar.update'

const SHAPE_RULES: ShapeRules['fields'] = {
  calendar: `${R}.calendar.required`,
  'calendar.cal_id': `${R}.cal_id.required`,
  'calendar.summary:required': `${R}.summary.required`,
  skip_public_range: `${R}.skip_public_range.values`,
  'calendar.shares[].userid:required': `${R}.shares.userid.required`,
  'calendar.shares[].permission': `${R}.shares.permission.values`,
}

type Check = CalendarCheckContext & CalendarIdCheck

const calId = calIdHooks<WecomCalendarUpdateRequest, Check>((b) => [b.calendar.cal_id])

/**
 * The rules of contracts/rules/wecom.calendar.update.json in its order: cal_id's, then the fields', which
 * read the calendar the cal_id hooks found (whether it is a 全员日历, whether it is public).
 */
const check = ruleChecks<WecomCalendarUpdateRequest, Check>(rulesOf(R), {
  hooks: {
    [`${R}.cal_id.known`]: calId.known,
    [`${R}.cal_id.own-app`]: calId['own-app'],
    [`${R}.cal_id.deleted`]: calId.deleted,
    [`${R}.color.required`]: colorRequired,
    [`${R}.admins.among-shares`]: adminsAmongShares,
    [`${R}.public_range.required`]: publicRangeRequired,
  },
  elsewhere: [
    `${R}.calendar.required`,
    `${R}.cal_id.required`,
    `${R}.body.types`,
    `${R}.summary.required`,
    `${R}.skip_public_range.values`,
    `${R}.shares.userid.required`,
    `${R}.shares.permission.values`,
  ],
  options: wecomCheckOptions,
})

export const calendarUpdate = defineEndpoint(R, {
  shape: { fallback: `${R}.body.types`, fields: SHAPE_RULES },
  handle(ctx) {
    const caller = wecomCaller(ctx)
    const body = ctx.body as WecomCalendarUpdateRequest
    const cal = body.calendar
    const keepsRange = body.skip_public_range === 1
    const c: Check = {
      ctx,
      caller,
      keepsPublicRange: keepsRange,
      // Read only by the rules after cal_id's, once they have found the calendar: it keeps both (该属性不可更新).
      get corpCalendar() {
        return c.calendars![0]!.isCorpCalendar === 1
      },
      get isPublic() {
        return c.calendars![0]!.isPublic === 1
      },
    }
    check(body, c)
    const record = c.calendars![0]!
    const { kept, failed } = keptShares(c, cal.shares)
    const keptIds = new Set(kept.map((s) => s.userid))
    const patch: CalendarPatch = {
      admins: [...new Set(cal.admins ?? [])].filter((a) => keptIds.has(a)),
      summary: cal.summary,
      color: c.corpCalendar ? '' : (cal.color ?? ''),
      description: cal.description ?? '',
      shares: kept,
      // 公开范围。仅当是公共日历时有效.
      ...(c.isPublic && !keepsRange
        ? {
            publicRange: {
              userids: [...(cal.public_range?.userids ?? [])],
              partyids: [...(cal.public_range?.partyids ?? [])],
            },
          }
        : {}),
    }
    ctx.env.stores.wecomCalendars.update(caller.corpid, record.calId, patch)
    return failResult(failed)
  },
})
