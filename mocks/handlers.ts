/**
 * MSW handlers for the real hostnames, over the same emulator as the stub server. Only conversion lives
 * here: fetch Request → CoreRequest, CoreResponse → fetch Response (or a network error for a dropped
 * connection).
 */
import { HttpResponse, http, type RequestHandler } from 'msw'
import type { Emulator } from '../src/core/emulator.ts'

import { feishuVendor } from '../src/feishu/vendor.ts'
import { wecomVendor } from '../src/wecom/vendor.ts'

export const WECOM_ORIGINS: string[] = [...wecomVendor.origins]
export const FEISHU_ORIGINS: string[] = [...feishuVendor.origins]

export interface HandlerOptions {
  /** Extra origins to intercept as well, e.g. a base URL your client is configured with. */
  origins?: string[]
}

export function createHandlers(emulator: Emulator, options: HandlerOptions = {}): RequestHandler[] {
  // The origins of the emulator's own vendors (WECOM_ORIGINS, FEISHU_ORIGINS), and any the caller adds.
  const origins = [...emulator.vendorPlugins.flatMap((v) => v.origins), ...(options.origins ?? [])]
  return origins.map((origin) =>
    http.all(`${origin}/*`, async ({ request }) => {
      const url = new URL(request.url)
      const headers: Record<string, string> = {}
      request.headers.forEach((value, key) => {
        headers[key] = value
      })
      const body =
        request.method === 'GET' || request.method === 'HEAD'
          ? new Uint8Array(0)
          : new Uint8Array(await request.arrayBuffer())
      const response = await emulator.handle({
        method: request.method,
        url: url.pathname + url.search,
        headers,
        body,
        remoteAddress: '127.0.0.1',
      })
      if (response.drop) return HttpResponse.error()
      return new HttpResponse(response.body, {
        status: response.status,
        headers: { ...response.headers, 'content-length': String(Buffer.byteLength(response.body)) },
      })
    }),
  )
}
