/**
 * The WeCom side of the seed, indexed for the rules: which corp an app belongs to, which users exist,
 * who an app can see (visible range, with sub-departments), what it may call and of which kind it is,
 * which calendars an app created.
 */
import type { Corp } from '../generated/contracts.ts'

export type CorpTier = Corp['tier']

export interface WecomUser {
  userid: string
  name: string
  alias?: string
  email?: string
  departments: number[]
  meetingAccount: boolean
}

/** What an app may call (its 邮件 / 日程 / 会议 permissions, or a self-built app's 可调用应用 lists). */
export type AppPermission = 'mail' | 'schedule' | 'meeting'
export const ALL_PERMISSIONS: readonly AppPermission[] = ['mail', 'schedule', 'meeting']

export interface WecomApp {
  agentid: number
  name: string
  corpsecret: string
  /** 企业自建应用 or 第三方应用: third-party apps must name cal_id, and get ids translated in meeting mails. */
  kind: 'self-built' | 'third-party'
  permissions: ReadonlySet<AppPermission>
  visibleAll: boolean
  visibleUsers: ReadonlySet<string>
  visibleDepartments: ReadonlySet<number>
  calendars: ReadonlySet<string>
}

export interface WecomCorp {
  corpid: string
  name: string
  tier: CorpTier
  /** Invitee cap: 100 for an ordinary corp, the purchased capacity (at most 300) for a paid one. */
  meetingCapacity: number
  advancedMeeting: boolean
  mailDomain?: string
  users: ReadonlyMap<string, WecomUser>
  usersByEmail: ReadonlyMap<string, WecomUser>
  departments: ReadonlyMap<number, { id: number; name: string; parentid: number }>
  apps: ReadonlyMap<number, WecomApp>
}

export class WecomDirectory {
  readonly corps: ReadonlyMap<string, WecomCorp>

  constructor(corps: Corp[]) {
    this.corps = new Map(corps.map((c) => [c.corpid, buildCorp(c)]))
  }

  corp(corpid: string): WecomCorp | undefined {
    return this.corps.get(corpid)
  }

  app(corpid: string, agentid: number): WecomApp | undefined {
    return this.corps.get(corpid)?.apps.get(agentid)
  }

  /** The doc's "在应用可见范围内": the whole corp, a listed user, or a user in a listed department or below it. */
  isVisible(corp: WecomCorp, app: WecomApp, userid: string): boolean {
    const user = corp.users.get(userid)
    if (!user) return false
    if (app.visibleAll || app.visibleUsers.has(userid)) return true
    // A chain of parents holds each department at most once before it repeats (a cycle in the seed) or leaves
    // the list: so many steps walk all of it, with no set of the ones seen.
    const steps = corp.departments.size + 1
    for (const dept of user.departments) {
      let id: number | undefined = dept
      for (let n = 0; n < steps && id !== undefined && id !== 0; n++) {
        if (app.visibleDepartments.has(id)) return true
        id = corp.departments.get(id)?.parentid
      }
    }
    return false
  }
}

function buildCorp(c: Corp): WecomCorp {
  const users = new Map<string, WecomUser>()
  const usersByEmail = new Map<string, WecomUser>()
  for (const u of c.users) {
    const user: WecomUser = {
      userid: u.userid,
      name: u.name,
      ...(u.alias ? { alias: u.alias } : {}),
      ...(u.email ? { email: u.email } : {}),
      departments: u.department ?? [],
      meetingAccount: u.meeting_account ?? true,
    }
    users.set(u.userid, user)
    if (u.email) usersByEmail.set(u.email.toLowerCase(), user)
  }
  const apps = new Map<number, WecomApp>()
  for (const a of c.apps) {
    const visible = a.visible
    apps.set(a.agentid, {
      agentid: a.agentid,
      name: a.name ?? `app ${a.agentid}`,
      corpsecret: a.corpsecret,
      kind: a.kind ?? 'self-built',
      permissions: new Set(a.permissions ?? ALL_PERMISSIONS),
      visibleAll: !visible || visible.all === true,
      visibleUsers: new Set(visible?.users ?? []),
      visibleDepartments: new Set(visible?.departments ?? []),
      calendars: new Set(a.calendars ?? []),
    })
  }
  return {
    corpid: c.corpid,
    name: c.name,
    tier: c.tier,
    meetingCapacity: c.tier === 'ordinary' ? 100 : Math.min(c.meeting_capacity ?? 300, 300),
    advancedMeeting: c.advanced_meeting ?? false,
    ...(c.mail_domain ? { mailDomain: c.mail_domain } : {}),
    users,
    usersByEmail,
    departments: new Map(
      (c.departments ?? []).map((d) => [d.id, { id: d.id, name: d.name, parentid: d.parentid ?? 0 }]),
    ),
    apps,
  }
}
