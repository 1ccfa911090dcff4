/**
 * `POST /cgi-bin/meeting/cancel` (取消预约会议, https://developer.work.weixin.qq.com/document/path/98153): only a
 * booked meeting that has not started, of the calling app.
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
import { type Caller, callerOf } from './checks.ts'
import type { MeetingRecord } from './store.ts'

interface Check {
  ctx: RequestContext
  c: Caller
  m: MeetingRecord
}

/**
 * The rules of contracts/rules/wecom.meeting.cancel.json in its order: only a booked meeting that has not
 * started, of the calling app (400224 in progress or ended, 400041 cancelled already).
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
    'wecom.meeting.cancel.status.scheduled': (_req, { ctx, m }) => {
      const status = ctx.env.stores.meetings.status(m, ctx.now)
      return status !== 'scheduled' ? `meeting ${m.meetingid} is ${status.replace('_', ' ')} by the clock` : undefined
    },
    'wecom.meeting.cancel.sub_meetingid': (req) =>
      req.sub_meetingid !== undefined
        ? `the emulator issues no sub-meeting ids ("${echo(req.sub_meetingid)}")`
        : undefined,
  },
})

function cancel(ctx: RequestContext): Record<string, unknown> {
  const req = ctx.body as WecomMeetingCancelRequest
  const s = { ctx, c: callerOf(ctx) } as Check
  check(req, s)
  ctx.env.stores.meetings.cancel(s.c.corpid, s.m.meetingid)
  return {}
}

export const meetingCancel = defineEndpoint('wecom.meeting.cancel', {
  shape: { fallback: 'wecom.meeting.cancel.body.types' },
  handle: cancel,
})
