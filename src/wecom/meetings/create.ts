/**
 * POST /cgi-bin/meeting/create (创建预约会议, https://developer.work.weixin.qq.com/document/path/99104): the
 * documented rules in the order they are checked, each named by its id in contracts/rules/wecom.meeting.create.json.
 *
 * @example
 * { "admin_userid": "zhangsan", "title": "新建会议", "meeting_start": 1600000000, "meeting_duration": 3600 }
 */
import { echo } from '../../core/echo.ts'
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomMeetingCreateRequest } from '../../generated/contracts.ts'
import { wecomCheckOptions } from '../params.ts'
import {
  badParam,
  type Caller,
  callerOf,
  excessUsers,
  foreignCalendar,
  hostsNotBought,
  hostsOutsideVisible,
  isVisible,
  outsideVisible,
  overHeadcount,
  participantsOf,
  repeatOutOfRange,
  ringing,
  ringOutsideMeeting,
  tooManyHosts,
} from './checks.ts'
import type { MeetingFields, MeetingRecord } from './store.ts'

/** "5分钟内有相同的会议正在创建中": the window of 400301, on the emulator clock. */
export const DUPLICATE_WINDOW_SECONDS = 300

/** What the hooks see besides the body: the request and its caller, and the duplicate once looked up. */
interface Check {
  ctx: RequestContext
  c: Caller
  dup?: MeetingRecord | null
}

type Req = WecomMeetingCreateRequest
/** The fields the checks before a hook have made sure of. */
type Checked = Req & Pick<Required<Req>, 'admin_userid' | 'title' | 'meeting_start' | 'meeting_duration'>

const reminders = (req: Req) => (req.reminders?.is_repeat === 1 ? req.reminders : undefined)

/**
 * "The same meeting": same corp and app, same admin, title, meeting_start and meeting_duration, not cancelled.
 * Looked up once; `skip_duplicate_check: true` books it anyway.
 */
function duplicate(req: Checked, s: Check): MeetingRecord | null {
  if (req.skip_duplicate_check === true) return null
  if (s.dup === undefined) s.dup = s.ctx.env.stores.meetings.findDuplicate(s.c.corpid, s.c.agentid, req) ?? null
  return s.dup
}

/**
 * Every refusing rule of contracts/rules/wecom.meeting.create.json in its file order: the plain ones from
 * their `check`, the rest here, by id.
 */
const check = ruleChecks<Checked, Check>(rulesOf('wecom.meeting.create'), {
  elsewhere: ['wecom.meeting.create.body.types'],
  options: wecomCheckOptions,
  hooks: {
    // The field admin_userid replaced; null counts as absent.
    'wecom.meeting.create.creator_userid.deprecated': (req) =>
      (req as { creator_userid?: unknown }).creator_userid != null
        ? 'creator_userid is deprecated, use admin_userid'
        : undefined,
    'wecom.meeting.create.meeting_start.future': (req, { ctx }) =>
      req.meeting_start <= ctx.now
        ? `meeting_start ${req.meeting_start} is not later than now (${ctx.now})`
        : undefined,
    'wecom.meeting.create.admin_userid.visible': (req, { ctx, c }) =>
      isVisible(ctx, c, req.admin_userid)
        ? undefined
        : `admin "${echo(req.admin_userid)}" is unknown or outside the visible range`,
    'wecom.meeting.create.invitees.limit': (req, { c }) => overHeadcount(c, req.invitees?.userid ?? []),
    'wecom.meeting.create.invitees.visible': (req, { ctx, c }) =>
      outsideVisible(ctx, c, req.invitees?.userid ?? [], 'invitee'),
    // "第三方应用必须指定cal_id" (INFERRED: a missing required parameter, 40058).
    'wecom.meeting.create.cal_id.third-party': (req, { c }) =>
      c.app.kind === 'third-party' && !req.cal_id
        ? { detail: 'a third-party app must name cal_id', options: { prefix: 'missing cal_id. ' } }
        : undefined,
    'wecom.meeting.create.cal_id.owned': (req, { ctx, c }) => foreignCalendar(ctx, c, req.cal_id),
    'wecom.meeting.create.settings.hosts.advanced': (req, { c }) => hostsNotBought(c, req.settings),
    'wecom.meeting.create.settings.hosts.limit': (req) => tooManyHosts(req.settings, req.admin_userid),
    'wecom.meeting.create.settings.hosts.visible': (req, { ctx, c }) => hostsOutsideVisible(ctx, c, req.settings),
    'wecom.meeting.create.settings.ring_users.participants': (req) => {
      const ring = ringing(req.settings?.remind_scope, req.settings?.ring_users?.userid)
      return ring
        ? ringOutsideMeeting(
            ring,
            participantsOf(req.admin_userid, req.invitees?.userid ?? [], req.settings?.hosts?.userid ?? []),
          )
        : undefined
    },
    // "周期性会议该字段才生效": the repeat fields of a one-off meeting are not looked at.
    'wecom.meeting.create.reminders.repeat_type': (req) => {
      const r = reminders(req)
      const type = r?.repeat_type ?? 0
      return r && ![0, 1, 2, 7].includes(type) ? `repeat_type ${type} is not 0, 1, 2 or 7` : undefined
    },
    // "目前仅当repeat_type为1时...支持设置该字段，且值不能大于2": ignored for the other types (the doc example sends 1 with daily).
    'wecom.meeting.create.reminders.repeat_interval.max': (req) => {
      const r = reminders(req)
      const n = r?.repeat_interval
      return r?.repeat_type === 1 && n !== undefined && (n < 1 || n > 2)
        ? `weekly repeat_interval ${n} is not 1 or 2`
        : undefined
    },
    // A custom repeat (is_custom_repeat, as the update doc 98154 defines it) keeps its interval for every type;
    // absent it is 1, but 0 or less is never an interval.
    'wecom.meeting.create.reminders.repeat_interval.custom': (req) => {
      const r = reminders(req)
      const n = r?.repeat_interval
      return r?.is_custom_repeat === 1 && n !== undefined && n < 1
        ? `a custom repeat needs repeat_interval of at least 1, not ${n}`
        : undefined
    },
    // Not in the create doc; the update doc's ranges (98154) hold here too, so get_info never reads back a
    // day no calendar has (decision: create checks a custom day list as update does).
    'wecom.meeting.create.reminders.repeat_day_of_week': (req) => {
      const r = reminders(req)
      return r?.is_custom_repeat === 1 && r.repeat_type === 1 && r.repeat_day_of_week?.some((d) => d < 1 || d > 7)
        ? badParam('reminders.repeat_day_of_week', 'must hold 1..7')
        : undefined
    },
    'wecom.meeting.create.reminders.repeat_day_of_month': (req) => {
      const r = reminders(req)
      return r?.is_custom_repeat === 1 && r.repeat_type === 2 && r.repeat_day_of_month?.some((d) => d < 1 || d > 31)
        ? badParam('reminders.repeat_day_of_month', 'must hold 1..31')
        : undefined
    },
    'wecom.meeting.create.reminders.repeat_interval.range': (req) => {
      const r = reminders(req)
      return r ? repeatOutOfRange(r, req.meeting_start) : undefined
    },
    // Booked less than 5 minutes ago on the emulator clock → 400301 (the vendor still counts it as being
    // created); earlier → 400302 (created).
    'wecom.meeting.create.duplicate.creating': (req, s) => {
      const dup = duplicate(req, s)
      const age = dup ? s.ctx.now - dup.created_at : Number.POSITIVE_INFINITY
      return age < DUPLICATE_WINDOW_SECONDS ? `the same meeting (${dup!.meetingid}) was booked ${age}s ago` : undefined
    },
    'wecom.meeting.create.duplicate.created': (req, s) => {
      const dup = duplicate(req, s)
      return dup ? `the same meeting (${dup.meetingid}) is already booked` : undefined
    },
  },
})

