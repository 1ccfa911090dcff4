/**
 * POST /cgi-bin/meeting/update (修改预约会议, https://developer.work.weixin.qq.com/document/path/98154): the
 * documented rules in the order they are checked, each named by its id in contracts/rules/wecom.meeting.update.json.
 * Only the fields given change; settings and reminders merge key by key over what is stored.
 *
 * @example
 * { "meetingid": "hy…", "title": "新标题", "meeting_start": 1600003600, "meeting_duration": 1800 }
 */
import { echo } from '../../core/echo.ts'
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import type { WecomMeetingUpdateRequest } from '../../generated/contracts.ts'
import { maxOccurrences } from '../calendar/recurrence.ts'
import { followMeeting } from '../mail/booking.ts'
import { wecomCheckOptions } from '../params.ts'
import {
  badParam,
  type Caller,
  callerOf,
  excessUsers,
  foreignCalendar,
  hostsNotBought,
  hostsOutsideVisible,
  outsideVisible,
  overHeadcount,
  participantsOf,
  repeatOutOfRange,
  ringing,
  ringOutsideMeeting,
  tooManyHosts,
} from './checks.ts'
import type { MeetingPatch, MeetingRecord, MeetingReminders, MeetingSettings } from './store.ts'

type Req = WecomMeetingUpdateRequest
type Settings = NonNullable<Req['settings']>

/** What the hooks see besides the body: the request, its caller, the meeting once found, the merged reminders. */
interface Check {
  ctx: RequestContext
  c: Caller
  m: MeetingRecord
  reminders?: MeetingReminders
}

/** The reminder rules look at the stored reminders merged with the given ones, and only at a repeating series. */
function repeating(req: Req, s: Check): MeetingReminders | undefined {
  if (!req.reminders) return undefined
  s.reminders ??= { ...s.m.reminders, ...req.reminders }
  return s.reminders.is_repeat === 1 ? s.reminders : undefined
}

const repeatType = (r: MeetingReminders) => r.repeat_type ?? 0

/**
 * Every refusing rule of contracts/rules/wecom.meeting.update.json in its file order: the plain ones from
 * their `check`, the rest here, by id. Only the fields given are checked, against the meeting as stored.
 */
