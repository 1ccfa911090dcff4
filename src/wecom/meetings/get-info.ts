/**
 * `POST /cgi-bin/meeting/get_info` (获取会议详情, https://developer.work.weixin.qq.com/document/path/98149): a meeting
 * read back by meetingid or meeting_code, from the stored record, with its clock-derived status.
 *
 * @example
 * POST /cgi-bin/meeting/get_info?access_token=…
 * {"meetingid":"hyXXXX"}
 */
import { echo } from '../../core/echo.ts'
import { defineEndpoint, type Env, type RequestContext } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomMeetingGetInfoRequest } from '../../generated/contracts.ts'
import { badParam, type Caller, callerOf } from './checks.ts'
import { type MeetingRecord, STATUS_CODE } from './store.ts'
import { subMeeting, subMeetingFields } from './sub-meetings.ts'

const R = 'wecom.meeting.get_info'

type Req = WecomMeetingGetInfoRequest

/** What the hooks see besides the body: the request and its caller; they leave the meeting and the occurrence. */
interface Check {
  ctx: RequestContext
  c: Caller
  /** The meeting the id (or, without one, the meeting_code) names in the caller's corp, once looked up (null: none). */
  m?: MeetingRecord | null
  /** The first occurrence get_info pages from, when sub_meetingid names one. */
  from?: number
}

/**
 * The meeting the request names: by meetingid when it has one, else by meeting_code ("meetingid和meeting_code
 * 必须填一个"). Another corp's meetings do not exist for this corp.
 */
function named(req: Req, s: Check): MeetingRecord | null {
  if (s.m === undefined) {
    const { meetings } = s.ctx.env.stores
    s.m =
      (req.meetingid
        ? meetings.get(s.c.corpid, req.meetingid)
        : req.meeting_code
          ? meetings.getByCode(s.c.corpid, req.meeting_code)
          : undefined) ?? null
  }
  return s.m
}

/**
 * The rules of contracts/rules/wecom.meeting.get_info.json in its order: one of meetingid and meeting_code,
 * the meeting it names (730005 for another app's, whichever names it), then the occurrence.
 */
const check = ruleChecks<Req, Check>(rulesOf(R), {
  hooks: {
    [`${R}.meetingid.required`]: (req) =>
      req.meetingid || req.meeting_code ? undefined : badParam('meetingid or meeting_code', 'is required'),
    [`${R}.meetingid.known`]: (req, s) =>
      req.meetingid && !named(req, s) ? `no meeting "${echo(req.meetingid)}" in corp ${s.c.corpid}` : undefined,
    [`${R}.meetingid.own-app`]: (req, s) => {
      const m = named(req, s)
      return m && m.agentid !== s.c.agentid
        ? `meeting "${echo(m.meetingid)}" was booked by app ${m.agentid}, not ${s.c.agentid}`
        : undefined
    },
    // INFERRED: 730004 非法的会议号 is the documented code for a meeting number that names nothing.
    [`${R}.meeting_code.known`]: (req, s) =>
      !req.meetingid && !named(req, s) ? `no meeting with code ${echo(req.meeting_code)}` : undefined,
    // An empty sub_meetingid is none (clients fill absent strings with ""); any other names one occurrence.
    [`${R}.sub_meetingid.known`]: (req, s) => {
      if (!req.sub_meetingid) return undefined
      const m = s.m!
      const sub = subMeeting(m, req.sub_meetingid)
      if (!sub) return `"${echo(req.sub_meetingid)}" names no occurrence of meeting ${m.meetingid}`
      s.from = sub.index
      return undefined
    },
  },
  elsewhere: [`${R}.body.types`],
})

function getInfo(ctx: RequestContext): Record<string, unknown> {
  const s: Check = { ctx, c: callerOf(ctx) }
  check(ctx.body as Req, s)
  return meetingInfo(ctx.env, s.m!, ctx.now, s.from)
}

/**
 * "发起人所在主部门": the admin's first department (WeCom's main department defaults to it), 1 (the root)
 * when the directory lists none.
 */
function mainDepartment(env: Env, m: MeetingRecord): number {
  return env.stores.wecomDirectory.corp(m.corpid)?.users.get(m.admin_userid)?.departments[0] ?? 1
}

/**
 * get_info's body (doc 98149), from the stored record at `now`; a recurring meeting's sub-meetings paged
 * from occurrence `from` when get_info names one (src/wecom/meetings/sub-meetings.ts). Unset settings read
 * as the documented defaults: remind_scope 2, enable_enter_mute 2, allow_enter_before_host true, allow_external_user true,
 * enable_doc_upload_permission true, the rest off. Nobody joins an emulated meeting: no external user has a
 * temporary id, nobody holds the host or co-host role (current_hosts, co_hosts), and there are no votes.
 * Attendee `status` is INFERRED (1 for everyone).
 */
export function meetingInfo(env: Env, m: MeetingRecord, now: number, from?: number): Record<string, unknown> {
  const s = m.settings
  const members = [...new Set([m.admin_userid, ...m.invitees])]
  return {
    admin_userid: m.admin_userid,
    title: m.title,
    meeting_start: m.meeting_start,
    meeting_duration: m.meeting_duration,
    description: m.description ?? '',
    location: m.location ?? '',
    main_department: mainDepartment(env, m),
    status: STATUS_CODE[env.stores.meetings.status(m, now)],
    meeting_type: m.reminders.is_repeat === 1 ? 1 : 0,
    attendees: { member: members.map((userid) => ({ userid, status: 1 })), tmp_external_user: [] },
    settings: {
      remind_scope: s.remind_scope ?? 2,
      need_password: s.password !== undefined,
      ...(s.password !== undefined ? { password: s.password } : {}),
      enable_waiting_room: s.enable_waiting_room ?? false,
      allow_enter_before_host: s.allow_enter_before_host ?? true,
      enable_enter_mute: s.enable_enter_mute ?? 2,
      allow_unmute_self: s.allow_unmute_self ?? true,
      allow_external_user: s.allow_external_user ?? true,
      enable_screen_watermark: s.enable_screen_watermark ?? false,
      watermark_type: s.watermark_type ?? 0,
      auto_record_type: s.auto_record_type ?? 'none',
      ...(s.auto_record_type === 'cloud'
        ? {
            attendee_join_auto_record: s.attendee_join_auto_record ?? false,
            enable_host_pause_auto_record: s.enable_host_pause_auto_record ?? false,
          }
        : {}),
      enable_enroll: s.enable_enroll ?? false,
      enable_host_key: s.enable_host_key ?? false,
      enable_doc_upload_permission: true,
      ...(s.host_key !== undefined ? { host_key: s.host_key } : {}),
      hosts: { userid: s.hosts ?? [] },
      current_hosts: { userid: [] },
      co_hosts: { userid: [] },
      ring_users: { userid: s.ring_users ?? [] },
    },
    ...(m.cal_id !== undefined ? { cal_id: m.cal_id } : {}),
    reminders: m.reminders,
    meeting_code: m.meeting_code,
    meeting_link: m.meeting_link,
    has_vote: false,
    ...subMeetingFields(env.stores.meetings, m, now, from),
  }
}

export const meetingGetInfo = defineEndpoint(R, {
  shape: { fallback: `${R}.body.types` },
  handle: getInfo,
})
