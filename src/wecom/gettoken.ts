/**
 * `GET /cgi-bin/gettoken` (获取access_token, https://developer.work.weixin.qq.com/document/path/91039): an app's
 * token from corpid and corpsecret; within its lifetime the same token comes back.
 *
 * @example
 * GET /cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014
 * → {"errcode":0,"errmsg":"ok","access_token":"…","expires_in":7200}
 */
import { echo } from '../core/echo.ts'
import { defineEndpoint, type RequestContext } from '../core/module.ts'
import { ruleChecks } from '../core/rule-checks.ts'
import { rulesOf } from '../core/rules.ts'
import type { WecomApp, WecomCorp } from './directory.ts'

/** The query parameters the rules read (their checks' root), and the corp and app the hooks find. */
interface Query {
  corpsecret: string | null
  corpid: string | null
}
interface Check {
  ctx: RequestContext
  corp?: WecomCorp
  app?: WecomApp
}

/** The rules of contracts/rules/wecom.gettoken.json in its order: the real server checks the secret before the corp id (a live probe). */
const check = ruleChecks<Query, Check>(rulesOf('wecom.gettoken'), {
  hooks: {
    'wecom.gettoken.corpid.known': (q, s) => {
      s.corp = s.ctx.env.stores.wecomDirectory.corp(q.corpid!)
      return s.corp ? undefined : `no corp "${echo(q.corpid)}" in the seed`
    },
    'wecom.gettoken.corpsecret.valid': (q, s) => {
      s.app = [...s.corp!.apps.values()].find((a) => a.corpsecret === q.corpsecret)
      return s.app ? undefined : `corpsecret matches no app of corp "${echo(q.corpid)}"`
    },
  },
})

export const gettoken = defineEndpoint('wecom.gettoken', {
  handle(ctx) {
    const s: Check = { ctx }
    check({ corpsecret: ctx.query.get('corpsecret'), corpid: ctx.query.get('corpid') }, s)
    const { corp, app } = s as Required<Check>
    ctx.tags.app = `${corp.corpid}/${app.agentid}`
    const { token, expiresIn } = ctx.env.stores.wecomTokens.issue(corp.corpid, app.agentid, ctx.now)
    return { access_token: token, expires_in: expiresIn }
  },
})
