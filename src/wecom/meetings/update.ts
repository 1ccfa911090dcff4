/**
 * POST /cgi-bin/meeting/update (修改预约会议, https://developer.work.weixin.qq.com/document/path/98154): the
 * documented rules in the order they are checked, each named by its id in contracts/rules/wecom.meeting.update.json.
 * Only the fields given change; settings and reminders merge key by key over what is stored.
 *
 * @example
 * { "meetingid": "hy…", "title": "新标题", "meeting_start": 1600003600, "meeting_duration": 1800 }
 */
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import type { WecomMeetingUpdateRequest } from '../../generated/contracts.ts'
import { maxOccurrences } from '../calendar/recurrence.ts'
import { followMeeting } from '../mail/booking.ts'
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
  ownMeeting,
  participantsOf,
} from './checks.ts'
import type { MeetingPatch, MeetingRecord, MeetingReminders, MeetingSettings } from './store.ts'
import { charCount, docWidth } from './title.ts'

const UINT32_MAX = 0xffff_ffff
const RECORD_TYPES = new Set(['none', 'local', 'cloud'])

function updateMeeting(ctx: RequestContext): Record<string, unknown> {
  const c = callerOf(ctx)
  const req = ctx.body as WecomMeetingUpdateRequest
  const store = ctx.env.stores.meetings
  const m = ownMeeting(ctx, c, req.meetingid, 'wecom.meeting.update.meetingid')

  const status = store.status(m, ctx.now)
  if (status === 'cancelled') fail(400041, `wecom.meeting.update.status.cancelled: meeting ${m.meetingid} is cancelled`)
  if (status !== 'scheduled') {
    fail(
      400221,
      `wecom.meeting.update.status.scheduled: meeting ${m.meetingid} is ${status.replace('_', ' ')} by the clock`,
    )
  }

  if (req.title !== undefined) {
    const n = charCount(req.title)
    if (n < 1 || n > 255) fail(400042, `wecom.meeting.update.title.length: title is ${n} characters, 1 to 255`)
  }
  const hasStart = req.meeting_start !== undefined
  const hasDuration = req.meeting_duration !== undefined
  if (hasStart && !hasDuration) {
    fail(400034, 'wecom.meeting.update.meeting_start.with-duration: meeting_start is given without meeting_duration')
  }
  if (hasDuration && !hasStart) {
    fail(400035, 'wecom.meeting.update.meeting_duration.with-start: meeting_duration is given without meeting_start')
  }
  if (hasStart) {
    const start = req.meeting_start!
    if (start <= 0 || start > UINT32_MAX) {
      fail(400034, 'wecom.meeting.update.meeting_start.valid: meeting_start must be a unix time in seconds (uint32)')
    }
    if (start <= ctx.now) {
      fail(
        400222,
        `wecom.meeting.update.meeting_start.future: meeting_start ${start} is not later than now (${ctx.now})`,
      )
    }
    if (req.meeting_duration! < 300 || req.meeting_duration! > UINT32_MAX) {
      fail(
        400035,
        `wecom.meeting.update.meeting_duration.min: meeting_duration ${req.meeting_duration} is under 300 seconds`,
      )
    }
  }
  const repeating = (req.reminders?.is_repeat ?? m.reminders.is_repeat) === 1
  if (!hasStart && !repeating && m.meeting_start <= ctx.now) {
    fail(
      400034,
      `wecom.meeting.update.meeting_start.passed: the start of one-off meeting ${m.meetingid} has passed; give a new meeting_start and meeting_duration`,
    )
  }
  if (req.description !== undefined && charCount(req.description) > 500) {
    invalidParam('wecom.meeting.update.description.length', 'description', 'exceed max length 500')
  }
  if (req.location !== undefined && docWidth(req.location) > 36) {
    fail(
      400237,
      `wecom.meeting.update.location.length: location is ${docWidth(req.location)} units wide (CJK 2, Latin 1), at most 36`,
    )
  }
  const invitees = req.invitees?.userid
  if (invitees) {
    checkHeadcount(c, invitees, 'wecom.meeting.update.invitees.limit')
    checkVisible(ctx, c, invitees, 'wecom.meeting.update.invitees.visible', 'invitee')
  }
  if (req.cal_id !== undefined)
    checkCalendar(ctx, c, req.cal_id, 'wecom.meeting.update.cal_id.length', 'wecom.meeting.update.cal_id.owned')

  const settings = req.settings ? checkSettings(ctx, c, m, req.settings) : undefined
  const effHosts = settings?.hosts ?? m.settings.hosts ?? []
  const effInvitees = invitees ?? m.invitees
  checkRingUsers(
    req.settings?.remind_scope ?? m.settings.remind_scope,
    req.settings?.ring_users?.userid ?? m.settings.ring_users,
    participantsOf(m.admin_userid, effInvitees, effHosts),
    'wecom.meeting.update.settings.ring_users.participants',
  )
  const reminders = req.reminders ? checkReminders({ ...m.reminders, ...req.reminders }) : undefined
  // A new start moves the series too: the stored interval must still fit from there.
  const series = reminders ?? (hasStart ? m.reminders : undefined)
  if (series)
    checkRepeatRange(
      series,
      req.meeting_start ?? m.meeting_start,
      'wecom.meeting.update.reminders.repeat_interval.range',
    )

  const patch: MeetingPatch = {
    ...(req.title !== undefined ? { title: req.title } : {}),
    ...(hasStart ? { meeting_start: req.meeting_start!, meeting_duration: req.meeting_duration! } : {}),
    ...(req.description !== undefined ? { description: req.description } : {}),
    ...(req.location !== undefined ? { location: req.location } : {}),
    ...(invitees ? { invitees } : {}),
    ...(req.cal_id !== undefined ? { cal_id: req.cal_id } : {}),
    ...(settings ? { settings } : {}),
    ...(reminders ? { reminders } : {}),
  }
  const updated = store.update(c.corpid, m.meetingid, patch)
  followMeeting(ctx.env.stores.schedules, updated, reminders !== undefined)
  return excessUsers(c, participantsOf(updated.admin_userid, updated.invitees, updated.settings.hosts ?? []))
}

