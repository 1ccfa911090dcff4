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
import { fail } from '../../core/errors.ts'
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import type { WecomMeetingCancelRequest } from '../../generated/contracts.ts'
import { cancelBooking, excludeFromBooking } from '../mail/booking.ts'
import { callerOf, ownMeeting } from './checks.ts'
import type { MeetingRecord } from './store.ts'
import { subMeeting } from './sub-meetings.ts'

/** meeting/cancel: only a scheduled meeting (400224 in progress or ended, 400041 cancelled already). */
function cancel(ctx: RequestContext): Record<string, unknown> {
  const req = ctx.body as WecomMeetingCancelRequest
  const c = callerOf(ctx)
  const store = ctx.env.stores.meetings
  const m = ownMeeting(ctx, c, req.meetingid, 'wecom.meeting.cancel.meetingid')
  const status = store.status(m, ctx.now)
  if (status === 'cancelled')
    fail(400041, `wecom.meeting.cancel.status.cancelled: meeting ${m.meetingid} is cancelled already`)
  if (req.sub_meetingid !== undefined) return cancelOccurrence(ctx, m, req.sub_meetingid)
  if (status !== 'scheduled') {
    fail(
      400224,
      `wecom.meeting.cancel.status.scheduled: meeting ${m.meetingid} is ${status.replace('_', ' ')} by the clock`,
    )
  }
  store.cancel(c.corpid, m.meetingid)
  cancelBooking(ctx.env.stores.schedules, m)
  return {}
}

/**
 * One occurrence of a recurring meeting, while it is still to come: the series itself stays booked (its
 * status is unchanged), get_info marks the occurrence status 1, and a mail-booked meeting's schedule
 * excludes it. The occurrence's own state decides, not the series': another one may be in progress.
 */
function cancelOccurrence(ctx: RequestContext, m: MeetingRecord, id: string): Record<string, unknown> {
  const store = ctx.env.stores.meetings
  const sub = subMeeting(m, id)
  if (!sub)
    fail(
      730003,
      `wecom.meeting.cancel.sub_meetingid.known: "${echo(id)}" names no occurrence of meeting ${m.meetingid}`,
    )
  if (m.cancelled_sub_meetings.includes(sub.start))
    fail(400041, `wecom.meeting.cancel.sub_meetingid.cancelled: sub-meeting ${sub.start} is cancelled already`)
  if (store.clockAt(ctx.now) >= sub.start)
    fail(
      400224,
      `wecom.meeting.cancel.sub_meetingid.scheduled: sub-meeting ${sub.start} has begun by the clock (now ${ctx.now})`,
    )
  store.cancelOccurrence(m.corpid, m.meetingid, sub.start)
  excludeFromBooking(ctx.env.stores.schedules, m)
  return {}
}

export const meetingCancel = defineEndpoint('wecom.meeting.cancel', {
  shape: { fallback: 'wecom.meeting.cancel.body.types' },
  handle: cancel,
})
