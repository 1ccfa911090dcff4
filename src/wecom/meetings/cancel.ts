/**
 * `POST /cgi-bin/meeting/cancel` (取消预约会议, https://developer.work.weixin.qq.com/document/path/98153): only a
 * booked meeting that has not started, of the calling app.
 *
 * @example
 * POST /cgi-bin/meeting/cancel?access_token=…
 * {"meetingid":"hyXXXX"}
 */
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import type { WecomMeetingCancelRequest } from '../../generated/contracts.ts'
import { cancelBooking } from '../mail/booking.ts'
import { callerOf, ownMeeting } from './checks.ts'

/** meeting/cancel: only a scheduled meeting (400224 in progress or ended, 400041 cancelled already). */
function cancel(ctx: RequestContext): Record<string, unknown> {
  const req = ctx.body as WecomMeetingCancelRequest
  const c = callerOf(ctx)
  const store = ctx.env.stores.meetings
  const m = ownMeeting(ctx, c, req.meetingid, 'wecom.meeting.cancel.meetingid')
  const status = store.status(m, ctx.now)
  if (status === 'cancelled')
    fail(400041, `wecom.meeting.cancel.status.cancelled: meeting ${m.meetingid} is cancelled already`)
  if (status !== 'scheduled') {
    fail(
      400224,
      `wecom.meeting.cancel.status.scheduled: meeting ${m.meetingid} is ${status.replace('_', ' ')} by the clock`,
    )
  }
  if (req.sub_meetingid !== undefined) {
    fail(
      730003,
      `wecom.meeting.cancel.sub_meetingid: the emulator issues no sub-meeting ids ("${echo(req.sub_meetingid)}")`,
    )
  }
  store.cancel(c.corpid, m.meetingid)
  cancelBooking(ctx.env.stores.schedules, m)
  return {}
}

export const meetingCancel = defineEndpoint('wecom.meeting.cancel', {
  shape: { fallback: 'wecom.meeting.cancel.body.types' },
  handle: cancel,
})
