/**
 * 列出邮件: `GET /open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages?folder_id=&page_size=&page_token=`
 * (https://open.feishu.cn/document/server-docs/mail-v1/user_mailbox-message/list; the copy seen is
 * https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/mail-v1/user_mailbox-message/list): the ids
 * of the messages one folder of the mailbox holds, newest first, a page at a time. INBOX holds what was
 * delivered to it, SENT what it sent; the ids read back with 获取邮件详情. The query's field rules answer 400
 * 99992402 with `field_violations`; the mailbox's are message get's (404 1235013, 403 1234017).
 *
 * @example
 * GET /open-apis/mail/v1/user_mailboxes/me/messages?folder_id=INBOX&page_size=20
 * Authorization: Bearer u-dev-user-token-1
 * → {"code":0,"msg":"success","data":{"items":["48451e97-…"],"has_more":false}}
 */
import { echo } from '../../core/echo.ts'
import type { VendorErrorOptions } from '../../core/errors.ts'
import { defineEndpoint, type RequestContext } from '../../core/module.ts'
import { type CheckFailure, ruleChecks } from '../../core/rule-checks.ts'
import { rulesOf } from '../../core/rules.ts'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import { lookupMailbox, type MailboxLookup, mailboxRules } from './mailbox.ts'
import type { StoredMessage } from './store.ts'

const R = 'feishu.mail.message.list'

/** The platform's answer to a field validation rule: 99992402 naming the field in `field_violations`. */
function violation(field: string, description: string): VendorErrorOptions {
  return { errorFields: { field_violations: [{ field, description }] } }
}

/** What a page_token says: the folder it lists and the last id the page before it gave. */
interface Cursor {
  folder: string
  after: string
}

function encodeCursor(c: Cursor): string {
  return encodeBase64Url(JSON.stringify([c.folder, c.after]))
}

function decodeCursor(token: string): Cursor | undefined {
  try {
    const v: unknown = JSON.parse(decodeBase64Url(token).toString('utf8'))
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string')
      return { folder: v[0], after: v[1] }
  } catch {}
  return undefined
}

/** Whether the message is unread: nothing in the emulator reads mail, so every delivery is; one's own sent copy is not. */
const unread = (m: StoredMessage) => m.state === 1

type Query = Record<string, string>

/** What the hooks see besides the query: the request, the mailbox once looked up, the folder's messages left to list. */
interface Check {
  ctx: RequestContext
  mailbox?: MailboxLookup
  list?: StoredMessage[]
}

/**
 * The rules of contracts/rules/feishu.mail.message.list.json in its order: the query's fields, the mailbox
 * (looked up after them, so a tenant token with a bad query hears about the query first), then the page.
 */
const check = ruleChecks<Query, Check>(rulesOf(R), {
  hooks: {
    [`${R}.page_size.range`]: (q) => {
      const n = Number(q.page_size)
      return /^\d+$/.test(q.page_size ?? '') && n >= 1 && n <= 20
        ? undefined
        : {
            detail: `page_size "${echo(q.page_size)}" is not an integer 1..20`,
            options: violation('page_size', 'the value range is 1-20'),
          }
    },
    [`${R}.mailbox.not-found`]: (_q, s) => {
      s.mailbox = lookupMailbox(s.ctx)
      return mailboxRules.notFound(s.mailbox)
    },
    [`${R}.mailbox.inactive`]: (_q, s) => mailboxRules.inactive(s.mailbox!),
    [`${R}.mailbox.other-user`]: (_q, s) => mailboxRules.otherUser(s.mailbox!),
    // Newest first (decision: mail list order).
    [`${R}.page_token.known`]: (q, s) => {
      const folder = q.folder_id!
      const mailbox = s.mailbox!.target!.mailbox
      const list = s.ctx.env.stores.feishuMail.store
        .list(mailbox)
        .filter((m) => m.folder === folder && (q.only_unread !== 'true' || unread(m)))
        .reverse()
      s.list = list
      if (q.page_token === undefined || q.page_token === '') return undefined
      const cursor = decodeCursor(q.page_token)
      const at = cursor && cursor.folder === folder ? list.findIndex((m) => m.messageId === cursor.after) : -1
      if (at < 0)
        return {
          detail: `page_token "${echo(q.page_token)}" is no page of folder "${echo(folder)}" of mailbox "${mailbox}" (or its message is no longer kept)`,
          options: violation('page_token', 'invalid page_token'),
        }
      s.list = list.slice(at + 1)
      return undefined
    },
  },
  options: (f: CheckFailure) => violation(f.field, f.constraint === 'enum' ? 'must be true or false' : 'is required'),
})

export const messageList = defineEndpoint(R, {
  handle(ctx) {
    const q: Query = Object.fromEntries(ctx.query)
    const s: Check = { ctx }
    check(q, s)
    const list = s.list!
    const size = Number(q.page_size)
    const page = list.slice(0, size)
    const hasMore = list.length > size
    return {
      items: page.map((m) => m.messageId),
      ...(hasMore ? { page_token: encodeCursor({ folder: q.folder_id!, after: page.at(-1)!.messageId }) } : {}),
      has_more: hasMore,
    }
  },
})
