/**
 * The Feishu envelope writes the error body's fixed part once per catalogue entry and the success body's
 * around the data: every answer (status, headers in their order, body byte for byte, the ids drawn) is what
 * the object-through-jsonResponse envelope built (test/support/feishu-envelope-reference.ts).
 */
import { expect, test } from 'vitest'
import { catalogues, VendorError, type VendorErrorOptions } from '../src/core/errors.ts'
import { Random } from '../src/core/random.ts'
import { feishuErrorResponse, feishuOkResponse } from '../src/feishu/envelope.ts'
import { referenceErrorResponse, referenceOkResponse } from './support/feishu-envelope-reference.ts'

const METHOD_IDS = ['', '7181645718389030914', 'a"b\\c/d', 'tab\there\nline\u2028sep', 'lone \ud800 surrogate', '飞书']

const OPTIONS: VendorErrorOptions[] = [
  {},
  { message: 'Bad Request' },
  { message: 'quote " backslash \\ control \u0001 lone \udc00 and 中文' },
  { errorFields: { field_violations: [{ field: 'to', description: 'the max len is 500' }] } },
  // errorFields that name the members around them: the object's spread order decides where they land.
  { errorFields: { message: 'mine', log_id: 'theirs', permission_violations: [] } },
  { errorFields: {} },
  { headers: { 'x-ogw-ratelimit-limit': '100', 'x-ogw-ratelimit-reset': '17' } },
  { headers: { 'content-type': 'text/plain', 'x-tt-logid': 'overridden' }, status: 503 },
  { status: 500, message: '' },
]

const REASONS = [
  'feishu.gateway.authorization.unknown-user: never issued',
  'rule: 中文 "quoted" \u00e9',
  'x'.repeat(1200),
]

test('every error answer is the one the object-built envelope gave, for each code, option set, method id and reason', () => {
  const codes = [...catalogues.feishu.keys()]
  expect(codes.length).toBeGreaterThan(20)
  let n = 0
  for (const code of codes) {
    for (const [o, options] of OPTIONS.entries()) {
      for (const [m, methodId] of METHOD_IDS.entries()) {
        const reason = REASONS[(o + m) % REASONS.length]!
        const seed = code ^ (o * 31 + m)
        // Both the same draws: a second apart, so the log id's stamp changes too.
        const nowMs = 1_764_000_000_000 + n * 1001
        const ours = feishuErrorResponse(
          { random: new Random(seed), nowMs, methodId },
          new VendorError(code, reason, options),
        )
        const theirs = referenceErrorResponse(
          { random: new Random(seed), nowMs, methodId },
          new VendorError(code, reason, options),
        )
        expect(ours).toStrictEqual(theirs)
        expect(Object.keys(ours.headers)).toEqual(Object.keys(theirs.headers))
        n++
      }
    }
  }
  // The same code twice (its head kept from the first answer) still carries each answer's own log id.
  const random = new Random(7)
  const first = feishuErrorResponse({ random, nowMs: 0, methodId: 'm' }, new VendorError(99991668, 'r'))
  const second = feishuErrorResponse({ random, nowMs: 0, methodId: 'm' }, new VendorError(99991668, 'r'))
  expect(first.body).not.toBe(second.body)
  expect(JSON.parse(second.body).error.log_id).toBe(second.headers['x-tt-logid'])
})

test('every success answer is the one the object-built envelope gave, whatever the data holds', () => {
  const data: unknown[] = [
    { message_id: 'abc', thread_id: 'def' },
    {},
    { items: [{ subject: '中文 "q" \\ \u2028', n: 1.5, none: null, gone: undefined }], has_more: false },
    { lone: '\ud83d', nested: { deep: [1, [2, { x: true }]] } },
    undefined,
  ]
  for (const [i, d] of data.entries()) {
    const ours = feishuOkResponse({ random: new Random(i), nowMs: i * 999, methodId: '' }, d as Record<string, unknown>)
    const theirs = referenceOkResponse(
      { random: new Random(i), nowMs: i * 999, methodId: '' },
      d as Record<string, unknown>,
    )
    expect(ours).toStrictEqual(theirs)
    expect(Object.keys(ours.headers)).toEqual(Object.keys(theirs.headers))
  }
})
