/**
 * One-off: writes contracts/cases/feishu.mail.send.json and feishu.mail.message.get.json from
 * fixtures/feishu/mail/invalid.ts (one case per refusing rule) and the accepting tests of
 * test/feishu-mail-send.test.ts and test/feishu-mail-lock.test.ts. The JSON files are the source of truth
 * from then on; edit them, not this script (re-running it overwrites hand edits).
 * Run: npx tsx scripts/gen-feishu-mail-cases.ts
 */
import { writeFileSync } from 'node:fs'
import docExample from '../fixtures/feishu/mail/doc-example.json' with { type: 'json' }
import { invalidSends } from '../fixtures/feishu/mail/invalid.ts'

type Json = unknown
const DOC = 'shared/seeds/003_3d55af9d9f26a707.txt'
const DOC_GET = 'open.feishu.cn/document/mail-v1/user_mailbox-message/get'
const SEND = (mailbox = 'me') => `/open-apis/mail/v1/user_mailboxes/${mailbox}/messages/send`
const GET = (id: string, mailbox = 'me') => `/open-apis/mail/v1/user_mailboxes/${mailbox}/messages/${id}`
const auth = (token = '{{feishu.user_token}}') => ({ Authorization: `Bearer ${token}` })
const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
const eml = (headers: string[], text = 'hello') => ({ $base64url: [...headers, '', text, ''].join('\r\n') })
const ok = (over: Record<string, Json> = {}) => ({
  subject: 'contract {{run}}',
  to: [{ mail_address: '{{feishu.mail_to}}' }],
  body_plain_text: 'hello',
  ...over,
})
const many = (n: number, domain: string) => ({ $repeat: { mail_address: `r{{i}}@${domain}` }, times: n })

function sendStep(id: string, body: Json, expect: Json, extra: Record<string, Json> = {}) {
  const { mailbox, token, headers, ...rest } = extra as { mailbox?: string; token?: string; headers?: object }
  return {
    id,
    endpoint: 'feishu.mail.send',
    request: {
      vendor: 'feishu',
      method: 'POST',
      path: SEND(mailbox),
      headers: { ...auth(token), ...(headers ?? {}) },
      body,
    },
    expect,
    ...rest,
  }
}
function getStep(id: string, messageId: string, expect: Json, extra: { mailbox?: string; token?: string } = {}) {
  return {
    id,
    endpoint: 'feishu.mail.message.get',
    request: { vendor: 'feishu', method: 'GET', path: GET(messageId, extra.mailbox), headers: auth(extra.token) },
    expect,
  }
}
const setConfig = (mail: Json) => ({ id: 'config', control: { action: 'setConfig', args: { feishu: { mail } } } })
const okExpect = { status: 200, code: 0 }

