/**
 * The client adapter interface the contract suite drives: one method per endpoint, the token endpoints,
 * the read-backs, and `raw` for the requests a well-behaved client would never send (a missing token, a
 * GET on a POST endpoint, broken JSON). Every method answers with what came over the wire, never throws on
 * a vendor error: the suite checks status and code itself.
 */
export type Vendor = 'wecom' | 'feishu'

export interface WireResponse {
  status: number
  /** Names lower-cased. */
  headers: Record<string, string>
  text: string
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown
}

export interface RawRequest {
  vendor: Vendor
  method: string
  /** The path with parameters filled in. */
  path: string
  query?: Record<string, string>
  headers?: Record<string, string>
  /** Sent as is. */
  body?: string
}

type Body = Record<string, unknown>

/** One method per endpoint (names are the registry's `client_method`). */
export interface EndpointMethods {
  wecomGetToken(query: { corpid: string; corpsecret: string }): Promise<WireResponse>
  meetingCreate(token: string, body: Body): Promise<WireResponse>
  meetingUpdate(token: string, body: Body): Promise<WireResponse>
  meetingGetInfo(token: string, body: Body): Promise<WireResponse>
  meetingCancel(token: string, body: Body): Promise<WireResponse>
  meetingGetUserMeetingIds(token: string, body: Body): Promise<WireResponse>
  scheduleAdd(token: string, body: Body): Promise<WireResponse>
  scheduleGet(token: string, body: Body): Promise<WireResponse>
  scheduleDel(token: string, body: Body): Promise<WireResponse>
  scheduleUpdate(token: string, body: Body): Promise<WireResponse>
  scheduleGetByCalendar(token: string, body: Body): Promise<WireResponse>
  calendarAdd(token: string, body: Body): Promise<WireResponse>
  calendarGet(token: string, body: Body): Promise<WireResponse>
  calendarUpdate(token: string, body: Body): Promise<WireResponse>
  calendarDel(token: string, body: Body): Promise<WireResponse>
  composeSend(token: string, body: Body): Promise<WireResponse>
  feishuTenantToken(body: Body): Promise<WireResponse>
  feishuAppToken(body: Body): Promise<WireResponse>
  feishuOAuthToken(body: Body): Promise<WireResponse>
  feishuOidcAccessToken(appToken: string, body: Body): Promise<WireResponse>
  feishuOidcRefreshAccessToken(appToken: string, body: Body): Promise<WireResponse>
  mailSend(userToken: string, params: { user_mailbox_id: string }, body: Body): Promise<WireResponse>
  mailGetMessage(userToken: string, params: { user_mailbox_id: string; message_id: string }): Promise<WireResponse>
  mailListMessages(
    userToken: string,
    params: { user_mailbox_id: string },
    query?: { folder_id?: string; page_size?: string; page_token?: string; only_unread?: string },
  ): Promise<WireResponse>
}

export interface ContractClient extends EndpointMethods {
  /** Shown in the report: `fetch`, `lark-sdk`, or your own. */
  readonly name: string
  raw(request: RawRequest): Promise<WireResponse>
}

/** Where each vendor lives: the live hosts, a stub server, or anything posing as them. */
export interface BaseUrls {
  wecom: string
  feishu: string
}

export const LIVE_BASE_URLS: BaseUrls = {
  wecom: 'https://qyapi.weixin.qq.com',
  feishu: 'https://open.feishu.cn',
}
