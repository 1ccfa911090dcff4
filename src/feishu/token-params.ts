/**
 * What the Feishu token endpoints share: their parameters (JSON, and form bodies for OAuth; anything
 * unreadable counts as empty) and their envelope context, which has no troubleshooter method_id.
 */
import type { RequestContext } from '../core/module.ts'
import { type FeishuEnvelopeContext, feishuHeaders, logId } from './envelope.ts'

const decoder = new TextDecoder()

/** Token endpoints accept JSON, and the OAuth one also form bodies; anything unreadable counts as empty. */
export function readParams(ctx: RequestContext): Record<string, unknown> {
  const text = decoder.decode(ctx.req.body)
  if (!text.trim()) return {}
  if ((ctx.req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text))
  }
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

/** Token endpoints have no troubleshooter method_id. */
export function envelopeOf(ctx: RequestContext): FeishuEnvelopeContext {
  return { random: ctx.env.random, nowMs: ctx.nowMs, methodId: '' }
}

export function logHeaders(ctx: RequestContext): Record<string, string> {
  return feishuHeaders(envelopeOf(ctx), logId(ctx.env.random, ctx.nowMs))
}