const check = ruleChecks<Req, Check>(rulesOf('wecom.meeting.update'), {
  elsewhere: ['wecom.meeting.update.body.types'],
  options: wecomCheckOptions,
  hooks: {
    // Another corp's meetings do not exist for this corp.
    'wecom.meeting.update.meetingid.known': (req, s) => {
      const m = s.ctx.env.stores.meetings.get(s.c.corpid, req.meetingid!)
      if (!m) return `no meeting "${echo(req.meetingid)}" in corp ${s.c.corpid}`
      s.m = m
      return undefined
    },
    'wecom.meeting.update.meetingid.own-app': (_req, { m, c }) =>
      m.agentid !== c.agentid
        ? `meeting "${echo(m.meetingid)}" was booked by app ${m.agentid}, not ${c.agentid}`
        : undefined,
    'wecom.meeting.update.status.cancelled': (_req, { ctx, m }) =>
      ctx.env.stores.meetings.status(m, ctx.now) === 'cancelled' ? `meeting ${m.meetingid} is cancelled` : undefined,
    'wecom.meeting.update.status.scheduled': (_req, { ctx, m }) => {
      const status = ctx.env.stores.meetings.status(m, ctx.now)
      return status !== 'scheduled' ? `meeting ${m.meetingid} is ${status.replace('_', ' ')} by the clock` : undefined
    },
    'wecom.meeting.update.meeting_start.with-duration': (req) =>
      req.meeting_start !== undefined && req.meeting_duration === undefined
        ? 'meeting_start is given without meeting_duration'
        : undefined,
    'wecom.meeting.update.meeting_duration.with-start': (req) =>
      req.meeting_duration !== undefined && req.meeting_start === undefined
        ? 'meeting_duration is given without meeting_start'
        : undefined,
    'wecom.meeting.update.meeting_start.future': (req, { ctx }) =>
      req.meeting_start !== undefined && req.meeting_start <= ctx.now
        ? `meeting_start ${req.meeting_start} is not later than now (${ctx.now})`
        : undefined,
    'wecom.meeting.update.meeting_start.passed': (req, { ctx, m }) => {
      const repeats = (req.reminders?.is_repeat ?? m.reminders.is_repeat) === 1
      return req.meeting_start === undefined && !repeats && m.meeting_start <= ctx.now
        ? `the start of one-off meeting ${m.meetingid} has passed; give a new meeting_start and meeting_duration`
        : undefined
    },
    'wecom.meeting.update.invitees.limit': (req, { c }) =>
      req.invitees?.userid ? overHeadcount(c, req.invitees.userid) : undefined,
    'wecom.meeting.update.invitees.visible': (req, { ctx, c }) =>
      req.invitees?.userid ? outsideVisible(ctx, c, req.invitees.userid, 'invitee') : undefined,
    'wecom.meeting.update.cal_id.owned': (req, { ctx, c }) => foreignCalendar(ctx, c, req.cal_id),
    'wecom.meeting.update.settings.hosts.advanced': (req, { c }) => hostsNotBought(c, req.settings),
    'wecom.meeting.update.settings.hosts.limit': (req, { m }) => tooManyHosts(req.settings, m.admin_userid),
    'wecom.meeting.update.settings.hosts.visible': (req, { ctx, c }) => hostsOutsideVisible(ctx, c, req.settings),
    // INFERRED codes of the settings rules below: the docs name none; 400031 不合法的会议settings is the closest.
    // "只有auto_record_type=cloud时才能配置该字段": naming the flag at all (true or false) is configuring it.
    'wecom.meeting.update.settings.cloud-record-flags': (req, { m }) => {
      const st = req.settings
      if (!st) return undefined
      const recordType = st.auto_record_type ?? m.settings.auto_record_type ?? 'none'
      for (const flag of ['attendee_join_auto_record', 'enable_host_pause_auto_record'] as const)
        if (st[flag] !== undefined && recordType !== 'cloud')
          return `${flag} needs auto_record_type "cloud", not "${recordType}"`
      return undefined
    },
    // "当设置allow_unmute_self为false时，需要指定mute_all=true"; mute_all alone "不生效" and is not kept.
    'wecom.meeting.update.settings.mute_all': (req) =>
      req.settings?.allow_unmute_self === false && req.settings.mute_all !== true
        ? 'allow_unmute_self false needs mute_all true'
        : undefined,
    'wecom.meeting.update.settings.ring_users.participants': (req, { m }) => {
      const ring = ringing(
        req.settings?.remind_scope ?? m.settings.remind_scope,
        req.settings?.ring_users?.userid ?? m.settings.ring_users,
      )
      return ring
        ? ringOutsideMeeting(
            ring,
            participantsOf(
              m.admin_userid,
              req.invitees?.userid ?? m.invitees,
              req.settings?.hosts?.userid ?? m.settings.hosts ?? [],
            ),
          )
        : undefined
    },
    'wecom.meeting.update.reminders.repeat_type': (req, s) => {
      const r = repeating(req, s)
      return r && ![0, 1, 2, 7].includes(repeatType(r)) ? `repeat_type ${repeatType(r)} is not 0, 1, 2 or 7` : undefined
    },
    'wecom.meeting.update.reminders.is_custom_repeat': (req, s) => {
      const r = repeating(req, s)
      return r && r.is_custom_repeat !== undefined && r.is_custom_repeat !== 0 && r.is_custom_repeat !== 1
        ? badParam('reminders.is_custom_repeat', 'must be 0 or 1')
        : undefined
    },
    // "当指定为自定义重复时，仅能选择按每日、每周或者每月重复"
    'wecom.meeting.update.reminders.custom-type': (req, s) => {
      const r = repeating(req, s)
      return r?.is_custom_repeat === 1 && repeatType(r) === 7
        ? 'a custom repeat is daily, weekly or monthly, not 7'
        : undefined
    },
    'wecom.meeting.update.reminders.repeat_interval.custom': (req, s) => {
      const r = repeating(req, s)
      return r?.is_custom_repeat === 1 && (r.repeat_interval === undefined || r.repeat_interval < 1)
        ? 'a custom repeat needs repeat_interval of at least 1'
        : undefined
    },
    'wecom.meeting.update.reminders.repeat_interval.max': (req, s) => {
      const r = repeating(req, s)
      const n = r?.repeat_interval
      return r && r.is_custom_repeat !== 1 && repeatType(r) === 1 && n !== undefined && (n < 1 || n > 2)
        ? `weekly repeat_interval ${n} is not 1 or 2`
        : undefined
    },
    'wecom.meeting.update.reminders.repeat_day_of_week': (req, s) => {
      const r = repeating(req, s)
      return r?.is_custom_repeat === 1 && repeatType(r) === 1 && r.repeat_day_of_week?.some((d) => d < 1 || d > 7)
        ? badParam('reminders.repeat_day_of_week', 'must hold 1..7')
        : undefined
    },
    'wecom.meeting.update.reminders.repeat_day_of_month': (req, s) => {
      const r = repeating(req, s)
      return r?.is_custom_repeat === 1 && repeatType(r) === 2 && r.repeat_day_of_month?.some((d) => d < 1 || d > 31)
        ? badParam('reminders.repeat_day_of_month', 'must hold 1..31')
        : undefined
    },
    'wecom.meeting.update.reminders.repeat_until_type': (req, s) => {
      const r = repeating(req, s)
      const untilType = r?.repeat_until_type ?? 0
      return untilType !== 0 && untilType !== 1 ? badParam('reminders.repeat_until_type', 'must be 0 or 1') : undefined
    },
    'wecom.meeting.update.reminders.repeat_until_count': (req, s) => {
      const r = repeating(req, s)
      if (r?.repeat_until_type !== 1 || r.repeat_until_count === undefined) return undefined
      const type = repeatType(r)
      const max = maxOccurrences(type, r.is_custom_repeat === 1 || type === 1 ? (r.repeat_interval ?? 1) : 1)
      return r.repeat_until_count < 1 || r.repeat_until_count > max
        ? `${r.repeat_until_count} occurrences, 1 to ${max}`
        : undefined
    },
    // A new start moves the series too: the stored interval must still fit from there.
    'wecom.meeting.update.reminders.repeat_interval.range': (req, s) => {
      const series = req.reminders ? (s.reminders ?? { ...s.m.reminders, ...req.reminders }) : undefined
      const r = series ?? (req.meeting_start !== undefined ? s.m.reminders : undefined)
      return r ? repeatOutOfRange(r, req.meeting_start ?? s.m.meeting_start) : undefined
    },
  },
})

