/**
 * Recipients (the send doc's to/cc/bcc of mail_address): each needs a well-formed address (else 400 1234008),
 * and a message may have at most 500 in all (else 400 1236003, 排查建议 "超过500限制"). External means
 * outside the sender's tenant (FeishuDirectory.isInternal): those count against the daily quotas.
 */
import { echo } from '../../core/echo.ts'
import { isMailAddress } from '../../core/mail-address.ts'
import type { FeishuMailAddress } from '../../generated/contracts.ts'

export const MAX_RECIPIENTS = 500
export const MAX_ATTACHMENTS = 500

export interface Address {
  mail_address: string
  name?: string
}

/** A well-formed address (src/core/mail-address.ts: the one definition both vendors use). */
export const isAddress = isMailAddress

/** The first entry of a structured to/cc/bcc list without a well-formed address; `field` names the list. */
export function badAddress(field: string, list: FeishuMailAddress[] | null | undefined): string | undefined {
  if (!list) return undefined
  for (let i = 0; i < list.length; i++) {
    const addr = list[i]?.mail_address
    if (addr === undefined || addr === null || addr === '') return `${field}[${i}].mail_address is required`
    if (!isAddress(addr)) return `${field}[${i}].mail_address "${echo(addr)}" is not an email address`
  }
  return undefined
}

/** A checked structured list as the message keeps it. */
export function addresses(list: FeishuMailAddress[] | null | undefined): Address[] {
  return (list ?? []).map((a) =>
    a.name ? { mail_address: a.mail_address!, name: a.name } : { mail_address: a.mail_address! },
  )
}

export function tooManyRecipients(count: number): string | undefined {
  return count > MAX_RECIPIENTS ? `${count} recipients (to + cc + bcc); at most ${MAX_RECIPIENTS}` : undefined
}
