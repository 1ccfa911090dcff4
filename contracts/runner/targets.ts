/**
 * Where the contract suite sends its cases: the emulator in process (no port: requests go straight to
 * `emulator.handle`), a stub server by URL (its control plane under `/__mock/`), or the live APIs with
 * credentials from the environment (no control plane, so cases that need one are skipped).
 */

import type { Seed } from '../../src/core/seed.ts'
import { defaultSeed } from '../../src/core/seed.ts'
import { createEmulator, type Emulator } from '../../src/emulator.ts'
import { WecomDirectory } from '../../src/wecom/directory.ts'
import { type BaseUrls, LIVE_BASE_URLS } from '../client/types.ts'

/** The accounts cases run as. Live: from the environment variables below; emulator: from its seed. */
export interface Credentials {
  wecom: { corpid?: string; corpsecret?: string; userids: string[]; cal_id?: string }
  feishu: { app_id?: string; app_secret?: string; user_token?: string; mailbox?: string; mail_to?: string }
}

/** The emulator's control plane, as the runner uses it (in process, or over HTTP at `/__mock/`). */
export interface ControlPlane {
  reset(): Promise<void>
  now(): Promise<number>
  setClock(args: Record<string, unknown>): Promise<unknown>
  expireToken(args: Record<string, unknown>): Promise<unknown>
  issueOAuthCode(args: Record<string, unknown>): Promise<unknown>
  fault(args: Record<string, unknown>): Promise<unknown>
  /** A partial config merged over the settings in effect until the next reset. */
  setConfig(args: Record<string, unknown>): Promise<unknown>
  /** What the emulator keeps, in the shape `GET /__mock/…` answers (READ_BACKS). */
  readBack(args: Record<string, unknown>): Promise<unknown>
}

/** The read-backs a control step can take (`args.source`), as paths under /__mock/. */
export const READ_BACKS = {
  'wecom.schedules': () => '/wecom/schedules',
  'wecom.mailSchedules': () => '/wecom/schedules?origin=mail',
  'wecom.meetings': () => '/wecom/meetings',
  'wecom.calendars': () => '/wecom/calendars',
  'wecom.mailbox': (a: Record<string, unknown>) => `/wecom/mailboxes/${encodeURIComponent(addressOf(a))}`,
  'feishu.mailbox': (a: Record<string, unknown>) => `/feishu/mailboxes/${encodeURIComponent(addressOf(a))}/messages`,
  config: () => '/config',
} as const

export type ReadBackSource = keyof typeof READ_BACKS

function addressOf(args: Record<string, unknown>): string {
  if (typeof args.address !== 'string' || !args.address) throw new Error('this read-back needs args.address')
  return args.address
}

function readBackPath(args: Record<string, unknown>): string {
  const source = String(args.source)
  if (!(source in READ_BACKS))
    throw new Error(`unknown read-back "${source}" (one of ${Object.keys(READ_BACKS).join(', ')})`)
  return READ_BACKS[source as ReadBackSource](args)
}

export interface Target {
  /** Shown in the report. */
  name: string
  kind: 'emulator' | 'url' | 'live'
  baseUrls: BaseUrls
  /** For the in-process emulator: a fetch that never opens a socket. */
  fetch?: typeof fetch
  /** Absent on live targets: cases with `needs` are skipped there. */
  control?: ControlPlane
  credentials: Credentials
  /** How far ahead `{{future}}` lies, seconds. */
  futureOffset: number
  close(): Promise<void>
}

/** The environment variables a live run reads (docs/contract-suite.md lists them too). */
export const LIVE_ENV = {
  WECOM_CORP_ID: 'WeCom corp id (企业ID)',
  WECOM_CORP_SECRET: 'the secret of a self-built app allowed to call the meeting, schedule and mail APIs',
  WECOM_USER_IDS: 'comma-separated test user ids in the app’s visible range; the first one is the admin/organizer',
  WECOM_CAL_ID: 'optional: a calendar id the app created (cases that pass cal_id are skipped without it)',
  FEISHU_APP_ID: 'Feishu self-built app id (cli_…)',
  FEISHU_APP_SECRET: 'its app secret',
  FEISHU_USER_ACCESS_TOKEN: 'a user_access_token with mail:user_mailbox.message:send',
  FEISHU_MAILBOX: 'that user’s mailbox address (the sender)',
  FEISHU_MAIL_TO: 'optional: where test mail goes (default: the sender itself)',
  WECOM_BASE_URL: `optional: default ${LIVE_BASE_URLS.wecom}`,
  FEISHU_BASE_URL: `optional: default ${LIVE_BASE_URLS.feishu}`,
  CONTRACTS_PACE_MS: 'optional: the least time between two requests to one vendor (default 1000 on live)',
  CONTRACTS_FUTURE_DAYS: 'optional: how many days ahead live runs book meetings and schedules (default 60)',
} as const

const DAY = 86_400