function updateMeeting(ctx: RequestContext): Record<string, unknown> {
  const c = callerOf(ctx)
  const req = ctx.body as Req
  const s = { ctx, c } as Check
  check(req, s)
  const { m } = s
  const hasStart = req.meeting_start !== undefined
  const invitees = req.invitees?.userid
  const patch: MeetingPatch = {
    ...(req.title !== undefined ? { title: req.title } : {}),
    ...(hasStart ? { meeting_start: req.meeting_start!, meeting_duration: req.meeting_duration! } : {}),
    ...(req.description !== undefined ? { description: req.description } : {}),
    ...(req.location !== undefined ? { location: req.location } : {}),
    ...(invitees ? { invitees } : {}),
    ...(req.cal_id !== undefined ? { cal_id: req.cal_id } : {}),
    ...(req.settings ? { settings: storedSettings(ctx, m, req.settings) } : {}),
    ...(req.reminders ? { reminders: s.reminders ?? { ...m.reminders, ...req.reminders } } : {}),
  }
  const updated = ctx.env.stores.meetings.update(c.corpid, m.meetingid, patch)
  followMeeting(ctx.env.stores.schedules, updated, req.reminders !== undefined)
  return excessUsers(c, participantsOf(updated.admin_userid, updated.invitees, updated.settings.hosts ?? []))
}

/** The given settings as they are stored: mute_all dropped, the cloud-only flags cleared, host_key filled. */
function storedSettings(ctx: RequestContext, m: MeetingRecord, s: Settings): MeetingSettings {
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
