/**
 * `POST /cgi-bin/meeting/get_user_meetingid` (获取成员会议ID列表, https://developer.work.weixin.qq.com/document/path/98714;
 * the copy seen is https://developer.work.weixin.qq.com/document/path/97457): the ids of the meetings this app
 * booked that the member is admin, an invitee or a host of (decision: a member's meetings), cancelled ones
 * left out, in order of start. A meeting that has not started counts when it starts at or after begin_time,
 * whatever end_time says ("end_time仅用于约束历史会议"); one that has, when it started between the two. Pages
 * of `limit` (default and most 100) continue from `next_cursor`, which is empty when no more follow.
 *
 * @example
 * POST /cgi-bin/meeting/get_user_meetingid?access_token=…
 * {"userid":"lisi","cursor":"0","begin_time":1586136317,"end_time":1586236317,"limit":100}
 * → {"errcode":0,"errmsg":"ok","next_cursor":"","meetingid_list":["hy…"]}
 */
import { echo } from '../../core/echo.ts'
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomMeetingGetUserMeetingidRequest } from '../../generated/contracts.ts'
import { wecomCheckOptions } from '../params.ts'
import { type Caller, callerOf, isVisible } from './checks.ts'
import type { MeetingRecord } from './store.ts'

const R = 'wecom.meeting.get_user_meetingid'
/** 时间跨度不超过180天. */
const MAX_SPAN = 180 * 86_400
/** 默认值和最大值都为100. */
const DEFAULT_LIMIT = 100

type Body = WecomMeetingGetUserMeetingidRequest

/** Where a page ends: the last meeting's start and id, the order the list is in. */
interface Key {
  start: number
  id: string
}

const before = (a: Key, b: Key) => a.start < b.start || (a.start === b.start && a.id < b.id)

function encodeCursor(k: Key): string {
  return Buffer.from(`${k.start}:${k.id}`).toString('base64url')
}

function decodeCursor(cursor: string): Key | undefined {
  const m = /^(\d+):(.+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  return m ? { start: Number(m[1]), id: m[2]! } : undefined
}

/** What the hooks see besides the body: the request and its caller; the cursor hook leaves where the page starts. */
interface Check {
  ctx: RequestContext
  c: Caller
  /** The last meeting of the page before, from a cursor the endpoint gave. */
  after?: Key
}

/** A cursor that names a page: none, '' and "0" start at the first (the doc example's "0"). */
const paging = (cursor: string | undefined): cursor is string => cursor !== undefined && cursor !== '' && cursor !== '0'

/** The rules of contracts/rules/wecom.meeting.get_user_meetingid.json in its order. */
const check = ruleChecks<Body, Check>(rulesOf(R), {
  hooks: {
    [`${R}.time.order`]: (b) =>
      b.begin_time !== undefined && b.end_time !== undefined && b.end_time < b.begin_time
        ? `end_time ${b.end_time} is before begin_time ${b.begin_time}`
        : undefined,
    [`${R}.time.span`]: (b) =>
      b.begin_time !== undefined && b.end_time !== undefined && b.end_time - b.begin_time > MAX_SPAN
        ? `begin_time ${b.begin_time} to end_time ${b.end_time} is over 180 days`
        : undefined,
    [`${R}.userid.visible`]: (b, { ctx, c }) =>
      isVisible(ctx, c, b.userid)
        ? undefined
        : `"${echo(b.userid)}" is no user of corp ${c.corpid} in app ${c.agentid}'s visible range`,
    [`${R}.cursor.known`]: (b, s) => {
      if (!paging(b.cursor)) return undefined
      s.after = decodeCursor(b.cursor)
      return s.after ? undefined : `cursor "${echo(b.cursor)}" is no next_cursor of this endpoint`
    },
  },
  elsewhere: [`${R}.types`],
  options: wecomCheckOptions,
})

/** The member's part in the booking: admin, invitee or host. */
function takesPart(m: MeetingRecord, userid: string): boolean {
  return m.admin_userid === userid || m.invitees.includes(userid) || (m.settings.hosts ?? []).includes(userid)
}

export const meetingGetUserMeetingid = defineEndpoint(R, {
  shape: { fallback: `${R}.types`, fields: { 'userid:required': `${R}.userid.required` } },
  handle(ctx) {
    const c = callerOf(ctx)
    const body = ctx.body as Body
    const s: Check = { ctx, c }
    check(body, s)
    const { after } = s
    // The window (decision: get_user_meetingid window): without both bounds end_time is now; a bound left out
    // is the other one 180 days away.
    const end = body.end_time ?? (body.begin_time === undefined ? ctx.now : body.begin_time + MAX_SPAN)
    const begin = body.begin_time ?? end - MAX_SPAN
    const limit = body.limit ?? DEFAULT_LIMIT
    const listed = ctx.env.stores.meetings
      .list({ corpid: c.corpid, agentid: c.agentid })
      .filter((m) => !m.cancelled && takesPart(m, body.userid))
      .filter((m) =>
        m.meeting_start > ctx.now ? m.meeting_start >= begin : m.meeting_start >= begin && m.meeting_start <= end,
      )
      .map((m) => ({ start: m.meeting_start, id: m.meetingid }))
      .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
      .filter((k) => !after || before(after, k))
    const page = listed.slice(0, limit)
    return {
      next_cursor: listed.length > limit ? encodeCursor(page.at(-1)!) : '',
      meetingid_list: page.map((k) => k.id),
    }
  },
})
