/**
 * Every case of contracts/cases/feishu.mail.send.json and feishu.mail.message.get.json (one or more per rule
 * of contracts/rules/feishu.mail.*.json) through every harness, checking the documented status and code.
 */
import type { LoadedCase } from '../contracts/runner/cases.ts'
import { casesOf, describeCases } from './support/contract-cases.ts'
import { FAST } from './support/feishu-mail.ts'

/** The lock cases need the default hold; the others run without it (200 ms a send adds up across adapters). */
const options = (c: LoadedCase) =>
  c.case.rules.some((r) => r.startsWith('feishu.mail.send.lock.')) ? {} : { config: FAST }

describeCases('feishu mail contract cases', casesOf('feishu.mail.send.json', 'feishu.mail.message.get.json'), {
  options,
})
