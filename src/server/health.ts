/**
 * `GET /__mock/health` (alive: the process answers HTTP) and `GET /__mock/health/ready` (ready: the state is
 * built and every endpoint schema compiled, so the first requests run at full speed), for compose health
 * checks and CI wait loops. Answered by node:http before the control plane's access checks and without
 * loading Express: a wait loop hits them during cold start, and they say nothing about the emulator's world
 * (decision: health is not a secret).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pendingSchemaCount } from '../core/schema.ts'

export const HEALTH_PATH = '/__mock/health'
export const READY_PATH = '/__mock/health/ready'

/** Answers a health request and says true, or says false for any other path. */
export function serveHealth(req: IncomingMessage, res: ServerResponse, url: string): boolean {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  if (path !== HEALTH_PATH && path !== READY_PATH) return false
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
  req.resume()
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, allow: 'GET, HEAD' })
    res.end(JSON.stringify({ error: `${path} answers GET and HEAD only` }))
    return true
  }
  let status = 200
  let body: Record<string, unknown> = { status: 'ok' }
  if (path === READY_PATH) {
    const pending = pendingSchemaCount()
    status = pending === 0 ? 200 : 503
    body = pending === 0 ? { status: 'ready' } : { status: 'starting', pendingSchemas: pending }
  }
  res.writeHead(status, status === 503 ? { ...headers, 'retry-after': '1' } : headers)
  res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body))
  return true
}