/** Per refusing rule: the body (structured data, with $repeat for the large ones) and what else it needs. */
const bodies: Record<string, { body: Json; mailbox?: string; token?: string; needs?: string[]; title: string }> = {
  'feishu.mail.send.token.user-only': {
    body: ok(),
    token: '{{feishu.tenant_token}}',
    title: 'a tenant_access_token answers 400 99991663: the endpoint takes a user_access_token only',
  },
  'feishu.mail.send.mailbox.not-found': {
    body: ok(),
    mailbox: 'nobody@xxx.xx',
    needs: ['seed'],
    title: 'a mailbox that does not exist answers 404 1234013',
  },
  'feishu.mail.send.mailbox.inactive': {
    body: ok(),
    mailbox: 'inactive@xxx.xx',
    token: 'u-dev-user-token-3',
    needs: ['seed'],
    title: 'a user whose mailbox is not active answers 404 1234013',
  },
  'feishu.mail.send.mailbox.other-user': {
    body: ok(),
    mailbox: 'jane@xxx.xx',
    needs: ['seed'],
    title: "another user's mailbox answers 403 1234017",
  },
  'feishu.mail.send.body.type': { body: ok({ subject: 123 }), title: 'a number for subject answers 400 9499' },
  'feishu.mail.send.attachments.body.length': {
    body: ok({ attachments: [{ body: { $repeat: 'A', times: 51_729_751, join: '' }, filename: 'big.bin' }] }),
    title: 'an attachment body of 51,729,751 characters answers 400 99992402',
  },
  'feishu.mail.send.recipients.required': {
    body: { subject: 'no one {{run}}', body_plain_text: 'x' },
    title: 'no to, cc or bcc answers 400 1234008',
  },
  'feishu.mail.send.recipients.address': {
    body: ok({ to: [{ mail_address: 'not-an-address' }] }),
    title: 'a recipient that is not an address answers 400 1234008',
  },
  'feishu.mail.send.attachments.filename.required': {
    body: ok({ attachments: [{ body: 'aGVsbG8gd29ybGQK' }] }),
    title: 'an attachment without filename answers 400 1234008',
  },
  'feishu.mail.send.attachments.body.required': {
    body: ok({ attachments: [{ filename: 'a.txt' }] }),
    title: 'an attachment without body answers 400 1234008',
  },
  'feishu.mail.send.attachments.inline-cid': {
    body: ok({ attachments: [{ body: 'aGVsbG8gd29ybGQK', filename: 'a.png', is_inline: true }] }),
    title: 'an inline attachment without cid answers 400 1234008',
  },
  'feishu.mail.send.raw.base64url': {
    body: { raw: 'U3ViamVjdDogPz8+Pw/+' },
    title: 'raw in standard base64 ("+", "/") answers 400 1236002',
  },
  'feishu.mail.send.attachments.body.base64url': {
    body: ok({ attachments: [{ body: 'aGVsbG8+d29y/GQK', filename: 'a.txt' }] }),
    title: 'an attachment body in standard base64 answers 400 1236002',
  },
  'feishu.mail.send.raw.mime': {
    body: { raw: { $base64url: 'hello world\nthis is not a mail\n' } },
    title: 'raw that is not a MIME message answers 400 1236002',
  },
  'feishu.mail.send.raw.recipients': {
    body: { raw: eml(['Subject: nobody {{run}}', 'From: {{feishu.mailbox}}']) },
    title: 'raw without To, Cc or Bcc answers 400 1234008',
  },
  'feishu.mail.send.recipients.limit': {
    body: ok({ to: many(300, 'xxx.xx'), cc: many(201, 'example.com') }),
    title: '501 recipients across to and cc answer 400 1236003',
  },
  'feishu.mail.send.raw.recipients.limit': {
    body: {
      raw: eml([
        'Subject: many {{run}}',
        `To: ${Array.from({ length: 501 }, (_, i) => `r${i}@example.com`).join(', ')}`,
      ]),
    },
    title: 'raw with 501 To addresses answers 400 1236003',
  },
  'feishu.mail.send.attachments.limit': {
    body: ok({ attachments: { $repeat: { body: 'aGk', filename: 'f{{i}}.txt' }, times: 501 } }),
    title: '501 attachments answer 400 1236004',
  },
}

/** Refusals that need the emulator's settings changed first: the mail settings to set. */
const configured: Record<string, { mail: Json; title: string; token?: string; body: Json; before?: Json[] }> = {
  'feishu.mail.send.size.limit': {
    mail: { maxMessageBytes: 1024 },
    body: ok({ body_plain_text: { $repeat: 'x', times: 2048, join: '' } }),
    title: 'with maxMessageBytes 1024, a 2 KB body answers 400 1236001',
  },
  'feishu.mail.send.quota.user-daily-sends': {
    mail: { daily: { sendsPerUser: 1 } },
    before: [ok()],
    body: ok(),
    title: "with one send a day per user, the day's second send answers 429 1236007",
  },
  'feishu.mail.send.quota.user-daily-external': {
    mail: { daily: { externalRecipientsPerUser: 1 } },
    body: ok({ to: many(2, 'example.com') }),
    title: 'with one external recipient a day per user, two external recipients answer 429 1236008',
  },
  'feishu.mail.send.quota.tenant-daily-external': {
    mail: { daily: { externalRecipientsPerTenant: 2 } },
    before: [ok({ to: many(2, 'example.com') })],
    token: 'u-dev-user-token-2',
    body: ok({ to: [{ mail_address: 'someone@example.org' }] }),
    title: "with two external recipients a day per tenant, another user's third answers 429 1236009",
  },
  'feishu.mail.send.check.throttled': {
    mail: { checks: { throttledMailboxes: ['user@xxx.xx'] } },
    body: ok(),
    title: 'a throttled mailbox answers 429 1236010',
  },
  'feishu.mail.send.check.restriction': {
    mail: { checks: { restrictedMailboxes: ['user@xxx.xx'] } },
    body: ok(),
    title: 'a restricted mailbox answers 429 1236012',
  },
  'feishu.mail.send.check.tenant-storage': {
    mail: { checks: { storageFullTenants: ['devtenant0001'] } },
    body: ok(),
    title: 'a tenant whose storage is full answers 429 1236013',
  },
  'feishu.mail.send.check.content-risk': {
    mail: { checks: { riskKeywords: ['lottery'] } },
    body: ok({ subject: 'You won the LOTTERY' }),
    title: 'content with a risk keyword answers 400 1236014',
  },
  'feishu.mail.send.check.sender': {
    mail: { checks: { blockedSenders: ['user@xxx.xx'] } },
    body: ok(),
    title: 'a blocked sender answers 400 1236017',
  },
  'feishu.mail.send.check.receiver': {
    mail: { checks: { blockedReceivers: ['@blocked.example'] } },
    body: ok({ to: [{ mail_address: 'someone@blocked.example' }] }),
    title: 'a blocked receiver answers 400 1236018',
  },
  'feishu.mail.send.check.internal-error': {
    mail: { checks: { failingMailboxes: ['user@xxx.xx'] } },
    body: ok(),
    title: 'a mailbox whose check fails answers 500 1236019',
  },
}

