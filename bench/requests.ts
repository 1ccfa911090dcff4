/**
 * The requests the benchmark sends: valid and distinct (each meeting has its own title and start, so no
 * duplicate-meeting rule fires), built from a counter so the loader spends nothing on randomness. Seven paths:
 * WeCom meeting/create (https://developer.work.weixin.qq.com/document/path/99104), meeting/update
 * (https://developer.work.weixin.qq.com/document/path/98154), oa/schedule/add
 * (https://developer.work.weixin.qq.com/document/path/93648), exmail/app/compose_send with the doc's example
 * (https://developer.work.weixin.qq.com/document/path/97868), the Feishu mail send
 * (https://open.feishu.cn/document/server-docs/mail-v1/user_mailbox-message/send), and a bad token on each
 * vendor (WeCom 40014, Feishu 99991668): the refusal path, with the meeting/create and send bodies.
 */

export type EndpointName =
  | 'meeting.create'
  | 'meeting.update'
  | 'schedule.add'
  | 'compose_send'
  | 'feishu.send'
  | 'wecom.bad-token'
  | 'feishu.bad-token'

export const ENDPOINTS: readonly EndpointName[] = [
  'meeting.create',
  'meeting.update',
  'schedule.add',
  'compose_send',
  'feishu.send',
  'wecom.bad-token',
  'feishu.bad-token',
]

export interface Credentials {
  /** WeCom access_token of app 1000014 in wwdevcorp0000001. */
  wecomToken: string
  /** Feishu user_access_token of user@xxx.xx. */
  feishuUserToken: string
  /** Unix seconds on the server's clock when the run starts: every start time is later. */
  now: number
  /** Meetings booked before the run, which meeting/update changes in turn (one is enough; more spread it). */
  meetingIds?: string[]
}

export interface BenchRequest {
  method: 'POST'
  path: string
  headers: Record<string, string>
  body: string
}

const json = { 'content-type': 'application/json' }

// Bodies are template strings, not JSON.stringify: the loader must cost as little as it can, or it and not
// the server is what gets measured (on two cores it shares the machine with the server).

export function meetingCreate(c: Credentials, i: number): BenchRequest {
  const start = c.now + 86_400 + (i % 1_000_000) * 60
  return {
    method: 'POST',
    path: `/cgi-bin/meeting/create?access_token=${c.wecomToken}`,
    headers: json,
    body: `{"admin_userid":"zhangsan","title":"bench meeting ${i}","meeting_start":${start},"meeting_duration":3600,"description":"load test","location":"Room 1","agentid":1000014,"invitees":{"userid":["lisi","wangwu"]},"settings":{"remind_scope":1,"password":"1234","enable_waiting_room":false,"hosts":{"userid":["lisi"]}}}`,
  }
}

/** A new title and start for one of the booked meetings (the update doc's example fields). */
export function meetingUpdate(c: Credentials, i: number): BenchRequest {
  const ids = c.meetingIds ?? []
  const start = c.now + 86_400 + (i % 1_000_000) * 60
  return {
    method: 'POST',
    path: `/cgi-bin/meeting/update?access_token=${c.wecomToken}`,
    headers: json,
    body: `{"meetingid":"${ids[i % ids.length] ?? ''}","title":"bench update ${i}","meeting_start":${start},"meeting_duration":1800}`,
  }
}

export function scheduleAdd(c: Credentials, i: number): BenchRequest {
  const start = c.now + 86_400 + (i % 1_000_000) * 60
  return {
    method: 'POST',
    path: `/cgi-bin/oa/schedule/add?access_token=${c.wecomToken}`,
    headers: json,
    body: `{"schedule":{"admins":["zhangsan"],"start_time":${start},"end_time":${start + 3600},"attendees":[{"userid":"zhangsan"},{"userid":"lisi"},{"userid":"wangwu"}],"summary":"bench schedule ${i}","description":"load test","reminders":{"is_remind":1,"remind_before_event_secs":3600,"timezone":8},"location":"Room 1"},"agentid":1000014}`,
  }
}

/** The doc's example start (a Thursday, 16:30 Beijing) and its series' end, 17 days on. */
const DOC_START = 1669278600
const DOC_UNTIL_AFTER = 1670745600 - DOC_START

