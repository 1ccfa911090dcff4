/**
 * 获取邮件详情: `GET /open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages/:message_id`
 * (https://open.feishu.cn/document/mail-v1/user_mailbox-message/get), so what the emulator sent can be
 * verified through the vendor's own API too. Bodies come back base64url, as the doc says (正文(base64url)).
 * Mailbox not found → 404 1235013; a message the mailbox does not hold → 404 1234034.
 *
 * @example
 * GET /open-apis/mail/v1/user_mailboxes/me/messages/48451e97-4743-4a55-a9a3-b5c656b69c05
 * Authorization: Bearer u-dev-user-token-1
 */
import { echo } from '../../core/echo.ts'
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import { ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import { encodeBase64Url } from './base64url.ts'
import { lookupMailbox, type MailboxLookup, mailboxRules } from './mailbox.ts'
import type { StoredMessage } from './store.ts'

/** The `message` object of the response; bcc only in the sender's own copy. */
export function messageView(m: StoredMessage): Record<string, unknown> {
  const c = m.content
  return {
    message_id: m.messageId,
    thread_id: m.threadId,
    subject: c.subject,
    head_from: c.headFrom,
    to: c.to,
    cc: c.cc,
    bcc: m.state === 2 ? c.bcc : [],
    body_html: encodeBase64Url(c.bodyHtml),
    body_plain_text: encodeBase64Url(c.bodyPlain),
    internal_date: String(c.internalDate),
    message_state: m.state,
    smtp_message_id: `<${c.smtpMessageId}>`,
    folder_id: m.folder,
    attachments: c.attachments.map((a) => ({
      filename: a.filename,
      id: a.id,
      attachment_type: 1,
      is_inline: a.is_inline,
      ...(a.cid ? { cid: a.cid } : {}),
    })),
    ...(c.inReplyTo ? { in_reply_to: c.inReplyTo } : {}),
    ...(c.references ? { references: c.references } : {}),
  }
}

interface Check extends MailboxLookup {
  message?: StoredMessage
}

/** The rules of contracts/rules/feishu.mail.message.get.json in its order: the mailbox, then the message. */
const check = ruleChecks<RequestContext, Check>(rulesOf('feishu.mail.message.get'), {
  hooks: {
    'feishu.mail.message.get.mailbox.not-found': (_ctx, m) => mailboxRules.notFound(m),
    'feishu.mail.message.get.mailbox.inactive': (_ctx, m) => mailboxRules.inactive(m),
    'feishu.mail.message.get.mailbox.other-user': (_ctx, m) => mailboxRules.otherUser(m),
    'feishu.mail.message.get.not-found': (ctx, m) => {
      const id = ctx.params.message_id ?? ''
      const found = ctx.env.stores.feishuMail.store.get(id)
      if (!found || found.mailbox !== m.target!.mailbox)
        return `mailbox "${m.target!.mailbox}" holds no message "${echo(id)}"`
      m.message = found
      return undefined
    },
  },
})

export const messageGet = defineEndpoint('feishu.mail.message.get', {
  handle(ctx) {
    const m: Check = lookupMailbox(ctx)
    check(ctx, m)
    return { message: messageView(m.message!) }
  },
})