const sendCases: Json[] = []
const add = (c: Record<string, Json>) => sendCases.push(c)
const field = (rule: string) => fieldOf.get(rule) ?? 'body'

import getRulesFile from '../contracts/rules/feishu.mail.message.get.json' with { type: 'json' }
import rulesFile from '../contracts/rules/feishu.mail.send.json' with { type: 'json' }

const fieldOf = new Map<string, string>(
  [...rulesFile.rules, ...getRulesFile.rules].map((r) => [r.id, (r as { field: string }).field]),
)
const caseId = (rule: string, suffix = '') => `${rule.replace(/^feishu\.mail\./, 'feishu.mail.')}${suffix}`

for (const [rule, b] of Object.entries(bodies)) {
  const fx = invalidSends[rule]!
  add({
    id: caseId(rule),
    title: b.title,
    rules: [rule],
    doc: { file: DOC, field: field(rule) },
    ...(b.needs ? { needs: b.needs } : {}),
    steps: [
      sendStep(
        'send',
        b.body,
        { status: fx.status, code: fx.code },
        {
          ...(b.mailbox ? { mailbox: b.mailbox } : {}),
          ...(b.token ? { token: b.token } : {}),
        },
      ),
    ],
  })
}
for (const [rule, c] of Object.entries(configured)) {
  const fx = invalidSends[rule]!
  add({
    id: caseId(rule),
    title: c.title,
    rules: [rule],
    doc: { file: DOC, field: field(rule) },
    needs: ['config', ...(c.token ? ['seed'] : [])],
    steps: [
      setConfig(c.mail),
      ...(c.before ?? []).map((body, i) => sendStep(`before${i}`, body, okExpect)),
      sendStep('send', c.body, { status: fx.status, code: fx.code }, c.token ? { token: c.token } : {}),
    ],
  })
}