/** Checks the given settings against the effective ones and returns what to store (mute_all dropped, host_key filled). */
function checkSettings(
  ctx: RequestContext,
  c: Caller,
  m: MeetingRecord,
  s: NonNullable<WecomMeetingUpdateRequest['settings']>,
): MeetingSettings {
  checkCommonSettings(ctx, c, s, m.admin_userid, {
    password: 'wecom.meeting.update.settings.password',
    remindScope: 'wecom.meeting.update.settings.remind_scope',
    enterMute: 'wecom.meeting.update.settings.enable_enter_mute',
    hostsAdvanced: 'wecom.meeting.update.settings.hosts.advanced',
    hostsLimit: 'wecom.meeting.update.settings.hosts.limit',
    hostsVisible: 'wecom.meeting.update.settings.hosts.visible',
  })
  // INFERRED codes below: the docs name none; 400031 不合法的会议settings is the closest documented one.
  if (s.watermark_type !== undefined && s.watermark_type !== 0 && s.watermark_type !== 1) {
    fail(400031, 'wecom.meeting.update.settings.watermark_type: watermark_type must be 0 or 1')
  }
  if (s.auto_record_type !== undefined && !RECORD_TYPES.has(s.auto_record_type)) {
    fail(
      400031,
      `wecom.meeting.update.settings.auto_record_type: auto_record_type "${echo(s.auto_record_type)}" is not none, local or cloud`,
    )
  }
  const recordType = s.auto_record_type ?? m.settings.auto_record_type ?? 'none'
  // "只有auto_record_type=cloud时才能配置该字段": naming the flag at all (true or false) is configuring it.
  for (const flag of ['attendee_join_auto_record', 'enable_host_pause_auto_record'] as const) {
    if (s[flag] !== undefined && recordType !== 'cloud') {
      fail(
        400031,
        `wecom.meeting.update.settings.cloud-record-flags: ${flag} needs auto_record_type "cloud", not "${recordType}"`,
      )
    }
  }
  // "当设置allow_unmute_self为false时，需要指定mute_all=true"; mute_all alone "不生效" and is not kept.
  if (s.allow_unmute_self === false && s.mute_all !== true) {
    fail(400031, 'wecom.meeting.update.settings.mute_all: allow_unmute_self false needs mute_all true')
  }
  if (s.host_key !== undefined && !/^\d{6}$/.test(s.host_key)) {
    fail(400031, 'wecom.meeting.update.settings.host_key: host_key must be 6 digits')
  }
  const { mute_all: _ignored, hosts, ring_users, ...plain } = s
  const out: MeetingSettings = {
    ...plain,
    ...(hosts?.userid ? { hosts: hosts.userid } : {}),
    ...(ring_users?.userid ? { ring_users: ring_users.userid } : {}),
  } as MeetingSettings
  // Once the recording type leaves cloud, the cloud-only flags stop meaning anything.
  if (s.auto_record_type !== undefined && s.auto_record_type !== 'cloud') {
    out.attendee_join_auto_record = undefined
    out.enable_host_pause_auto_record = undefined
  }
  const keyOn = s.enable_host_key ?? m.settings.enable_host_key
  if (keyOn === true && (s.host_key ?? m.settings.host_key) === undefined) {
    // "如开启主持人密钥后没有填写此项，将自动分配一个6位数字的密钥"
    out.host_key = ctx.env.random.digits(6)
  }
  return out
}

