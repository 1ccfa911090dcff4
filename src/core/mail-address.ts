/**
 * What counts as a mail address, for every vendor's recipient lists (Feishu's to/cc/bcc `mail_address`,
 * WeCom compose_send's `emails`): one "@", no spaces or brackets, a dot in the domain, what a mail server
 * accepts as an addr-spec in practice. One definition, so the two vendors never disagree on one address.
 */
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/

/** A lone surrogate has no UTF-8 form, so no mail server could take an address holding one. */
export function isMailAddress(s: string): boolean {
  return s.length <= 320 && s.isWellFormed() && ADDRESS.test(s)
}