// The refusals that take earlier sends or concurrency.
add({
  id: 'feishu.mail.send.message-id.duplicate',
  title: 'a raw message whose Message-ID was sent before answers 409 1236005 "send mail repeatedly"',
  rules: ['feishu.mail.send.message-id.duplicate'],
  doc: { file: DOC, field: field('feishu.mail.send.message-id.duplicate') },
  steps: [
    sendStep(
      'once',
      { raw: eml(['Subject: once', 'To: {{feishu.mail_to}}', 'Message-ID: <only-once-{{run}}@contract.test>']) },
      okExpect,
    ),
    sendStep(
      'twice',
      { raw: eml(['Subject: twice', 'To: {{feishu.mail_to}}', 'Message-ID: <only-once-{{run}}@contract.test>']) },
      { status: 409, code: 1236005, fields: { msg: 'send mail repeatedly' } },
    ),
  ],
})
add({
  id: 'feishu.mail.send.message-id.doc-example-twice',
  title: 'the doc example sent twice answers 409 1236005 the second time (its raw carries a fixed Message-ID)',
  rules: ['feishu.mail.send.message-id.duplicate', 'feishu.mail.send.success'],
  doc: { file: DOC, field: field('feishu.mail.send.message-id.duplicate') },
  needs: ['seed'],
  steps: [sendStep('first', docExample, okExpect), sendStep('again', docExample, { status: 409, code: 1236005 })],
})
add({
  id: 'feishu.mail.send.message-id.assigned',
  title: 'a raw message reusing the Message-ID the emulator gave a structured send answers 409 1236005',
  rules: ['feishu.mail.send.message-id.assigned'],
  doc: { file: DOC, field: field('feishu.mail.send.message-id.assigned') },
  needs: ['control'],
  steps: [
    sendStep('first', ok(), okExpect),
    {
      id: 'sent',
      control: { action: 'readBack', args: { source: 'feishu.mailbox', address: '{{feishu.mailbox}}' } },
      expect: { fields: { count: 1, 'messages.0.folder_id': 'SENT' } },
      capture: { smtp: 'messages.0.smtp_message_id' },
    },
    sendStep(
      'reuse',
      { raw: eml(['Subject: reuse', 'To: {{feishu.mail_to}}', 'Message-ID: <{{steps.sent.smtp}}>']) },
      { status: 409, code: 1236005 },
    ),
  ],
})
add({
  id: 'feishu.mail.send.lock.serial',
  title: 'five sends to one mailbox at once: one succeeds, four answer 429 1236006 "too many request"',
  rules: ['feishu.mail.send.lock.serial'],
  doc: { file: DOC, field: field('feishu.mail.send.lock.serial') },
  steps: [
    {
      ...sendStep('burst', ok(), {
        counts: [
          { status: 200, code: 0, count: 1 },
          { status: 429, code: 1236006, count: 4 },
        ],
      }),
      parallel: 5,
    },
  ],
})
add({
  id: 'feishu.mail.send.lock.default',
  title: 'with the default settings two sends at once meet the lock: one succeeds, one answers 429 1236006',
  rules: ['feishu.mail.send.lock.default', 'feishu.mail.send.lock.serial'],
  doc: { file: DOC, field: field('feishu.mail.send.lock.default') },
  steps: [
    {
      ...sendStep('pair', ok(), {
        counts: [
          { status: 200, code: 0, count: 1 },
          { status: 429, code: 1236006, count: 1 },
        ],
      }),
      parallel: 2,
    },
  ],
})
add({
  id: 'feishu.mail.send.lock.release',
  title: 'once a send has answered, the mailbox sends again',
  rules: ['feishu.mail.send.lock.release'],
  doc: { file: DOC, field: field('feishu.mail.send.lock.release') },
  steps: [sendStep('first', ok(), okExpect), sendStep('second', ok(), okExpect)],
})
add({
  id: 'feishu.mail.send.lock.failure',
  title: 'a refused send does not keep the mailbox: the next send succeeds',
  rules: ['feishu.mail.send.lock.failure', 'feishu.mail.send.recipients.required'],
  doc: { file: DOC, field: field('feishu.mail.send.lock.failure') },
  steps: [
    sendStep('refused', { subject: 'no recipients {{run}}' }, { status: 400, code: 1234008 }),
    sendStep('next', ok(), okExpect),
  ],
})
add({
  id: 'feishu.mail.send.rate-limit',
  title: 'with 2 requests a minute, the third answers 429 99991400 with x-ogw-ratelimit-limit and -reset',
  rules: ['feishu.mail.send.rate-limit'],
  doc: { file: DOC, field: field('feishu.mail.send.rate-limit') },
  needs: ['config', 'clock'],
  steps: [
    { id: 'clock', control: { action: 'setClock', args: { now: 1_755_000_000, frozen: true } } },
    setConfig({ rateLimitPerMinute: 2 }),
    sendStep('one', ok(), okExpect),
    sendStep('two', ok(), okExpect),
    sendStep('three', ok(), {
      status: 429,
      code: 99991400,
      headers: { 'x-ogw-ratelimit-limit': '2', 'x-ogw-ratelimit-reset': { $pattern: '^[1-9][0-9]*$' } },
    }),
    { id: 'later', control: { action: 'setClock', args: { advance: 60 } } },
    sendStep('next_minute', ok(), okExpect),
  ],
})
add({
  id: 'feishu.mail.send.quota.day-boundary',
  title: 'daily quotas start again at Beijing midnight',
  rules: ['feishu.mail.send.quota.day-boundary', 'feishu.mail.send.quota.user-daily-sends'],
  doc: { file: DOC, field: field('feishu.mail.send.quota.day-boundary') },
  needs: ['config', 'clock'],
  steps: [
    // 2025-08-13 23:59:00 +08:00
    {
      id: 'clock',
      control: { action: 'setClock', args: { now: Date.UTC(2025, 7, 13, 15, 59, 0) / 1000, frozen: true } },
    },
    setConfig({ daily: { sendsPerUser: 1 } }),
    sendStep('first', ok(), okExpect),
    sendStep('second', ok(), { status: 429, code: 1236007 }),
    { id: 'midnight', control: { action: 'setClock', args: { advance: 60 } } },
    sendStep('next_day', ok(), okExpect),
  ],
})