/**
 * The compose_send doc's example (fixtures/wecom/mail/doc-example.json) moved whole weeks into the future, so
 * its custom weekly days still fall on its start's weekday, with its own subject and minute.
 */
export function composeSend(c: Credentials, i: number): BenchRequest {
  const weeks = Math.ceil((c.now + 86_400 - DOC_START) / 604_800)
  const start = DOC_START + weeks * 604_800 + (i % 60) * 60
  return {
    method: 'POST',
    path: `/cgi-bin/exmail/app/compose_send?access_token=${c.wecomToken}`,
    headers: json,
    body: `{"to":{"emails":["word@bgjkcsqy.wecom.work","jyan1@tiyantest.wang","zorocheng@tencnet.com","zoro@bgjkcsqy.wecom.work"],"userids":["william"]},"subject":"邮件标题, 同时也是会议标题 ${i}","content":"邮件正文，同时是会议描述","schedule":{"method":"request","location":"这是会议地点","start_time":${start},"end_time":${start + 3600},"reminders":{"is_remind":1,"remind_before_event_mins":15,"is_repeat":1,"is_custom_repeat":1,"timezone":8,"repeat_interval":1,"repeat_type":1,"repeat_day_of_week":[4,5],"repeat_day_of_month":[],"repeat_week_of_month":[],"repeat_month_of_year":[],"repeat_until":${start + DOC_UNTIL_AFTER}}},"meeting":{"option":{"password":"123456","auto_record":2,"enable_waiting_room":true,"allow_enter_before_host":true,"enter_restraint":0,"enable_screen_watermark":true,"enable_enter_mute":0,"remind_scope":2,"water_mark_type":0},"hosts":{"userids":["zoro"]},"meeting_admins":{"userids":["zoro"]}},"enable_id_trans":1}`,
  }
}

export function feishuSend(c: Credentials, i: number): BenchRequest {
  return {
    method: 'POST',
    path: '/open-apis/mail/v1/user_mailboxes/me/messages/send',
    headers: { ...json, authorization: `Bearer ${c.feishuUserToken}` },
    body: `{"subject":"bench mail ${i}","to":[{"mail_address":"jane@xxx.xx","name":"Jane"}],"body_plain_text":"hello ${i}","body_html":"<p>hello ${i}</p>"}`,
  }
}

/** meeting/create with a token the emulator never issued: 40014 (HTTP 200). */
export function wecomBadToken(c: Credentials, i: number): BenchRequest {
  return { ...meetingCreate(c, i), path: '/cgi-bin/meeting/create?access_token=bench-not-a-token' }
}

/** The send with a user token the emulator never issued: 99991668 (HTTP 400). */
export function feishuBadToken(c: Credentials, i: number): BenchRequest {
  return { ...feishuSend(c, i), headers: { ...json, authorization: 'Bearer u-bench-not-a-token' } }
}

export const builders: Record<EndpointName, (c: Credentials, i: number) => BenchRequest> = {
  'meeting.create': meetingCreate,
  'meeting.update': meetingUpdate,
  'schedule.add': scheduleAdd,
  compose_send: composeSend,
  'feishu.send': feishuSend,
  'wecom.bad-token': wecomBadToken,
  'feishu.bad-token': feishuBadToken,
}

/** The errcode / code each path answers when the server does what it should. */
export const EXPECTED_CODE: Record<EndpointName, number> = {
  'meeting.create': 0,
  'meeting.update': 0,
  'schedule.add': 0,
  compose_send: 0,
  'feishu.send': 0,
  'wecom.bad-token': 40014,
  'feishu.bad-token': 99991668,
}

/** The path each endpoint is journaled under (the bad tokens' too: auth runs after routing). */
export const PATHS: Record<EndpointName, string> = {
  'meeting.create': '/cgi-bin/meeting/create',
  'meeting.update': '/cgi-bin/meeting/update',
  'schedule.add': '/cgi-bin/oa/schedule/add',
  compose_send: '/cgi-bin/exmail/app/compose_send',
  'feishu.send': '/open-apis/mail/v1/user_mailboxes/me/messages/send',
  'wecom.bad-token': '/cgi-bin/meeting/create',
  'feishu.bad-token': '/open-apis/mail/v1/user_mailboxes/me/messages/send',
}
