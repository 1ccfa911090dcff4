/**
 * One way to talk to the emulator per adapter, all with the same `call`: the core directly, the stub
 * server over HTTP (node:http for vendor paths), the Express middleware mounted in an app, and the MSW
 * handlers through fetch to the real hostnames. Rule tables run through every harness, so the adapters
 * are shown to agree.
 */
import type { AddressInfo } from 'node:net'
import express from 'express'
import { setupServer } from 'msw/node'
import { expect } from 'vitest'
import { createHandlers } from '../../mocks/index.ts'
import { RULES, type RuleEntry, type RuleId } from '../../src/generated/rules.ts'
import { createEmulator, type EmulatorOptions, expressMiddleware, startStubServer } from '../../src/index.ts'
import { type Call, type Reply, testCore } from './core.ts'

export interface Harness {
  call(c: Call): Promise<Reply>
  control: ReturnType<typeof testCore>['control']
  close(): Promise<void>
}

export interface HarnessFactory {
  name: string
  make(options?: EmulatorOptions): Promise<Harness>
}

/**
 * MSW patches the process's fetch: only one interceptor may be active, and the HTTP harnesses need none,
 * so making any harness first closes an interceptor a previous one left running.
 */
let activeMsw: ReturnType<typeof setupServer> | undefined
function releaseMsw(): void {
  activeMsw?.close()
  activeMsw = undefined
}

function requestInit(c: Call): { url: string; init: RequestInit } {
  const qs = c.query ? `?${new URLSearchParams(c.query)}` : ''
  const headers: Record<string, string> = {
    ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...c.headers,
  }
  const method = c.method ?? (c.body === undefined ? 'GET' : 'POST')
  const body = c.body === undefined ? undefined : typeof c.body === 'string' ? c.body : JSON.stringify(c.body)
  return { url: c.path + qs, init: { method, headers, ...(body !== undefined ? { body } : {}) } }
}

async function toReply(res: Response): Promise<Reply> {
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  const headers: Record<string, string> = {}
  res.headers.forEach((v, k) => {
    headers[k] = v
  })
  return { status: res.status, headers, text, json }
}

/** Calls over HTTP to `base` (the path decides the vendor, so one base serves both). */
function fetchCaller(base: (path: string) => string) {
  return async (c: Call): Promise<Reply> => {
    const { url, init } = requestInit(c)
    return toReply(await fetch(base(c.path) + url, init))
  }
}

export const coreHarness: HarnessFactory = {
  name: 'core',
  async make(options) {
    const t = testCore(options)
    return { call: t.call, control: t.control, close: async () => {} }
  },
}

export const stubServerHarness: HarnessFactory = {
  name: 'stub-server',
  async make(options) {
    releaseMsw()
    const emu = createEmulator(options)
    const server = await startStubServer(emu, { host: '127.0.0.1', port: 0 })
    return { call: fetchCaller(() => server.url), control: emu.control, close: () => server.close() }
  },
}

export const expressHarness: HarnessFactory = {
  name: 'express-middleware',
  async make(options) {
    releaseMsw()
    const emu = createEmulator(options)
    const app = express()
    // Mounted before the host app's own body parser, as the README says to.
    app.use('/mock', expressMiddleware(emu))
    app.use(express.json())
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
      // Node's default of 5 s races undici's reuse of an idle connection: a test that spends seconds
      // building a 70 MB mail then writes on a socket the server is closing (ECONNRESET). The stub server
      // keeps 65 s for the same reason (src/server/node-adapter.ts).
      s.keepAliveTimeout = 65_000
    })
    const { port } = server.address() as AddressInfo
    return {
      call: fetchCaller(() => `http://127.0.0.1:${port}/mock`),
      control: emu.control,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        }),
    }
  },
}

export const mswHarness: HarnessFactory = {
  name: 'msw',
  async make(options) {
    releaseMsw()
    const emu = createEmulator(options)
    const server = setupServer(...createHandlers(emu))
    activeMsw = server
    server.listen({ onUnhandledFrame: 'error' })
    return {
      call: fetchCaller((path) =>
        path.startsWith('/open-apis/') ? 'https://open.feishu.cn' : 'https://qyapi.weixin.qq.com',
      ),
      control: emu.control,
      // Closing twice (or after another harness released it) is fine.
      close: async () => {
        if (activeMsw === server) releaseMsw()
      },
    }
  },
}

/** Harnesses not yet closed; test/support/setup.ts closes what a test file left open. */
const open = new Set<Harness>()

function tracked(factory: HarnessFactory): HarnessFactory {
  return {
    name: factory.name,
    async make(options) {
      const h = await factory.make(options)
      const close = h.close
      const wrapped = {
        ...h,
        close: async () => {
          open.delete(wrapped)
          await close()
        },
      }
      open.add(wrapped)
      return wrapped
    },
  }
}

export async function closeOpenHarnesses(): Promise<void> {
  await Promise.all([...open].map((h) => h.close()))
}

/** Every adapter. */
export const harnesses: HarnessFactory[] = [coreHarness, stubServerHarness, expressHarness, mswHarness].map(tracked)

/**
 * The rule a refusal names first in `x-worksuite-mock-reason` (`<id>: …`), or undefined. A reason with
 * non-Latin-1 text is percent-encoded as a whole, which leaves the id and its colon as they are.
 */
export function reasonRule(r: { headers: Record<string, string> }): string | undefined {
  return /^([a-z0-9_.-]+):/.exec(r.headers['x-worksuite-mock-reason'] ?? '')?.[1]
}

/** The id the emulator refuses rule `id`'s situation under: its own, or the rule it is refused as. */
export function raisedAs(id: string): string {
  const r = (RULES as Record<string, RuleEntry | undefined>)[id]
  if (!r) throw new Error(`no rule ${id} in contracts/rules`)
  return r.refusedAs ?? id
}

/**
 * `r` is rule `id`'s refusal: the HTTP status and code of the rule table, and the rule (or the one it is
 * refused as) named in the reason, so that a test cannot pass while another rule with the same code fires.
 */
export function expectRefusal(r: { status: number; json: any; headers: Record<string, string> }, id: RuleId): void {
  const rule = RULES[id]
  const code = rule.vendor === 'wecom' ? r.json?.errcode : r.json?.code
  expect({ status: r.status, code, rule: reasonRule(r) }, id).toEqual({
    status: rule.status,
    code: rule.code,
    rule: raisedAs(id),
  })
}