// Accepting rules.
add({
  id: 'feishu.mail.send.success',
  title: 'a structured mail answers 200 0 "success" with a message_id and thread_id',
  rules: ['feishu.mail.send.success', 'feishu.mail.send.sdk'],
  doc: { file: DOC, field: field('feishu.mail.send.success') },
  steps: [
    sendStep('send', ok({ body_html: '<p>hello</p>' }), {
      status: 200,
      code: 0,
      fields: {
        msg: 'success',
        'data.message_id': { $type: 'string', $minLength: 1 },
        'data.thread_id': { $type: 'string' },
      },
    }),
  ],
})
for (const [suffix, mailbox] of [
  ['me', 'me'],
  ['address', 'user@xxx.xx'],
] as const)
  add({
    id: `feishu.mail.send.success.doc-example.${suffix}`,
    title: `the doc example succeeds as written at user_mailbox_id ${mailbox}, with UUID message and thread ids`,
    rules: ['feishu.mail.send.success'],
    doc: { file: DOC, field: field('feishu.mail.send.success') },
    needs: ['seed'],
    steps: [
      sendStep(
        'send',
        docExample,
        {
          status: 200,
          code: 0,
          fields: { msg: 'success', 'data.message_id': { $pattern: UUID }, 'data.thread_id': { $pattern: UUID } },
        },
        { mailbox },
      ),
    ],
  })
for (const type of ['application/json', 'application/json; charset=utf-8'])
  add({
    id: `feishu.mail.send.content-type.${type.includes('charset') ? 'charset' : 'plain'}`,
    title: `Content-Type ${type} is accepted`,
    rules: ['feishu.mail.send.content-type'],
    doc: { file: DOC, field: field('feishu.mail.send.content-type') },
    steps: [sendStep('send', ok(), okExpect, { headers: { 'Content-Type': type } })],
  })
