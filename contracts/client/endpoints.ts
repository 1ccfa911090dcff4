/**
 * The endpoints the kit knows, as data: what the client adapters, the contract runner and the OpenAPI
 * generator share. Paths and ids are the emulator's route ids (src/**); `schema` names the request schema in
 * contracts/schemas when one exists.
 */
export type Vendor = 'wecom' | 'feishu'

export interface EndpointInfo {
  id: string
  vendor: Vendor
  method: 'GET' | 'POST'
  /** With `:name` segments for path parameters. */
  path: string
  /** Where the credential goes: WeCom `?access_token=`, Feishu `Authorization: Bearer <user_access_token>`. */
  auth: 'none' | 'wecom' | 'feishu-user'
  /** The ContractClient method that sends it. */
  method_name: keyof import('./types.ts').EndpointMethods
  summary: string
  /** The vendor's public doc page. */
  doc: string
  kind: 'token' | 'business' | 'read-back'
}

export const endpoints: readonly EndpointInfo[] = [
  {
    id: 'wecom.gettoken',
    vendor: 'wecom',
    method: 'GET',
    path: '/cgi-bin/gettoken',
    auth: 'none',
    method_name: 'wecomGetToken',
    summary: '获取access_token: an app token from corpid and corpsecret',
    doc: 'https://developer.work.weixin.qq.com/document/path/91039',
    kind: 'token',
  },
  {
    id: 'wecom.meeting.create',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/meeting/create',
    auth: 'wecom',
    method_name: 'meetingCreate',
    summary: '创建预约会议: book a meeting',
    doc: 'https://developer.work.weixin.qq.com/document/path/99104',
    kind: 'business',
  },
  {
    id: 'wecom.meeting.update',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/meeting/update',
    auth: 'wecom',
    method_name: 'meetingUpdate',
    summary: '修改预约会议: change a booked meeting',
    doc: 'https://developer.work.weixin.qq.com/document/path/98154',
    kind: 'business',
  },
  {
    id: 'wecom.meeting.get_info',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/meeting/get_info',
    auth: 'wecom',
    method_name: 'meetingGetInfo',
    summary: '获取会议详情: read a meeting back',
    doc: 'https://developer.work.weixin.qq.com/document/path/98149',
    kind: 'read-back',
  },
  {
    id: 'wecom.meeting.cancel',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/meeting/cancel',
    auth: 'wecom',
    method_name: 'meetingCancel',
    summary: '取消预约会议: cancel a booked meeting',
    doc: 'https://developer.work.weixin.qq.com/document/path/98153',
    kind: 'read-back',
  },
  {
    id: 'wecom.schedule.add',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/oa/schedule/add',
    auth: 'wecom',
    method_name: 'scheduleAdd',
    summary: '创建日程: add a calendar schedule',
    doc: 'https://developer.work.weixin.qq.com/document/path/93648',
    kind: 'business',
  },
  {
    id: 'wecom.schedule.get',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/oa/schedule/get',
    auth: 'wecom',
    method_name: 'scheduleGet',
    summary: '获取日程详情: read schedules back',
    doc: 'https://developer.work.weixin.qq.com/document/path/93648',
    kind: 'read-back',
  },
  {
    id: 'wecom.schedule.del',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/oa/schedule/del',
    auth: 'wecom',
    method_name: 'scheduleDel',
    summary: '取消日程: delete a schedule',
    doc: 'https://developer.work.weixin.qq.com/document/path/93648',
    kind: 'read-back',
  },
  {
    id: 'wecom.exmail.compose_send',
    vendor: 'wecom',
    method: 'POST',
    path: '/cgi-bin/exmail/app/compose_send',
    auth: 'wecom',
    method_name: 'composeSend',
    summary: '发送会议邮件: send a meeting mail (books, changes or cancels a schedule and its meeting)',
    doc: 'https://developer.work.weixin.qq.com/document/path/97868',
    kind: 'business',
  },
  {
    id: 'feishu.auth.tenant_access_token',
    vendor: 'feishu',
    method: 'POST',
    path: '/open-apis/auth/v3/tenant_access_token/internal',
    auth: 'none',
    method_name: 'feishuTenantToken',
    summary: '自建应用获取 tenant_access_token',
    doc: 'https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal',
    kind: 'token',
  },
  {
    id: 'feishu.auth.app_access_token',
    vendor: 'feishu',
    method: 'POST',
    path: '/open-apis/auth/v3/app_access_token/internal',
    auth: 'none',
    method_name: 'feishuAppToken',
    summary: '自建应用获取 app_access_token',
    doc: 'https://open.feishu.cn/document/server-docs/authentication-management/access-token/app_access_token_internal',
    kind: 'token',
  },
  {
    id: 'feishu.authen.oauth_token',
    vendor: 'feishu',
    method: 'POST',
    path: '/open-apis/authen/v2/oauth/token',
    auth: 'none',
    method_name: 'feishuOAuthToken',
    summary: '获取 user_access_token (authorization_code / refresh_token grant)',
    doc: 'https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token',
    kind: 'token',
  },
  {
    id: 'feishu.mail.send',
    vendor: 'feishu',
    method: 'POST',
    path: '/open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages/send',
    auth: 'feishu-user',
    method_name: 'mailSend',
    summary: '发送邮件: send mail as the user',
    doc: 'https://open.feishu.cn/document/server-docs/mail-v1/user_mailbox-message/send',
    kind: 'business',
  },
  {
    id: 'feishu.mail.message.get',
    vendor: 'feishu',
    method: 'GET',
    path: '/open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages/:message_id',
    auth: 'feishu-user',
    method_name: 'mailGetMessage',
    summary: '获取邮件详情: read a message back',
    doc: 'https://open.feishu.cn/document/server-docs/mail-v1/user_mailbox-message/get',
    kind: 'read-back',
  },
]

export const endpointById: ReadonlyMap<string, EndpointInfo> = new Map(endpoints.map((e) => [e.id, e]))

/** `{ user_mailbox_id: 'me' }` from `/open-apis/mail/v1/user_mailboxes/me/messages/send`, or undefined. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/')
  const p = path.split('/')
  if (t.length !== p.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < t.length; i++) {
    const seg = t[i]!
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(p[i]!)
    else if (seg !== p[i]) return undefined
  }
  return params
}

export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/:([a-z_]+)/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? '').replace(/%40/g, '@'),
  )
}