/** The reminder rules of the update doc, over the stored reminders merged with the given ones. */
function checkReminders(r: MeetingReminders): MeetingReminders {
  if (r.is_repeat !== undefined && r.is_repeat !== 0 && r.is_repeat !== 1) {
    invalidParam('wecom.meeting.update.reminders.is_repeat', 'reminders.is_repeat', 'must be 0 or 1')
  }
  if (r.is_repeat !== 1) return r
  const type = r.repeat_type ?? 0
  if (![0, 1, 2, 7].includes(type))
    fail(400026, `wecom.meeting.update.reminders.repeat_type: repeat_type ${type} is not 0, 1, 2 or 7`)
  if (r.is_custom_repeat !== undefined && r.is_custom_repeat !== 0 && r.is_custom_repeat !== 1) {
    invalidParam('wecom.meeting.update.reminders.is_custom_repeat', 'reminders.is_custom_repeat', 'must be 0 or 1')
  }
  const custom = r.is_custom_repeat === 1
  if (custom) {
    // "当指定为自定义重复时，仅能选择按每日、每周或者每月重复"
    if (type === 7)
      fail(400227, 'wecom.meeting.update.reminders.custom-type: a custom repeat is daily, weekly or monthly, not 7')
    if (r.repeat_interval === undefined || r.repeat_interval < 1) {
      fail(
        400033,
        'wecom.meeting.update.reminders.repeat_interval.custom: a custom repeat needs repeat_interval of at least 1',
      )
    }
    if (type === 1 && r.repeat_day_of_week?.some((d) => d < 1 || d > 7)) {
      invalidParam(
        'wecom.meeting.update.reminders.repeat_day_of_week',
        'reminders.repeat_day_of_week',
        'must hold 1..7',
      )
    }
    if (type === 2 && r.repeat_day_of_month?.some((d) => d < 1 || d > 31)) {
      invalidParam(
        'wecom.meeting.update.reminders.repeat_day_of_month',
        'reminders.repeat_day_of_month',
        'must hold 1..31',
      )
    }
  } else if (type === 1 && r.repeat_interval !== undefined && (r.repeat_interval < 1 || r.repeat_interval > 2)) {
    fail(
      400033,
      `wecom.meeting.update.reminders.repeat_interval.max: weekly repeat_interval ${r.repeat_interval} is not 1 or 2`,
    )
  }
  const untilType = r.repeat_until_type ?? 0
  if (untilType !== 0 && untilType !== 1) {
    invalidParam('wecom.meeting.update.reminders.repeat_until_type', 'reminders.repeat_until_type', 'must be 0 or 1')
  }
  if (untilType === 1 && r.repeat_until_count !== undefined) {
    const max = maxOccurrences(type, custom || type === 1 ? (r.repeat_interval ?? 1) : 1)
    if (r.repeat_until_count < 1 || r.repeat_until_count > max) {
      fail(
        400228,
        `wecom.meeting.update.reminders.repeat_until_count: ${r.repeat_until_count} occurrences, 1 to ${max}`,
      )
    }
  }
  return r
}

export const meetingUpdate = defineEndpoint('wecom.meeting.update', {
  // A wrong JSON type is 40058, but for the fields whose errcode is "不合法的<field>参数" itself: any value
  // that is not a valid one, a wrong type included (the "400034 malformed"), answers that code.
  shape: {
    fallback: 'wecom.meeting.update.body.types',
    fields: {
      meeting_start: 'wecom.meeting.update.meeting_start.valid',
      meeting_duration: 'wecom.meeting.update.meeting_duration.min',
    },
  },
  handle: updateMeeting,
})