add({
  id: 'feishu.mail.send.body.type.message',
  title: '9499 names the field and the value: "Invalid parameter type in json: to[0].mail_address …"',
  rules: ['feishu.mail.send.body.type'],
  doc: { file: DOC, field: field('feishu.mail.send.body.type') },
  steps: [
    sendStep(
      'send',
      { to: [{ mail_address: 42 }] },
      {
        status: 400,
        code: 9499,
        fields: {
          msg: 'Invalid parameter type in json: to[0].mail_address. Invalid parameter value: 42. Please check and modify accordingly.',
        },
      },
    ),
  ],
})
add({
  id: 'feishu.mail.send.body.null',
  title: 'null fields count as absent, not as a wrong type',
  rules: ['feishu.mail.send.body.null'],
  doc: { file: DOC, field: field('feishu.mail.send.body.null') },
  steps: [sendStep('send', ok({ cc: null, attachments: null, body_html: null }), okExpect)],
})
add({
  id: 'feishu.mail.send.attachments.body.length.max',
  title: 'an attachment body of exactly 51,729,750 characters is accepted',
  rules: ['feishu.mail.send.attachments.body.length'],
  doc: { file: DOC, field: field('feishu.mail.send.attachments.body.length') },
  steps: [
    sendStep(
      'send',
      ok({ attachments: [{ body: { $repeat: 'A', times: 51_729_750, join: '' }, filename: 'max.bin' }] }),
      okExpect,
    ),
  ],
})
add({
  id: 'feishu.mail.send.base64url.padding',
  title: 'attachment bodies with and without "=" padding are accepted',
  rules: ['feishu.mail.send.base64url.padding'],
  doc: { file: DOC, field: field('feishu.mail.send.base64url.padding') },
  steps: [
    sendStep('padded', ok({ attachments: [{ body: 'aGk=', filename: 'a.txt' }] }), okExpect),
    sendStep('bare', ok({ attachments: [{ body: 'aGk', filename: 'b.txt' }] }), okExpect),
  ],
})
add({
  id: 'feishu.mail.send.size.limit.edge',
  title: 'with maxMessageBytes 100, a message of 100 bytes is accepted and 101 refused with 400 1236001',
  rules: ['feishu.mail.send.size.limit'],
  doc: { file: DOC, field: field('feishu.mail.send.size.limit') },
  needs: ['config'],
  steps: [
    setConfig({ maxMessageBytes: 100 }),
    sendStep(
      'at',
      { to: [{ mail_address: '{{feishu.mail_to}}' }], body_plain_text: { $repeat: 'x', times: 100, join: '' } },
      okExpect,
    ),
    sendStep(
      'over',
      { to: [{ mail_address: '{{feishu.mail_to}}' }], body_plain_text: { $repeat: 'x', times: 101, join: '' } },
      { status: 400, code: 1236001 },
    ),
  ],
})
add({
  id: 'feishu.mail.send.recipients.limit.max',
  title: 'exactly 500 recipients are accepted (daily external quota set high enough)',
  rules: ['feishu.mail.send.recipients.limit'],
  doc: { file: DOC, field: field('feishu.mail.send.recipients.limit') },
  needs: ['config'],
  steps: [
    setConfig({ daily: { externalRecipientsPerUser: 1000 } }),
    sendStep('send', { subject: 'many {{run}}', to: many(500, 'example.com') }, okExpect),
  ],
})
add({
  id: 'feishu.mail.send.raw.precedence',
  title: 'raw wins over the structured fields, which are only type-checked',
  rules: ['feishu.mail.send.raw.precedence', 'feishu.mail.send.body.type'],
  doc: { file: DOC, field: field('feishu.mail.send.raw.precedence') },
  steps: [
    sendStep(
      'send',
      {
        raw: eml([
          'Subject: from raw {{run}}',
          'To: {{feishu.mail_to}}',
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=UTF-8',
        ]),
        subject: 'ignored',
        to: [{ mail_address: 'bad' }],
      },
      okExpect,
      { capture: { id: 'data.message_id' } },
    ),
    getStep('read', '{{steps.send.id}}', {
      status: 200,
      code: 0,
      fields: {
        'data.message.subject': 'from raw {{run}}',
        'data.message.to': [{ mail_address: '{{feishu.mail_to}}' }],
      },
    }),
    sendStep(
      'typed',
      { raw: eml(['Subject: typed', 'To: {{feishu.mail_to}}']), subject: 7 },
      { status: 400, code: 9499 },
    ),
  ],
})
add({
  id: 'feishu.mail.send.dedupe-key.replay',
  title: 'the same dedupe_key from the same mailbox answers the first result again; another key sends anew',
  rules: ['feishu.mail.send.dedupe-key.replay'],
  doc: { file: DOC, field: field('feishu.mail.send.dedupe-key.replay') },
  steps: [
    sendStep('first', ok({ dedupe_key: 'k-{{run}}' }), okExpect, {
      capture: { id: 'data.message_id', thread: 'data.thread_id' },
    }),
    sendStep('second', ok({ dedupe_key: 'k-{{run}}', subject: 'other {{run}}' }), {
      ...okExpect,
      fields: { 'data.message_id': '{{steps.first.id}}', 'data.thread_id': '{{steps.first.thread}}' },
    }),
    sendStep('other_key', ok({ dedupe_key: 'k2-{{run}}' }), {
      ...okExpect,
      fields: { 'data.message_id': { $not: '{{steps.first.id}}' } },
    }),
  ],
})
add({
  id: 'feishu.mail.send.dedupe-key.sent-once',
  title: 'a replayed dedupe_key stores nothing new: the sender keeps one copy',
  rules: ['feishu.mail.send.dedupe-key.replay'],
  doc: { file: DOC, field: field('feishu.mail.send.dedupe-key.replay') },
  needs: ['control'],
  steps: [
    sendStep('first', ok({ dedupe_key: 'k-{{run}}' }), okExpect),
    sendStep('second', ok({ dedupe_key: 'k-{{run}}' }), okExpect),
    {
      id: 'sent',
      control: { action: 'readBack', args: { source: 'feishu.mailbox', address: '{{feishu.mailbox}}' } },
      expect: { fields: { count: 1 } },
    },
  ],
})
add({
  id: 'feishu.mail.send.delivery.internal',
  title: 'an internal recipient gets a copy in INBOX (its own id), an external bcc nothing; the recipient reads it',
  rules: ['feishu.mail.send.delivery.internal'],
  doc: { file: DOC, field: field('feishu.mail.send.delivery.internal') },
  needs: ['control', 'seed'],
  steps: [
    sendStep(
      'send',
      ok({ subject: 'for jane', to: [{ mail_address: 'jane@xxx.xx' }], bcc: [{ mail_address: 'boss@example.com' }] }),
      okExpect,
      {
        capture: { id: 'data.message_id' },
      },
    ),
    {
      id: 'sent',
      control: { action: 'readBack', args: { source: 'feishu.mailbox', address: 'user@xxx.xx' } },
      expect: {
        fields: {
          count: 1,
          'messages.0.message_id': '{{steps.send.id}}',
          'messages.0.folder_id': 'SENT',
          'messages.0.message_state': 2,
        },
      },
    },
    {
      id: 'inbox',
      control: { action: 'readBack', args: { source: 'feishu.mailbox', address: 'jane@xxx.xx' } },
      expect: {
        fields: {
          count: 1,
          'messages.0.folder_id': 'INBOX',
          'messages.0.message_state': 1,
          'messages.0.subject': 'for jane',
          'messages.0.bcc': [],
          'messages.0.message_id': { $not: '{{steps.send.id}}' },
        },
      },
      capture: { id: 'messages.0.message_id' },
    },
    getStep(
      'as_jane',
      '{{steps.inbox.id}}',
      { status: 200, code: 0, fields: { 'data.message.subject': 'for jane' } },
      { token: 'u-dev-user-token-2' },
    ),
  ],
})
add({
  id: 'feishu.mail.send.thread.replies',
  title: 'a reply joins the thread of the message it answers, by In-Reply-To or References; a fresh mail starts one',
  rules: ['feishu.mail.send.thread.replies'],
  doc: { file: DOC, field: field('feishu.mail.send.thread.replies') },
  steps: [
    sendStep(
      'root',
      { raw: eml(['Subject: root', 'To: {{feishu.mail_to}}', 'Message-ID: <root-{{run}}@contract.test>']) },
      okExpect,
      {
        capture: { thread: 'data.thread_id' },
      },
    ),
    sendStep(
      'reply',
      {
        raw: eml([
          'Subject: Re: root',
          'To: {{feishu.mail_to}}',
          'Message-ID: <r1-{{run}}@contract.test>',
          'In-Reply-To: <root-{{run}}@contract.test>',
        ]),
      },
      { ...okExpect, fields: { 'data.thread_id': '{{steps.root.thread}}' } },
    ),
    sendStep(
      'refs',
      {
        raw: eml([
          'Subject: Re: root',
          'To: {{feishu.mail_to}}',
          'Message-ID: <r2-{{run}}@contract.test>',
          'References: <root-{{run}}@contract.test> <unknown-{{run}}@contract.test>',
        ]),
      },
      { ...okExpect, fields: { 'data.thread_id': '{{steps.root.thread}}' } },
    ),
    sendStep(
      'fresh',
      { raw: eml(['Subject: other', 'To: {{feishu.mail_to}}', 'Message-ID: <other-{{run}}@contract.test>']) },
      { ...okExpect, fields: { 'data.thread_id': { $not: '{{steps.root.thread}}' } } },
    ),
  ],
})
add({
  id: 'feishu.mail.send.store.cap',
  title: 'with maxStoredMessages 3, a fourth message evicts the oldest: reading it answers 404 1234034',
  rules: ['feishu.mail.send.store.cap', 'feishu.mail.message.get.not-found'],
  doc: { file: DOC, field: field('feishu.mail.send.store.cap') },
  needs: ['config'],
  steps: [
    setConfig({ maxStoredMessages: 3 }),
    ...[0, 1, 2, 3].map((i) =>
      sendStep(`m${i}`, { subject: `m${i}`, to: [{ mail_address: 'x@example.com' }] }, okExpect, {
        capture: { id: 'data.message_id' },
      }),
    ),
    getStep('newest', '{{steps.m3.id}}', okExpect),
    getStep('oldest', '{{steps.m0.id}}', { status: 404, code: 1234034 }),
  ],
})
add({
  id: 'feishu.mail.send.mailbox.case',
  title: 'the address in the path is matched case-insensitively',
  rules: ['feishu.mail.send.mailbox.case'],
  doc: { file: DOC, field: field('feishu.mail.send.mailbox.case') },
  needs: ['seed'],
  steps: [sendStep('send', ok(), okExpect, { mailbox: 'USER@xxx.xx' })],
})