/** Credentials from a seed: its first corp and app, the users that app can see, its first calendar. */
export function seedCredentials(seed: Seed): Credentials {
  const corp = seed.wecom.corps[0]
  const app = corp?.apps[0]
  const dir = new WecomDirectory(seed.wecom.corps)
  const c = corp ? dir.corp(corp.corpid) : undefined
  const a = corp && app ? dir.app(corp.corpid, app.agentid) : undefined
  const userids = c && a ? [...c.users.keys()].filter((u) => dir.isVisible(c, a, u)) : []
  const tenant = seed.feishu.tenants[0]
  const user = tenant?.users.find((u) => u.mailbox_active !== false && u.user_access_tokens?.length)
  const other = tenant?.users.find((u) => u !== user && u.mailbox_active !== false)
  return {
    wecom: {
      ...(corp ? { corpid: corp.corpid } : {}),
      ...(app ? { corpsecret: app.corpsecret } : {}),
      userids,
      ...(app?.calendars?.[0] ? { cal_id: app.calendars[0] } : {}),
    },
    feishu: {
      ...(tenant?.apps[0] ? { app_id: tenant.apps[0].app_id, app_secret: tenant.apps[0].app_secret } : {}),
      ...(user?.user_access_tokens?.[0] ? { user_token: user.user_access_tokens[0].token } : {}),
      ...(user ? { mailbox: user.mailbox } : {}),
      ...(other ? { mail_to: other.mailbox } : {}),
    },
  }
}

/** A fetch that hands the request to the core: the in-process target, and the SDK's transport there. */
export function inProcessFetch(emulator: Pick<Emulator, 'handle'>): typeof fetch {
  return async (input, init) => {
    const req = new Request(input, init)
    const url = new URL(req.url)
    const headers: Record<string, string> = {}
    req.headers.forEach((v, k) => {
      headers[k] = v
    })
    const res = await emulator.handle({
      method: req.method,
      url: url.pathname + url.search,
      headers,
      body: new Uint8Array(await req.arrayBuffer()),
      remoteAddress: '127.0.0.1',
    })
    if (res.drop) throw new TypeError('fetch failed: the emulator dropped the connection (injected fault)')
    const empty = res.status === 204 || res.status === 304
    return new Response(empty ? null : res.body, { status: res.status, headers: res.headers })
  }
}

/** The control plane of an emulator in this process: its `control` object, with the shapes of `/__mock/`. */
export function inProcessControlPlane(control: Emulator['control']): ControlPlane {
  return {
    reset: async () => control.reset(),
    now: async () => control.clock().now,
    setClock: async (args) => control.setClock(args),
    expireToken: async (args) => {
      control.expireToken(String(args.token))
      return { ok: true }
    },
    issueOAuthCode: async (args) => control.issueOAuthCode(args),
    fault: async (args) => {
      const add = (control as unknown as { addFault?: (a: unknown) => unknown }).addFault
      if (typeof add !== 'function') throw new Error('this emulator has no fault injection (control.addFault)')
      return add.call(control, args)
    },
    setConfig: async (args) => control.setConfig(args),
    readBack: async (args) => {
      // The very routes `/__mock/…` serves, without HTTP (and through JSON, so absent fields are absent alike).
      const answer = control.serve('GET', readBackPath(args))
      return JSON.parse(JSON.stringify(answer?.body))
    },
  }
}

export function emulatorTarget(emulator: Emulator = createEmulator()): Target {
  return {
    name: 'emulator (in process)',
    kind: 'emulator',
    baseUrls: { wecom: 'http://wecom.emulator.local', feishu: 'http://feishu.emulator.local' },
    fetch: inProcessFetch(emulator),
    control: inProcessControlPlane(emulator.control),
    credentials: seedCredentials(emulator.state.seed),
    futureOffset: 30 * DAY,
    close: async () => {},
  }
}

/** A target that cannot be run against (nothing listens there, or it is no worksuite-mock): the CLI exits 2. */
export class TargetError extends Error {
  override name = 'TargetError'
}

async function controlCall(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const url = `${base}/__mock${path}`
  let res: Response
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  } catch (e) {
    // undici's "fetch failed" says nothing; its cause says what: ECONNREFUSED, ENOTFOUND, ECONNRESET.
    const cause = (e as { cause?: { code?: string; message?: string } }).cause
    throw new TargetError(`control plane ${method} ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`)
  }
  const json = (await res.json().catch(() => undefined)) as { error?: string } | undefined
  if (!res.ok) throw new Error(`control plane ${method} /__mock${path}: HTTP ${res.status} ${json?.error ?? ''}`)
  return json
}

/**
 * The server's `GET /__mock/defaults`, or a TargetError saying why the URL is no stub server to run against:
 * nothing answers there, or what answers has no worksuite-mock control plane (a 404, a page, other JSON).
 */
async function stubDefaults(base: string): Promise<StubDefaults> {
  const url = `${base}/__mock/defaults`
  let res: Response
  try {
    res = await fetch(url)
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause
    throw new TargetError(`${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`)
  }
  const json = (await res.json().catch(() => undefined)) as (Partial<StubDefaults> & { error?: string }) | undefined
  // A worksuite-mock whose control plane is closed to this caller says so in its own JSON (403 and why).
  if (res.status === 403 && typeof json?.error === 'string') throw new TargetError(`${url} answered 403: ${json.error}`)
  const shaped =
    typeof json?.wecom?.corpid === 'string' &&
    Array.isArray(json.wecom.apps) &&
    typeof json.feishu?.app_id === 'string' &&
    Array.isArray(json.feishu.users)
  if (!res.ok || !shaped)
    throw new TargetError(
      `${url} answered ${res.status}${res.ok ? " without the control plane's defaults" : ''}: not a worksuite-mock stub server (give the base URL it prints when it starts)`,
    )
  return json as StubDefaults
}

