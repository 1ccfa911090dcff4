/**
 * POST /cgi-bin/meeting/create (创建预约会议, https://developer.work.weixin.qq.com/document/path/99104): the
 * documented rules in the order they are checked, each named by its id in contracts/rules/wecom.meeting.create.json.
 *
 * @example
 * { "admin_userid": "zhangsan", "title": "新建会议", "meeting_start": 1600000000, "meeting_duration": 3600 }
 */
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import type { WecomMeetingCreateRequest } from '../../generated/contracts.ts'
import {
  type Caller,
  callerOf,
  checkCalendar,
  checkCommonSettings,
  checkHeadcount,
  checkRepeatRange,
  checkRingUsers,
  checkVisible,
  excessUsers,
  invalidParam,
  isVisible,
  participantsOf,
  type RepeatFields,
} from './checks.ts'
import type { MeetingFields } from './store.ts'
import { charCount, docWidth } from './title.ts'

const UINT32_MAX = 0xffff_ffff
/** "5分钟内有相同的会议正在创建中": the window of 400301, on the emulator clock. */
export const DUPLICATE_WINDOW_SECONDS = 300

function createMeeting(ctx: RequestContext): Record<string, unknown> {
  const c = callerOf(ctx)
  const req = ctx.body as WecomMeetingCreateRequest

  // The field admin_userid replaced; null counts as absent.
  if ((req as { creator_userid?: unknown }).creator_userid != null)
    fail(400043, 'wecom.meeting.create.creator_userid.deprecated: creator_userid is deprecated, use admin_userid')
  if (!req.admin_userid) fail(400040, 'wecom.meeting.create.admin_userid.required: admin_userid is missing')
  if (!req.title) fail(400042, 'wecom.meeting.create.title.required: title is missing or empty')
  if (docWidth(req.title) > 40) {
    fail(
      400042,
      `wecom.meeting.create.title.length: title is ${docWidth(req.title)} units wide (ASCII 1, other 2), at most 40`,
    )
  }
  if (req.meeting_start === undefined)
    fail(400034, 'wecom.meeting.create.meeting_start.required: meeting_start is missing')
  if (req.meeting_start <= 0 || req.meeting_start > UINT32_MAX) {
    fail(400034, 'wecom.meeting.create.meeting_start.valid: meeting_start must be a unix time in seconds (uint32)')
  }
  if (req.meeting_start <= ctx.now) {
    fail(
      400222,
      `wecom.meeting.create.meeting_start.future: meeting_start ${req.meeting_start} is not later than now (${ctx.now})`,
    )
  }
  if (req.meeting_duration === undefined) {
    fail(400035, 'wecom.meeting.create.meeting_duration.required: meeting_duration is missing')
  }
  if (req.meeting_duration < 300 || req.meeting_duration > UINT32_MAX) {
    fail(
      400035,
      `wecom.meeting.create.meeting_duration.min: meeting_duration ${req.meeting_duration} is under 300 seconds`,
    )
  }
  if (req.description !== undefined && charCount(req.description) > 500) {
    invalidParam('wecom.meeting.create.description.length', 'description', 'exceed max length 500')
  }
  if (req.location !== undefined && charCount(req.location) > 128) {
    fail(400237, `wecom.meeting.create.location.length: location is ${charCount(req.location)} characters, at most 128`)
  }
  if (!isVisible(ctx, c, req.admin_userid)) {
    fail(
      400021,
      `wecom.meeting.create.admin_userid.visible: admin "${echo(req.admin_userid)}" is unknown or outside the visible range`,
    )
  }
  const invitees = req.invitees?.userid ?? []
  checkHeadcount(c, invitees, 'wecom.meeting.create.invitees.limit')
  checkVisible(ctx, c, invitees, 'wecom.meeting.create.invitees.visible', 'invitee')
  // "第三方应用必须指定cal_id" (INFERRED: a missing required parameter, 40058).
  if (c.app.kind === 'third-party' && !req.cal_id)
    fail(40058, 'wecom.meeting.create.cal_id.third-party: a third-party app must name cal_id', {
      prefix: 'missing cal_id. ',
    })
  if (req.cal_id !== undefined)
    checkCalendar(ctx, c, req.cal_id, 'wecom.meeting.create.cal_id.length', 'wecom.meeting.create.cal_id.owned')

  const s = req.settings ?? {}
  checkCommonSettings(ctx, c, s, req.admin_userid, {
    password: 'wecom.meeting.create.settings.password',
    remindScope: 'wecom.meeting.create.settings.remind_scope',
    enterMute: 'wecom.meeting.create.settings.enable_enter_mute',
    hostsAdvanced: 'wecom.meeting.create.settings.hosts.advanced',
    hostsLimit: 'wecom.meeting.create.settings.hosts.limit',
    hostsVisible: 'wecom.meeting.create.settings.hosts.visible',
  })
  const hosts = s.hosts?.userid ?? []
  checkRingUsers(
    s.remind_scope,
    s.ring_users?.userid,
    participantsOf(req.admin_userid, invitees, hosts),
    'wecom.meeting.create.settings.ring_users.participants',
  )
  checkReminders(req.reminders, req.meeting_start)

  const fields = toFields(req)
  if (req.skip_duplicate_check !== true) checkDuplicate(ctx, c, fields)
  const meeting = ctx.env.stores.meetings.create(c.corpid, c.agentid, fields, ctx.now)
  return {
    meetingid: meeting.meetingid,
    ...excessUsers(c, participantsOf(meeting.admin_userid, meeting.invitees, meeting.settings.hosts ?? [])),
  }
}