const b64 = (s: string) => Buffer.from(s).toString('base64url')
const getCases: Json[] = [
  {
    id: 'feishu.mail.message.get.success',
    title: 'a sent message reads back with its fields and base64url bodies',
    rules: ['feishu.mail.message.get.success'],
    doc: { file: DOC_GET, field: fieldOf.get('feishu.mail.message.get.success') },
    steps: [
      sendStep(
        'send',
        ok({
          subject: '主题 {{run}}',
          cc: [{ mail_address: 'cc@example.com', name: 'Cc' }],
          body_plain_text: 'plain ✓',
          body_html: '<b>html</b>',
          attachments: [{ body: 'aGVsbG8gd29ybGQK', filename: 'hello.txt' }],
        }),
        okExpect,
        { capture: { id: 'data.message_id', thread: 'data.thread_id' } },
      ),
      getStep('read', '{{steps.send.id}}', {
        status: 200,
        code: 0,
        fields: {
          'data.message.message_id': '{{steps.send.id}}',
          'data.message.thread_id': '{{steps.send.thread}}',
          'data.message.subject': '主题 {{run}}',
          'data.message.head_from.mail_address': '{{feishu.mailbox}}',
          'data.message.to': [{ mail_address: '{{feishu.mail_to}}' }],
          'data.message.cc': [{ mail_address: 'cc@example.com', name: 'Cc' }],
          'data.message.message_state': 2,
          'data.message.body_plain_text': b64('plain ✓'),
          'data.message.body_html': b64('<b>html</b>'),
          'data.message.internal_date': { $pattern: '^\\d{13}$' },
          'data.message.attachments.0.filename': 'hello.txt',
          'data.message.attachments.0.attachment_type': 1,
          'data.message.attachments.0.is_inline': false,
        },
      }),
    ],
  },
  {
    id: 'feishu.mail.message.get.raw',
    title: 'a raw message reads back with its parsed subject, recipients and text',
    rules: ['feishu.mail.message.get.raw'],
    doc: { file: DOC_GET, field: fieldOf.get('feishu.mail.message.get.raw') },
    steps: [
      sendStep(
        'send',
        {
          raw: eml(
            [
              'Subject: raw subject',
              'To: {{feishu.mail_to}}, "Ext" <ext@example.com>',
              'MIME-Version: 1.0',
              'Content-Type: text/plain; charset=UTF-8',
            ],
            'raw text',
          ),
        },
        okExpect,
        { capture: { id: 'data.message_id' } },
      ),
      getStep('read', '{{steps.send.id}}', {
        status: 200,
        code: 0,
        fields: {
          'data.message.subject': 'raw subject',
          'data.message.to': [{ mail_address: '{{feishu.mail_to}}' }, { mail_address: 'ext@example.com', name: 'Ext' }],
          'data.message.body_plain_text': { $startsWith: b64('raw text').slice(0, 8) },
        },
      }),
    ],
  },
  {
    id: 'feishu.mail.message.get.not-found',
    title: 'an unknown message id answers 404 1234034',
    rules: ['feishu.mail.message.get.not-found'],
    doc: { file: DOC_GET, field: fieldOf.get('feishu.mail.message.get.not-found') },
    steps: [getStep('read', '00000000-0000-4000-8000-000000000000', { status: 404, code: 1234034 })],
  },
  {
    id: 'feishu.mail.message.get.mailbox',
    title: "an unknown or inactive mailbox answers 404 1235013, another user's 403 1234017",
    rules: [
      'feishu.mail.message.get.mailbox.not-found',
      'feishu.mail.message.get.mailbox.inactive',
      'feishu.mail.message.get.mailbox.other-user',
    ],
    doc: { file: DOC_GET, field: fieldOf.get('feishu.mail.message.get.mailbox.not-found') },
    needs: ['seed'],
    steps: [
      sendStep('send', ok(), okExpect, { capture: { id: 'data.message_id' } }),
      getStep('unknown', '{{steps.send.id}}', { status: 404, code: 1235013 }, { mailbox: 'ghost@xxx.xx' }),
      getStep('inactive', '{{steps.send.id}}', { status: 404, code: 1235013 }, { mailbox: 'inactive@xxx.xx' }),
      getStep('other', '{{steps.send.id}}', { status: 403, code: 1234017 }, { mailbox: 'jane@xxx.xx' }),
    ],
  },
  {
    id: 'feishu.mail.message.get.other-copy',
    title: "a message id of another user's mailbox answers 404 1234034",
    rules: ['feishu.mail.message.get.other-copy'],
    doc: { file: DOC_GET, field: fieldOf.get('feishu.mail.message.get.other-copy') },
    needs: ['seed'],
    steps: [
      sendStep('send', ok(), okExpect, { capture: { id: 'data.message_id' } }),
      getStep('read', '{{steps.send.id}}', { status: 404, code: 1234034 }, { token: 'u-dev-user-token-2' }),
    ],
  },
]

const write = (name: string, area: string, description: string, cases: Json[]) =>
  writeFileSync(
    new URL(`../contracts/cases/${name}.json`, import.meta.url),
    `${JSON.stringify({ $schema: '../schemas/contract-case.schema.json', area, description, cases }, null, 2)}\n`,
  )
write(
  'feishu.mail.send',
  'feishu.mail.send',
  'POST /open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages/send (SEED-003): refusals from fixtures/feishu/mail/invalid.ts, acceptances from test/feishu-mail-send.test.ts.',
  sendCases,
)
write(
  'feishu.mail.message.get',
  'feishu.mail.message.get',
  'GET /open-apis/mail/v1/user_mailboxes/:user_mailbox_id/messages/:message_id: the read-back of sent mail.',
  getCases,
)
console.log(`wrote ${sendCases.length} send cases, ${getCases.length} get cases`)