interface StubDefaults {
  wecom: { corpid: string; apps: { corpsecret: string }[] }
  feishu: { app_id: string; app_secret: string; users: { mailbox: string; user_access_token: string | null }[] }
}

/** A running stub server (`npm start`): vendor paths and `/__mock/` on one base URL. */
export async function urlTarget(url: string, options: { seed?: Seed } = {}): Promise<Target> {
  const base = url.replace(/\/+$/, '')
  const plane: ControlPlane = {
    reset: async () => {
      await controlCall(base, 'POST', '/reset')
    },
    now: async () => ((await controlCall(base, 'GET', '/clock')) as { now: number }).now,
    setClock: (args) => controlCall(base, 'PUT', '/clock', args),
    expireToken: (args) => controlCall(base, 'POST', '/tokens/expire', args),
    issueOAuthCode: (args) => controlCall(base, 'POST', '/feishu/oauth/codes', args),
    fault: (args) => controlCall(base, 'POST', '/faults', args),
    setConfig: (args) => controlCall(base, 'PUT', '/config', args),
    readBack: (args) => controlCall(base, 'GET', readBackPath(args)),
  }
  // The server tells its app credentials; user ids and calendars come from the seed it runs (the default one
  // unless told), overridable like on live.
  const defaults = await stubDefaults(base)
  const fromSeed = seedCredentials(options.seed ?? defaultSeed)
  const user = defaults.feishu.users.find((u) => u.user_access_token) ?? undefined
  const credentials: Credentials = {
    wecom: {
      ...fromSeed.wecom,
      corpid: defaults.wecom.corpid,
      ...(defaults.wecom.apps[0] ? { corpsecret: defaults.wecom.apps[0].corpsecret } : {}),
      ...envUserIds(),
    },
    feishu: {
      ...fromSeed.feishu,
      app_id: defaults.feishu.app_id,
      app_secret: defaults.feishu.app_secret,
      ...(user?.user_access_token ? { user_token: user.user_access_token, mailbox: user.mailbox } : {}),
    },
  }
  return {
    name: `stub server ${base}`,
    kind: 'url',
    baseUrls: { wecom: base, feishu: base },
    control: plane,
    credentials,
    futureOffset: 30 * DAY,
    close: async () => {},
  }
}

function envUserIds(env: NodeJS.ProcessEnv = process.env): { userids?: string[] } {
  const ids = env.WECOM_USER_IDS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  return ids?.length ? { userids: ids } : {}
}

/** The live APIs (or whatever WECOM_BASE_URL / FEISHU_BASE_URL point at), with credentials from `env`. */
export function liveTarget(env: NodeJS.ProcessEnv = process.env): Target {
  const opt = (name: keyof typeof LIVE_ENV) => (env[name] ? env[name] : undefined)
  const credentials: Credentials = {
    wecom: {
      ...(opt('WECOM_CORP_ID') ? { corpid: opt('WECOM_CORP_ID')! } : {}),
      ...(opt('WECOM_CORP_SECRET') ? { corpsecret: opt('WECOM_CORP_SECRET')! } : {}),
      userids: envUserIds(env).userids ?? [],
      ...(opt('WECOM_CAL_ID') ? { cal_id: opt('WECOM_CAL_ID')! } : {}),
    },
    feishu: {
      ...(opt('FEISHU_APP_ID') ? { app_id: opt('FEISHU_APP_ID')! } : {}),
      ...(opt('FEISHU_APP_SECRET') ? { app_secret: opt('FEISHU_APP_SECRET')! } : {}),
      ...(opt('FEISHU_USER_ACCESS_TOKEN') ? { user_token: opt('FEISHU_USER_ACCESS_TOKEN')! } : {}),
      ...(opt('FEISHU_MAILBOX') ? { mailbox: opt('FEISHU_MAILBOX')! } : {}),
      ...((opt('FEISHU_MAIL_TO') ?? opt('FEISHU_MAILBOX'))
        ? { mail_to: (opt('FEISHU_MAIL_TO') ?? opt('FEISHU_MAILBOX'))! }
        : {}),
    },
  }
  const days = Number(env.CONTRACTS_FUTURE_DAYS ?? 60)
  return {
    name: 'live',
    kind: 'live',
    baseUrls: {
      wecom: (opt('WECOM_BASE_URL') ?? LIVE_BASE_URLS.wecom).replace(/\/+$/, ''),
      feishu: (opt('FEISHU_BASE_URL') ?? LIVE_BASE_URLS.feishu).replace(/\/+$/, ''),
    },
    credentials,
    futureOffset: (Number.isFinite(days) && days > 0 ? days : 60) * DAY,
    close: async () => {},
  }
}
