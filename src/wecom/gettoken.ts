/**
 * `GET /cgi-bin/gettoken` (获取access_token, https://developer.work.weixin.qq.com/document/path/91039): an app's
 * token from corpid and corpsecret; within its lifetime the same token comes back.
 *
 * @example
 * GET /cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=dev-secret-meetings-1000014
 * → {"errcode":0,"errmsg":"ok","access_token":"…","expires_in":7200}
 */
import { echo } from '../core/echo.ts'
import { fail } from '../core/errors.ts'
import { defineEndpoint } from '../core/module.ts'

export const gettoken = defineEndpoint('wecom.gettoken', {
  handle(ctx) {
    const { wecomDirectory: directory, wecomTokens: tokens } = ctx.env.stores
    // The real server checks the secret before the corp id (a live probe).
    const corpsecret = ctx.query.get('corpsecret')
    const corpid = ctx.query.get('corpid')
    if (!corpsecret) fail(41004, 'wecom.gettoken.corpsecret.required: corpsecret is missing from the query string')
    if (!corpid) fail(41002, 'wecom.gettoken.corpid.required: corpid is missing from the query string')
    const corp = directory.corp(corpid)
    if (!corp) fail(40013, `wecom.gettoken.corpid.known: no corp "${echo(corpid)}" in the seed`)
    const app = [...corp.apps.values()].find((a) => a.corpsecret === corpsecret)
    if (!app) fail(40001, `wecom.gettoken.corpsecret.valid: corpsecret matches no app of corp "${echo(corpid)}"`)
    ctx.tags.app = `${corp.corpid}/${app.agentid}`
    const { token, expiresIn } = tokens.issue(corp.corpid, app.agentid, ctx.now)
    return { access_token: token, expires_in: expiresIn }
  },
})
