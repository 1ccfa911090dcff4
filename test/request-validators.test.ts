/**
 * The build precompiles every endpoint's request validator (ajv standalone code, scripts/build.ts): a built
 * server checks requests without loading ajv. Those validators give the verdicts and the error objects the
 * ones compiled at run time give, on the doc examples and on each of their fields made wrong.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, normalize } from 'node:path'
import { expect, test } from 'vitest'
import feishuSend from '../fixtures/feishu/mail/doc-example.json' with { type: 'json' }
import composeSend from '../fixtures/wecom/mail/doc-example.json' with { type: 'json' }
import meetingCreate from '../fixtures/wecom/meeting/create.doc-example.json' with { type: 'json' }
import meetingUpdate from '../fixtures/wecom/meeting/update.doc-example.json' with { type: 'json' }
import scheduleAdd from '../fixtures/wecom/schedule/doc-example-corrected.json' with { type: 'json' }
import { REQUEST_VALIDATORS, requestValidatorsCode } from '../scripts/build.ts'
import { registryEntries, requestSchemaOf } from '../src/core/registry.ts'
import { PRECOMPILED_REQUEST_VALIDATORS, type ValidateFunction, validatorFor } from '../src/core/schema.ts'

const EXAMPLES: Record<string, unknown> = {
  'wecom.meeting.create': meetingCreate,
  'wecom.meeting.update': meetingUpdate,
  'wecom.schedule.add': scheduleAdd,
  'wecom.exmail.compose_send': composeSend,
  'feishu.mail.send': feishuSend,
}

// Infinity: what JSON.parse makes of `1e400`, which only ajv's strictNumbers refuses.
const WRONG: unknown[] = [
  null,
  'x',
  1.5,
  -1,
  0,
  4_294_967_296,
  Number.POSITIVE_INFINITY,
  [],
  [1, 'a'],
  {},
  true,
  'x'.repeat(3000),
]

/** The body, then each of its fields (at any depth) replaced by each wrong value, and each removed. */
function variants(body: unknown): unknown[] {
  const out: unknown[] = [body, {}, [], 'body', null]
  const walk = (node: unknown, set: (v: unknown) => unknown) => {
    if (node && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        const child = (node as Record<string, unknown>)[key]
        const with_ = (v: unknown) =>
          set(Array.isArray(node) ? node.map((x, i) => (String(i) === key ? v : x)) : { ...node, [key]: v })
        for (const w of WRONG) out.push(with_(w))
        if (!Array.isArray(node)) {
          const { [key]: _gone, ...rest } = node as Record<string, unknown>
          out.push(set(rest))
        }
        walk(child, with_)
      }
    }
  }
  walk(body, (v) => v)
  return out
}

test("the build's precompiled request validators give the verdicts and errors of the ones compiled at run time", () => {
  // Where the build writes them is where schema.ts looks for them.
  expect(normalize(join('src/core', PRECOMPILED_REQUEST_VALIDATORS))).toBe(normalize(REQUEST_VALIDATORS))
  // Inside the repo, so that its require of ajv's runtime helpers resolves as it does in dist/.
  const out = join('.cache', 'test-request-validators')
  mkdirSync(out, { recursive: true })
  const file = join(process.cwd(), out, `request-validators-${process.pid}.cjs`)
  writeFileSync(file, requestValidatorsCode())
  const precompiled = createRequire(import.meta.url)(file) as Record<string, ValidateFunction>
  rmSync(file)
  let checked = 0
  for (const entry of registryEntries) {
    const schema = requestSchemaOf(entry) as { $id: string } | undefined
    if (!schema) continue
    const built = precompiled[schema.$id]
    expect(built, entry.id).toBeTypeOf('function')
    const compiled = validatorFor(schema)
    for (const input of variants(EXAMPLES[entry.id] ?? {})) {
      const label = `${entry.id} ${JSON.stringify(input)?.slice(0, 200)}`
      expect(built!(input), label).toBe(compiled(input))
      expect(built!.errors ?? null, label).toEqual(compiled.errors ?? null)
      checked++
    }
  }
  expect(checked).toBeGreaterThan(1000)
})
