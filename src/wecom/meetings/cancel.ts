/**
 * `POST /cgi-bin/meeting/cancel` (取消预约会议, https://developer.work.weixin.qq.com/document/path/98153): only a
 * booked meeting that has not started, of the calling app; with `sub_meetingid`, one occurrence of a
 * recurring meeting ("不传则取消整个周期性会议" otherwise).
 *
 * @example
 * POST /cgi-bin/meeting/cancel?access_token=…
 * {"meetingid":"hyXXXX"}
 */
import { echo } from '../../core/echo.ts'
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomMeetingCancelRequest } from '../../generated/contracts.ts'
import { cancelBooking, excludeFromBooking } from '../mail/booking.ts'
import { type Caller, callerOf } from './checks.ts'
import type { MeetingRecord } from './store.ts'
import { subMeeting } from './sub-meetings.ts'

interface Check {
  ctx: RequestContext
  c: Caller
  m: MeetingRecord
  /** The occurrence `sub_meetingid` names, once found. */
  sub?: { index: number; start: number }
}

/**
 * The rules of contracts/rules/wecom.meeting.cancel.json in its order: only a booked meeting that has not
 * started, of the calling app (400224 in progress or ended, 400041 cancelled already); with `sub_meetingid`,
 * one occurrence that has not begun, whatever the series' state.
 */
const check = ruleChecks<WecomMeetingCancelRequest, Check>(rulesOf('wecom.meeting.cancel'), {
  elsewhere: ['wecom.meeting.cancel.body.types'],
  hooks: {
    // Another corp's meetings do not exist for this corp.
    'wecom.meeting.cancel.meetingid.known': (req, s) => {
      const m = s.ctx.env.stores.meetings.get(s.c.corpid, req.meetingid!)
      if (!m) return `no meeting "${echo(req.meetingid)}" in corp ${s.c.corpid}`
      s.m = m
      return undefined
    },
    'wecom.meeting.cancel.meetingid.own-app': (_req, { m, c }) =>
      m.agentid !== c.agentid
        ? `meeting "${echo(m.meetingid)}" was booked by app ${m.agentid}, not ${c.agentid}`
        : undefined,
    'wecom.meeting.cancel.status.cancelled': (_req, { ctx, m }) =>
      ctx.env.stores.meetings.status(m, ctx.now) === 'cancelled'
        ? `meeting ${m.meetingid} is cancelled already`
        : undefined,
    // An occurrence's own state decides, not the series': another one may be in progress.
    'wecom.meeting.cancel.status.scheduled': (req, { ctx, m }) => {
      if (req.sub_meetingid !== undefined) return undefined
      const status = ctx.env.stores.meetings.status(m, ctx.now)
      return status !== 'scheduled' ? `meeting ${m.meetingid} is ${status.replace('_', ' ')} by the clock` : undefined
    },
    'wecom.meeting.cancel.sub_meetingid.known': (req, s) => {
      if (req.sub_meetingid === undefined) return undefined
      s.sub = subMeeting(s.m, req.sub_meetingid)
      return s.sub ? undefined : `"${echo(req.sub_meetingid)}" names no occurrence of meeting ${s.m.meetingid}`
    },
    'wecom.meeting.cancel.sub_meetingid.cancelled': (_req, { m, sub }) =>
      sub && m.cancelled_sub_meetings.includes(sub.start) ? `sub-meeting ${sub.start} is cancelled already` : undefined,
    'wecom.meeting.cancel.sub_meetingid.scheduled': (_req, { ctx, sub }) =>
      sub && ctx.env.stores.meetings.clockAt(ctx.now) >= sub.start
        ? `sub-meeting ${sub.start} has begun by the clock (now ${ctx.now})`
        : undefined,
  },
})

function cancel(ctx: RequestContext): Record<string, unknown> {
  const req = ctx.body as WecomMeetingCancelRequest
  const s = { ctx, c: callerOf(ctx) } as Check
  check(req, s)
  const { m, sub } = s
  if (sub) {
    // The series itself stays booked; get_info marks the occurrence status 1, a mail's schedule excludes it.
    ctx.env.stores.meetings.cancelOccurrence(m.corpid, m.meetingid, sub.start)
    excludeFromBooking(ctx.env.stores.schedules, m)
    return {}
  }
  ctx.env.stores.meetings.cancel(s.c.corpid, m.meetingid)
  cancelBooking(ctx.env.stores.schedules, m)
  return {}
}

export const meetingCancel = defineEndpoint('wecom.meeting.cancel', {
  shape: { fallback: 'wecom.meeting.cancel.body.types' },
  handle: cancel,
})
