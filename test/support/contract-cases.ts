/**
 * The rule tables: the contract cases of contracts/cases (their only copy) run through every harness, so each
 * adapter (core, stub server, Express middleware, MSW) is shown to answer every documented rule as the case
 * says. On top of the case's own expectations, every WeCom refusal must carry its errcode in the Error-Code
 * header and an errmsg of the vendor's form ("…, hint: [<id>], from ip: <ip>, …"), and every answer on the
 * way must fit its endpoint's response schema (test/support/checked.ts).
 */
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, test } from 'vitest'
import { type LoadedCase, loadCases } from '../../contracts/runner/cases.ts'
import { makeClient, runCase, type Session } from '../../contracts/runner/run.ts'
import { inProcessControlPlane, seedCredentials, type Target } from '../../contracts/runner/targets.ts'
import { defaultSeed } from '../../src/core/seed.ts'
import type { EmulatorOptions } from '../../src/index.ts'
import { checkedHarnesses } from './checked.ts'
import type { Reply } from './core.ts'
import type { Harness, HarnessFactory } from './harness.ts'

/** The cases of the given files of contracts/cases, in file order. */
export function casesOf(...files: string[]): LoadedCase[] {
  const all = loadCases()
  for (const f of files) if (!all.some((c) => c.file === f)) throw new Error(`contracts/cases/${f} has no cases`)
  return all.filter((c) => files.includes(c.file))
}

/** A target whose requests go through the harness's `call`, with the emulator's control plane beside it. */
export function harnessTarget(h: Harness, replies: Reply[] = []): Target {
  const send: typeof fetch = async (input, init) => {
    const req = new Request(input, init)
    const url = new URL(req.url)
    const headers: Record<string, string> = {}
    req.headers.forEach((v, k) => {
      headers[k] = v
    })
    const body = req.body ? await req.text() : undefined
    const r = await h.call({
      method: req.method,
      path: url.pathname + url.search,
      headers,
      ...(body !== undefined ? { body } : {}),
    })
    if (r.drop) throw new TypeError('fetch failed: the emulator dropped the connection (injected fault)')
    replies.push(r)
    const empty = r.status === 204 || r.status === 304
    return new Response(empty ? null : r.text, { status: r.status, headers: r.headers })
  }
  return {
    name: 'harness',
    kind: 'emulator',
    baseUrls: { wecom: 'http://wecom.harness.local', feishu: 'http://feishu.harness.local' },
    fetch: send,
    control: inProcessControlPlane(h.control),
    credentials: seedCredentials(defaultSeed),
    futureOffset: 30 * 86_400,
    close: async () => {},
  }
}

/** WeCom answers with a non-zero errcode that do not mirror it in Error-Code or lack the hint/ip errmsg. */
export function wecomEnvelopeFaults(replies: Reply[]): string[] {
  const out: string[] = []
  for (const r of replies) {
    const code = r.json?.errcode
    if (typeof code !== 'number' || code === 0) continue
    if (r.headers['error-code'] !== String(code)) out.push(`errcode ${code} with Error-Code ${r.headers['error-code']}`)
    if (!/, hint: \[\d+\], from ip: /.test(String(r.json.errmsg))) out.push(`errcode ${code} errmsg "${r.json.errmsg}"`)
  }
  return out
}

export interface CaseTableOptions {
  /** The emulator options a case runs under (default none); cases sharing options share one emulator per adapter. */
  options?: (c: LoadedCase) => EmulatorOptions
}

/** One describe per harness, one test per case; a case passes when every step meets its expectations. */
export function describeCases(name: string, cases: LoadedCase[], table: CaseTableOptions = {}): void {
  describe.each(checkedHarnesses)(`${name} through $name`, (factory: HarnessFactory & { problems: string[] }) => {
    // One emulator at a time (MSW allows a single interceptor): a case with other options replaces it.
    let current: { key: string; h: Harness } | undefined
    const harnessFor = async (options: EmulatorOptions) => {
      const key = JSON.stringify(options)
      if (current?.key !== key) {
        await current?.h.close()
        current = { key, h: await factory.make(options) }
      }
      return current.h
    }
    afterAll(() => current?.h.close())

    test.each(cases.map((c) => [`${c.case.id}: ${c.case.title ?? c.case.rules.join(', ')}`, c] as const))(
      '%s',
      async (_name, loaded) => {
        const h = await harnessFor(table.options?.(loaded) ?? {})
        const replies: Reply[] = []
        const target = harnessTarget(h, replies)
        const session: Session = {
          target,
          client: await makeClient('fetch', target),
          run: randomBytes(3).toString('hex'),
          tokens: new Map(),
        }
        const result = await runCase(loaded, session)
        expect(result.failures, `rules: ${result.rules.join(', ')}`).toEqual([])
        expect(result.status).toBe('passed')
        expect(wecomEnvelopeFaults(replies)).toEqual([])
        expect(factory.problems.splice(0), 'answers that break their response schema').toEqual([])
      },
      // The size cases send some 70 MB through the HTTP adapters.
      60_000,
    )
  })
}