function createMeeting(ctx: RequestContext): Record<string, unknown> {
  const c = callerOf(ctx)
  const req = ctx.body as Checked
  check(req, { ctx, c })
  const meeting = ctx.env.stores.meetings.create(c.corpid, c.agentid, toFields(req), ctx.now)
  return {
    meetingid: meeting.meetingid,
    ...excessUsers(c, participantsOf(meeting.admin_userid, meeting.invitees, meeting.settings.hosts ?? [])),
  }
}

function toFields(req: Checked): MeetingFields {
  const s = req.settings
  return {
    admin_userid: req.admin_userid,
    title: req.title,
    meeting_start: req.meeting_start,
    meeting_duration: req.meeting_duration,
    ...(req.description !== undefined ? { description: req.description } : {}),
    ...(req.location !== undefined ? { location: req.location } : {}),
    invitees: req.invitees?.userid ?? [],
    ...(req.cal_id !== undefined ? { cal_id: req.cal_id } : {}),
    settings: s
      ? {
          ...(s.password !== undefined ? { password: s.password } : {}),
          ...(s.enable_waiting_room !== undefined ? { enable_waiting_room: s.enable_waiting_room } : {}),
          ...(s.allow_enter_before_host !== undefined ? { allow_enter_before_host: s.allow_enter_before_host } : {}),
          ...(s.remind_scope !== undefined ? { remind_scope: s.remind_scope } : {}),
          ...(s.enable_enter_mute !== undefined ? { enable_enter_mute: s.enable_enter_mute } : {}),
          ...(s.enable_screen_watermark !== undefined ? { enable_screen_watermark: s.enable_screen_watermark } : {}),
          ...(s.hosts?.userid ? { hosts: s.hosts.userid } : {}),
          ...(s.ring_users?.userid ? { ring_users: s.ring_users.userid } : {}),
        }
      : {},
    ...(req.reminders ? { reminders: { ...req.reminders } } : {}),
  }
}

export const meetingCreate = defineEndpoint('wecom.meeting.create', {
  // A wrong JSON type is 40058, but for the fields whose errcode is "不合法的<field>参数" itself: any value
  // that is not a valid one, a wrong type included (the "400034 malformed"), answers that code.
  shape: {
    fallback: 'wecom.meeting.create.body.types',
    fields: {
      meeting_start: 'wecom.meeting.create.meeting_start.valid',
      meeting_duration: 'wecom.meeting.create.meeting_duration.min',
    },
  },
  handle: createMeeting,
})
