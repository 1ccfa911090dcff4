/**
 * `worksuite-mock/client`: the thin typed fetch clients for the WeCom and Feishu endpoints the kit covers
 * (`baseUrl` points them at the live APIs or a stub server), and `fetchClient`, the same calls behind the
 * contract suite's adapter interface.
 *
 * @example
 * import { createWecomClient } from 'worksuite-mock/client'
 * const wecom = createWecomClient({ baseUrl: 'http://127.0.0.1:3000' })
 * const { body } = await wecom.getToken({ corpid: 'wwdevcorp0000001', corpsecret: 'dev-secret-meetings-1000014' })
 */
export type { Vendor } from './endpoints.ts'
export {
  type ClientOptions,
  createFeishuClient,
  createWecomClient,
  type FeishuEnvelope,
  type FetchClientOptions,
  fetchClient,
  RETRYABLE_CODES,
  type RetryOptions,
  type VendorResponse,
  type WecomEnvelope,
} from './fetch-client.ts'
export type { BaseUrls, ContractClient, EndpointMethods, RawRequest, WireResponse } from './types.ts'
export { LIVE_BASE_URLS } from './types.ts'