function checkReminders(r: WecomMeetingCreateRequest['reminders'], start: number): void {
  if (!r) return
  if (r.is_repeat !== undefined && r.is_repeat !== 0 && r.is_repeat !== 1) {
    invalidParam('wecom.meeting.create.reminders.is_repeat', 'reminders.is_repeat', 'must be 0 or 1')
  }
  // "周期性会议该字段才生效": repeat fields of a one-off meeting are not looked at.
  if (r.is_repeat !== 1) return
  const type = r.repeat_type ?? 0
  if (![0, 1, 2, 7].includes(type))
    fail(400026, `wecom.meeting.create.reminders.repeat_type: repeat_type ${type} is not 0, 1, 2 or 7`)
  // "目前仅当repeat_type为1时...支持设置该字段，且值不能大于2": ignored for the other types (the doc example sends 1 with daily).
  if (type === 1 && r.repeat_interval !== undefined && (r.repeat_interval < 1 || r.repeat_interval > 2)) {
    fail(
      400033,
      `wecom.meeting.create.reminders.repeat_interval.max: weekly repeat_interval ${r.repeat_interval} is not 1 or 2`,
    )
  }
  // A custom repeat (is_custom_repeat, as the update doc 98154 defines it) keeps its interval for every type;
  // absent it is 1, but 0 or less is never an interval.
  const repeat: RepeatFields = r
  if (repeat.is_custom_repeat === 1 && repeat.repeat_interval !== undefined && repeat.repeat_interval < 1) {
    fail(
      400033,
      `wecom.meeting.create.reminders.repeat_interval.custom: a custom repeat needs repeat_interval of at least 1, not ${repeat.repeat_interval}`,
    )
  }
  // Not in the create doc; the update doc's ranges (98154) hold here too, so get_info never reads back a
  // day no calendar has (decision: create checks a custom day list as update does).
  if (repeat.is_custom_repeat === 1 && type === 1 && repeat.repeat_day_of_week?.some((d) => d < 1 || d > 7)) {
    invalidParam('wecom.meeting.create.reminders.repeat_day_of_week', 'reminders.repeat_day_of_week', 'must hold 1..7')
  }
  if (repeat.is_custom_repeat === 1 && type === 2 && repeat.repeat_day_of_month?.some((d) => d < 1 || d > 31)) {
    invalidParam(
      'wecom.meeting.create.reminders.repeat_day_of_month',
      'reminders.repeat_day_of_month',
      'must hold 1..31',
    )
  }
  checkRepeatRange(repeat, start, 'wecom.meeting.create.reminders.repeat_interval.range')
}

function toFields(req: WecomMeetingCreateRequest): MeetingFields {
  const s = req.settings
  return {
    admin_userid: req.admin_userid!,
    title: req.title!,
    meeting_start: req.meeting_start!,
    meeting_duration: req.meeting_duration!,
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

/**
 * "The same meeting": same corp and app, same admin, title, meeting_start and meeting_duration, not cancelled.
 * Booked less than 5 minutes ago on the emulator clock → 400301 (the vendor still counts it as being created);
 * earlier → 400302 (created). `skip_duplicate_check: true` books it anyway.
 */
function checkDuplicate(ctx: RequestContext, c: Caller, fields: MeetingFields): void {
  const dup = ctx.env.stores.meetings.findDuplicate(c.corpid, c.agentid, fields)
  if (!dup) return
  if (ctx.now - dup.created_at < DUPLICATE_WINDOW_SECONDS) {
    fail(
      400301,
      `wecom.meeting.create.duplicate.creating: the same meeting (${dup.meetingid}) was booked ${ctx.now - dup.created_at}s ago`,
    )
  }
  fail(400302, `wecom.meeting.create.duplicate.created: the same meeting (${dup.meetingid}) is already booked`)
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
