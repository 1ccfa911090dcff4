/**
 * The `user_mailbox_id` path parameter (the send doc's 路径参数): the caller's own address or `me`. A mailbox
 * that does not exist or is not active answers 404 (send: 1234013; message get: 1235013); another user's
 * mailbox answers 403 1234017 permission deny, since a user token opens only its owner's mailbox. The
 * endpoints run these as hooks of their rule files (`<endpoint>.mailbox.not-found`, `.inactive`, `.other-user`).
 */
import { echo } from '../../core/echo.ts'
import { fail } from '../../core/errors.ts'
import type { RequestContext } from '../../core/module.ts'
import type { FeishuUser } from '../directory.ts'

/** The mailbox a request names and the token's user: what the mailbox rules look at. */
export interface MailboxLookup {
  param: string
  caller: FeishuUser | undefined
  target: FeishuUser | undefined
}

/** The gateway's rule first (a user token, else 99991663), then the mailbox the path names, if any. */
export function lookupMailbox(ctx: RequestContext): MailboxLookup {
  const principal = ctx.principal
  if (principal?.vendor !== 'feishu' || !principal.openId) {
    fail(99991663, 'feishu.gateway.authorization.tenant-on-user-api: this API takes a user_access_token only')
  }
  const dir = ctx.env.stores.feishuDirectory
  const caller = dir.userByOpenId(principal.openId)
  const param = ctx.params.user_mailbox_id ?? ''
  const target = param === 'me' ? caller : dir.userByMailbox(param)
  if (target) ctx.tags.mailbox = target.mailbox
  return { param, caller, target }
}

/** The three mailbox rules, in their order: each answers the detail of its refusal, or undefined. */
export const mailboxRules = {
  notFound: (m: MailboxLookup) => (m.target ? undefined : `no mailbox "${echo(m.param)}"`),
  inactive: (m: MailboxLookup) => (m.target!.active ? undefined : `mailbox "${m.target!.mailbox}" is not active`),
  otherUser: (m: MailboxLookup) =>
    !m.caller || m.target!.openId !== m.caller.openId
      ? `the token's user does not own mailbox "${m.target!.mailbox}"`
      : undefined,
}
