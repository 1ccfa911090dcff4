/** Helpers for the meeting tests: a harness with the clock before the doc examples, tokens per app and corp. */
import type { EmulatorOptions } from '../../src/index.ts'
import type { Harness, HarnessFactory } from './harness.ts'

/** Before the doc examples' meeting_start 1600000000. */
export const BEFORE_EXAMPLES = 1_599_990_000

export interface MeetingHarness extends Harness {
  /** App `agentIndex` of corp `corpIndex` in the seed (0,0: 1000014; 1,0: 1000015; 0,1: ordinary corp; 0,2: professional). */
  token(agentIndex?: number, corpIndex?: number): Promise<string>
  post(
    path: string,
    body: unknown,
    as?: [number, number],
  ): Promise<{ status: number; json: any; text: string; headers: Record<string, string> }>
}

export async function meetingHarness(factory: HarnessFactory, options: EmulatorOptions = {}): Promise<MeetingHarness> {
  const h = await factory.make({ fakerSeed: 42, ...options })
  h.control.setClock({ now: BEFORE_EXAMPLES, frozen: true })
  const corps = h.control.defaults().wecom.corps
  // No cache: tests move the clock past the token's lifetime, and gettoken hands out a fresh one then.
  const token = async (a = 0, c = 0) => {
    const corp = corps[c]!
    const r = await h.call({
      path: '/cgi-bin/gettoken',
      query: { corpid: corp.corpid, corpsecret: corp.apps[a]!.corpsecret },
    })
    return r.json.access_token as string
  }
  const post = async (path: string, body: unknown, as: [number, number] = [0, 0]) =>
    h.call({ method: 'POST', path, query: { access_token: await token(...as) }, body })
  return { ...h, token, post }
}
