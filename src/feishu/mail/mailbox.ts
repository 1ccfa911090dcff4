/**
 * The `user_mailbox_id` path parameter (the send doc's 路径参数): the caller's own address or `me`. A mailbox
 * that does not exist or is not active answers 404 (send: 1234013; message get: 1235013); another user's
 * mailbox answers 403 1234017 permission deny, since a user token opens only its owner's mailbox.
 */
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import type { RequestContext } from '../../core/module.ts'
import type { FeishuUser } from '../directory.ts'

export function resolveMailbox(ctx: RequestContext, notFoundCode: 1234013 | 1235013, rule: string): FeishuUser {
  const principal = ctx.principal
  if (principal?.vendor !== 'feishu' || !principal.openId) {
    fail(99991663, 'feishu.gateway.authorization.tenant-on-user-api: this API takes a user_access_token only')
  }
  const dir = ctx.env.stores.feishuDirectory
  const caller = dir.userByOpenId(principal.openId)
  const param = ctx.params.user_mailbox_id ?? ''
  const target = param === 'me' ? caller : dir.userByMailbox(param)
  if (!target) fail(notFoundCode, `${rule}.not-found: no mailbox "${echo(param)}"`)
  ctx.tags.mailbox = target.mailbox
  if (!target.active) fail(notFoundCode, `${rule}.inactive: mailbox "${target.mailbox}" is not active`)
  if (!caller || target.openId !== caller.openId) {
    fail(1234017, `${rule}.other-user: the token's user does not own mailbox "${target.mailbox}"`)
  }
  return target
}
