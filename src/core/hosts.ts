/**
 * The vendors' real origins: what the MSW handlers intercept, and what the proxy and the HTTPS port serve
 * (src/proxy). One list, so an in-test client and an out-of-process one reach the emulator at the same names.
 */
import type { Vendor } from './errors.ts'

export const VENDOR_ORIGINS: Readonly<Record<Vendor, readonly string[]>> = {
  wecom: ['https://qyapi.weixin.qq.com'],
  // Lark is Feishu's international edition: the same API at another host.
  feishu: ['https://open.feishu.cn', 'https://open.larksuite.com'],
}

const HOSTS = new Map<string, Vendor>(
  (Object.entries(VENDOR_ORIGINS) as [Vendor, readonly string[]][]).flatMap(([vendor, origins]) =>
    origins.map((o) => [new URL(o).hostname, vendor] as const),
  ),
)

/** The vendor hostnames, in list order: `qyapi.weixin.qq.com`, `open.feishu.cn`, `open.larksuite.com`. */
export const VENDOR_HOSTS: readonly string[] = [...HOSTS.keys()]

/** Whose API lives at a hostname (any case, a trailing dot allowed; no port), or undefined. */
export function vendorOfHost(hostname: string): Vendor | undefined {
  return HOSTS.get(hostname.toLowerCase().replace(/\.$/, ''))
}
