/** The Feishu side of the seed: tenants, their apps, users and mailboxes, indexed for lookups. */
import type { Tenant } from '../generated/contracts.ts'

export interface FeishuApp {
  appId: string
  appSecret: string
  name: string
  tenantKey: string
}

export interface FeishuUser {
  openId: string
  name: string
  /** Lower-cased primary address. */
  mailbox: string
  active: boolean
  tenantKey: string
}

export interface FeishuTenant {
  tenantKey: string
  name: string
  mailDomains: ReadonlySet<string>
  apps: ReadonlyMap<string, FeishuApp>
  users: ReadonlyMap<string, FeishuUser>
}

export class FeishuDirectory {
  readonly tenants: ReadonlyMap<string, FeishuTenant>
  private readonly appsById = new Map<string, FeishuApp>()
  private readonly usersByMailbox = new Map<string, FeishuUser>()
  private readonly usersByOpenId = new Map<string, FeishuUser>()

  constructor(tenants: Tenant[]) {
    const map = new Map<string, FeishuTenant>()
    for (const t of tenants) {
      const apps = new Map<string, FeishuApp>()
      for (const a of t.apps) {
        const app = { appId: a.app_id, appSecret: a.app_secret, name: a.name ?? a.app_id, tenantKey: t.tenant_key }
        apps.set(a.app_id, app)
        this.appsById.set(a.app_id, app)
      }
      const users = new Map<string, FeishuUser>()
      for (const u of t.users) {
        const user = {
          openId: u.open_id,
          name: u.name,
          mailbox: u.mailbox.toLowerCase(),
          active: u.mailbox_active ?? true,
          tenantKey: t.tenant_key,
        }
        users.set(u.open_id, user)
        this.usersByMailbox.set(user.mailbox, user)
        this.usersByOpenId.set(user.openId, user)
      }
      map.set(t.tenant_key, {
        tenantKey: t.tenant_key,
        name: t.name ?? t.tenant_key,
        mailDomains: new Set((t.mail_domains ?? []).map((d) => d.toLowerCase())),
        apps,
        users,
      })
    }
    this.tenants = map
  }

  app(appId: string): FeishuApp | undefined {
    return this.appsById.get(appId)
  }

  userByMailbox(address: string): FeishuUser | undefined {
    return this.usersByMailbox.get(address.toLowerCase())
  }

  userByOpenId(openId: string): FeishuUser | undefined {
    return this.usersByOpenId.get(openId)
  }

  /** An address is internal when a seeded mailbox has it or its domain is one of the tenant's mail domains. */
  isInternal(tenantKey: string, address: string): boolean {
    const lower = address.toLowerCase()
    const user = this.usersByMailbox.get(lower)
    if (user) return user.tenantKey === tenantKey
    const domain = lower.slice(lower.lastIndexOf('@') + 1)
    return this.tenants.get(tenantKey)?.mailDomains.has(domain) ?? false
  }
}
