/**
 * The requests the benchmark sends: valid and distinct (each meeting has its own title and start, so no
 * duplicate-meeting rule fires), built from a counter so the loader spends nothing on randomness. The three vendor
 * endpoints: WeCom meeting/create (https://developer.work.weixin.qq.com/document/path/99104), oa/schedule/add
 * (https://developer.work.weixin.qq.com/document/path/93648) and the Feishu mail send
 * (https://open.feishu.cn/document/server-docs/mail-v1/user_mailbox-message/send).
 */

export type EndpointName = 'meeting.create' | 'schedule.add' | 'feishu.send'

export interface Credentials {
  /** WeCom access_token of app 1000014 in wwdevcorp0000001. */
  wecomToken: string
  /** Feishu user_access_token of user@xxx.xx. */
  feishuUserToken: string
  /** Unix seconds on the server's clock when the run starts: every start time is later. */
  now: number
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

export function scheduleAdd(c: Credentials, i: number): BenchRequest {
  const start = c.now + 86_400 + (i % 1_000_000) * 60
  return {
    method: 'POST',
    path: `/cgi-bin/oa/schedule/add?access_token=${c.wecomToken}`,
    headers: json,
    body: `{"schedule":{"admins":["zhangsan"],"start_time":${start},"end_time":${start + 3600},"attendees":[{"userid":"zhangsan"},{"userid":"lisi"},{"userid":"wangwu"}],"summary":"bench schedule ${i}","description":"load test","reminders":{"is_remind":1,"remind_before_event_secs":3600,"timezone":8},"location":"Room 1"},"agentid":1000014}`,
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

export const builders: Record<EndpointName, (c: Credentials, i: number) => BenchRequest> = {
  'meeting.create': meetingCreate,
  'schedule.add': scheduleAdd,
  'feishu.send': feishuSend,
}
