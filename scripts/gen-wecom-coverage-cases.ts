/**
 * One-off: adds the cases of the compose_send success rules and the remaining oa/schedule rules to
 * contracts/cases/wecom.exmail.compose_send.json and wecom.schedule.{add,get,del}.json (replacing cases of
 * the same id, so a re-run does not duplicate). The JSON files are the source of truth from then on.
 * Run: npx tsx scripts/gen-wecom-coverage-cases.ts
 */
import { readFileSync, writeFileSync } from 'node:fs'
import mailDocExample from '../fixtures/wecom/mail/doc-example.json' with { type: 'json' }
import scheduleDocExample from '../fixtures/wecom/schedule/doc-example.json' with { type: 'json' }
import scheduleDocCorrected from '../fixtures/wecom/schedule/doc-example-corrected.json' with { type: 'json' }

type Json = unknown
const MAIL_DOC = 'seeds/000_a714ffc6a9b22f41.txt'
const SCHED_DOC = 'seeds/002_94d212b1c6e7af6d.txt'
const token = '{{wecom.token}}'
const OTHER = '{{steps.app2.token}}'

function call(id: string, endpoint: string, path: string, body: Json, expect: Json, extra: Record<string, Json> = {}) {
  const { tok, ...rest } = extra as { tok?: string }
  return {
    id,
    endpoint,
    request: { vendor: 'wecom', method: 'POST', path, query: { access_token: tok ?? token }, body },
    expect,
    ...rest,
  }
}
const ok = { status: 200, code: 0 }
const send = (id: string, body: Json, expect: Json = ok, extra: Record<string, Json> = {}) =>
  call(id, 'wecom.exmail.compose_send', '/cgi-bin/exmail/app/compose_send', body, expect, extra)
const schedGet = (id: string, sid: string, expect: Json, extra: Record<string, Json> = {}) =>
  call(id, 'wecom.schedule.get', '/cgi-bin/oa/schedule/get', { schedule_id_list: [sid] }, expect, extra)
const schedDel = (id: string, body: Json, expect: Json, extra: Record<string, Json> = {}) =>
  call(id, 'wecom.schedule.del', '/cgi-bin/oa/schedule/del', body, expect, extra)
const meetingInfo = (id: string, meetingid: string, expect: Json) =>
  call(id, 'wecom.meeting.get_info', '/cgi-bin/meeting/get_info', { meetingid }, expect)
const schedAdd = (id: string, schedule: Json, expect: Json = ok) =>
  call(id, 'wecom.schedule.add', '/cgi-bin/oa/schedule/add', { schedule }, expect, {
    capture: { schedule_id: 'schedule_id' },
    cleanup: { endpoint: 'wecom.schedule.del', body: { schedule_id: `{{steps.${id}.schedule_id}}` } },
  })
/** The schedules meeting mails made: the API answers no id, so the control plane tells it. */
const mailSchedules = (id: string, expect: Json = { fields: { count: { $gte: 1 } } }, capture: Json = {}) => ({
  id,
  control: { action: 'readBack', args: { source: 'wecom.mailSchedules' } },
  expect,
  capture: { schedule_id: 'schedules.0.schedule_id', meetingid: 'schedules.0.meetingid', ...(capture as object) },
})
const mailbox = (id: string, address: string, expect: Json) => ({
  id,
  control: { action: 'readBack', args: { source: 'wecom.mailbox', address } },
  expect,
})
const app2 = {
  id: 'app2',
  endpoint: 'wecom.gettoken',
  request: {
    vendor: 'wecom',
    method: 'GET',
    path: '/cgi-bin/gettoken',
    query: { corpid: 'wwdevcorp0000001', corpsecret: 'dev-secret-second-1000015' },
  },
  expect: { code: 0 },
  capture: { token: 'access_token' },
}
const mail = (over: Record<string, Json> = {}) => ({
  to: { userids: ['{{wecom.userids.1}}'], emails: ['guest@example.com'] },
  subject: '评审 {{run}}',
  content: '正文',
  schedule: { start_time: '{{future}}', end_time: '{{future+3600}}' },
  meeting: { meeting_admins: { userids: ['{{wecom.userids.1}}'] } },
  ...over,
})
const cancelOf = (over: Record<string, Json> = {}) =>
  mail({
    schedule: {
      start_time: '{{future}}',
      end_time: '{{future+3600}}',
      method: 'cancel',
      schedule_id: '{{steps.mail.schedule_id}}',
    },
    ...over,
  })
// compose_send answers no id: `needs: ["control"]` cases find the mail's schedule through the control plane;
// live runs skip them, since nothing could find (and clean up) what they booked.

const compose: Json[] = [
  {
    id: 'wecom.exmail.compose_send.size.max',
    title: 'body plus attachments over 50M (52,428,801 decoded bytes) answers 40206',
    rules: ['wecom.exmail.compose_send.size.max'],
    doc: { file: MAIL_DOC, field: 'attachment_list/content' },
    steps: [
      send(
        'call',
        mail({
          content: 'x',
          attachment_list: [{ file_name: 'a.bin', content: { $repeat: 'AQEB', times: 17_476_267, join: '' } }],
        }),
        { status: 200, code: 40206 },
      ),
    ],
  },
  {
    id: 'wecom.exmail.compose_send.schedule.start_time.future',
    title: 'a start at now (not after it) answers 400222',
    rules: ['wecom.exmail.compose_send.schedule.start_time.future'],
    doc: { file: MAIL_DOC, field: 'schedule.start_time' },
    steps: [
      send('call', mail({ schedule: { start_time: '{{now}}', end_time: '{{now+3600}}' } }), {
        status: 200,
        code: 400222,
      }),
    ],
  },
  {
    id: 'wecom.exmail.compose_send.schedule.schedule_id.own-app',
    title: "another app cannot cancel the app's mail schedule: 90466",
    rules: ['wecom.exmail.compose_send.schedule.schedule_id.own-app'],
    doc: { file: MAIL_DOC, field: 'schedule.schedule_id' },
    needs: ['control', 'seed'],
    steps: [
      send('send', mail()),
      mailSchedules('mail'),
      app2,
      send('other', cancelOf(), { status: 200, code: 90466 }, { tok: OTHER }),
    ],
  },
  {
    id: 'wecom.exmail.compose_send.schedule.schedule_id.cancelled',
    title: 'cancelling a mail schedule twice answers 90460',
    rules: ['wecom.exmail.compose_send.schedule.schedule_id.cancelled'],
    doc: { file: MAIL_DOC, field: 'schedule.schedule_id' },
    needs: ['control'],
    steps: [
      send('send', mail()),
      mailSchedules('mail'),
      send('cancel', cancelOf()),
      send('again', cancelOf(), { status: 200, code: 90460 }),
    ],
  },
  {
    id: 'wecom.exmail.compose_send.schedule.reminders.remind_before_event_mins.sign',
    title: 'remind_before_event_mins -15 means 15 minutes after the start: remind_time_diffs [900]',
    rules: ['wecom.exmail.compose_send.schedule.reminders.remind_before_event_mins.sign'],
    doc: { file: MAIL_DOC, field: 'schedule.reminders.remind_before_event_mins' },
    needs: ['control'],
    steps: [
      send(
        'send',
        mail({
          schedule: {
            start_time: '{{future}}',
            end_time: '{{future+3600}}',
            reminders: { is_remind: 1, remind_before_event_mins: -15 },
          },
        }),
      ),
      mailSchedules('mail', {
        fields: {
          count: 1,
          'schedules.0.reminders.remind_time_diffs': [900],
          'schedules.0.reminders.remind_before_event_secs': 0,
        },
      }),
      schedGet('get', '{{steps.mail.schedule_id}}', {
        ...ok,
        fields: { 'schedule_list.0.reminders.remind_time_diffs': [900] },
      }),
    ],
  },
  ...(() => {
    const text =
      '$userName=lisi$|$userAlias=wangwu$|$userAliasOrName=wangwu$|$userAliasOrName=william$|$departmentName=2$|$userName=nobody$|$departmentName=x$'
    const want = '李四|$userAlias=wangwu$|王五|will|研发部|$userName=nobody$|$departmentName=x$'
    return [
      {
        id: 'wecom.exmail.compose_send.enable_id_trans.templates',
        title:
          'with enable_id_trans 1 the templates in subject, content and attachment names are translated; unknown ones stay',
        rules: ['wecom.exmail.compose_send.enable_id_trans.templates'],
        doc: { file: MAIL_DOC, field: 'subject/content/attachment_list[].file_name' },
        needs: ['control', 'seed'],
        steps: [
          send(
            'send',
            mail({
              to: { emails: ['trans@example.com'], userids: ['lisi'] },
              meeting: { meeting_admins: { userids: ['lisi'] } },
              subject: text,
              content: text,
              attachment_list: [{ file_name: `${text}.txt`, content: 'YQ==' }],
              enable_id_trans: 1,
            }),
          ),
          mailbox('mailbox', 'trans@example.com', {
            fields: {
              count: 1,
              'mails.0.subject': want,
              'mails.0.content': want,
              'mails.0.attachments': [{ file_name: `${want}.txt`, size: 1 }],
            },
          }),
        ],
      },
      {
        id: 'wecom.exmail.compose_send.enable_id_trans.off',
        title: 'without enable_id_trans the templates stay as written',
        rules: ['wecom.exmail.compose_send.enable_id_trans.templates'],
        doc: { file: MAIL_DOC, field: 'subject/content/attachment_list[].file_name' },
        needs: ['control'],
        steps: [
          send(
            'send',
            mail({
              to: { emails: ['plain@example.com'], userids: ['{{wecom.userids.1}}'] },
              subject: '$userName={{wecom.userids.1}}$',
            }),
          ),
          mailbox('mailbox', 'plain@example.com', {
            fields: { count: 1, 'mails.0.subject': '$userName={{wecom.userids.1}}$' },
          }),
        ],
      },
    ]
  })(),
  {
    id: 'wecom.exmail.compose_send.delivery',
    title: 'every to, cc and bcc recipient holds the mail once; a bcc recipient is not shown to the others',
    rules: ['wecom.exmail.compose_send.delivery'],
    doc: { file: MAIL_DOC, field: 'to/cc/bcc' },
    needs: ['control', 'seed'],
    steps: [
      send(
        'send',
        mail({
          to: { userids: ['lisi'], emails: ['lisi@bgjkcsqy.wecom.work', 'Ext.One@Example.com'] },
          cc: { userids: ['wangwu'] },
          bcc: { emails: ['secret@example.org'] },
          meeting: { meeting_admins: { userids: ['lisi'] } },
          subject: 'delivery',
        }),
      ),
      mailbox('lisi', 'lisi@bgjkcsqy.wecom.work', {
        fields: { count: 1, 'mails.0.subject': 'delivery', 'mails.0.delivered_as': 'to' },
      }),
      mailbox('external', 'ext.one@example.com', { fields: { count: 1, 'mails.0.delivered_as': 'to' } }),
      mailbox('cc', 'wangwu@bgjkcsqy.wecom.work', { fields: { count: 1, 'mails.0.delivered_as': 'cc' } }),
      mailbox('bcc', 'secret@example.org', {
        fields: {
          count: 1,
          'mails.0.delivered_as': 'bcc',
          'mails.0.to': { $not: { $contains: 'secret@example.org' } },
          'mails.0.cc': { $not: { $contains: 'secret@example.org' } },
        },
      }),
    ],
  },
  {
    id: 'wecom.exmail.compose_send.request.create',
    title: 'a meeting mail creates a schedule (oa/schedule/get) and its meeting (meeting/get_info) with the same data',
    rules: ['wecom.exmail.compose_send.request.create'],
    doc: { file: MAIL_DOC, field: 'schedule.method' },
    needs: ['control'],
    steps: [
      send(
        'send',
        mail({
          subject: 'created {{run}}',
          schedule: { start_time: '{{future}}', end_time: '{{future+1800}}', location: 'A1' },
        }),
      ),
      mailSchedules('mail', {
        fields: { count: 1, 'schedules.0.origin': 'mail', 'schedules.0.meetingid': { $type: 'string' } },
      }),
      schedGet('get', '{{steps.mail.schedule_id}}', {
        ...ok,
        fields: {
          'schedule_list.0.schedule_id': '{{steps.mail.schedule_id}}',
          'schedule_list.0.summary': 'created {{run}}',
          'schedule_list.0.description': '正文',
          'schedule_list.0.location': 'A1',
          'schedule_list.0.start_time': '{{future}}',
          'schedule_list.0.end_time': '{{future+1800}}',
          'schedule_list.0.admins': ['{{wecom.userids.1}}'],
          'schedule_list.0.status': 0,
        },
      }),
      meetingInfo('meeting', '{{steps.mail.meetingid}}', {
        ...ok,
        fields: {
          title: 'created {{run}}',
          meeting_start: '{{future}}',
          meeting_duration: 1800,
          admin_userid: '{{wecom.userids.1}}',
          location: 'A1',
          status: 1,
        },
      }),
    ],
  },
  {
    id: 'wecom.exmail.compose_send.request.change',
    title: 'a request mail with the schedule_id changes the schedule and its meeting, and makes no new one',
    rules: ['wecom.exmail.compose_send.request.change'],
    doc: { file: MAIL_DOC, field: 'schedule.method' },
    needs: ['control'],
    steps: [
      send('send', mail({ subject: 'before {{run}}' })),
      mailSchedules('mail'),
      send(
        'change',
        mail({
          subject: 'after {{run}}',
          schedule: {
            schedule_id: '{{steps.mail.schedule_id}}',
            start_time: '{{future+7200}}',
            end_time: '{{future+9000}}',
          },
        }),
      ),
      schedGet('get', '{{steps.mail.schedule_id}}', {
        ...ok,
        fields: {
          'schedule_list.0.summary': 'after {{run}}',
          'schedule_list.0.start_time': '{{future+7200}}',
          'schedule_list.0.end_time': '{{future+9000}}',
        },
      }),
      meetingInfo('meeting', '{{steps.mail.meetingid}}', {
        ...ok,
        fields: { title: 'after {{run}}', meeting_start: '{{future+7200}}', meeting_duration: 1800 },
      }),
      mailSchedules('still_one', { fields: { count: 1, 'schedules.0.meetingid': '{{steps.mail.meetingid}}' } }),
    ],
  },
  {
    id: 'wecom.exmail.compose_send.cancel',
    title:
      'a cancel mail with the schedule_id cancels the schedule (status 1) and its meeting (status 4); recipients hear of it',
    rules: ['wecom.exmail.compose_send.cancel'],
    doc: { file: MAIL_DOC, field: 'schedule.method' },
    needs: ['control'],
    steps: [
      send('send', mail()),
      mailSchedules('mail'),
      send('cancel', cancelOf()),
      schedGet('get', '{{steps.mail.schedule_id}}', { ...ok, fields: { 'schedule_list.0.status': 1 } }),
      meetingInfo('meeting', '{{steps.mail.meetingid}}', { ...ok, fields: { status: 4 } }),
      mailbox('guest', 'guest@example.com', {
        fields: { count: 2, 'mails.0.schedule.method': 'request', 'mails.1.schedule.method': 'cancel' },
      }),
    ],
  },
  {
    id: 'wecom.exmail.compose_send.meeting.absent',
    title: 'without meeting the mail is a schedule mail: a schedule and no meeting',
    rules: ['wecom.exmail.compose_send.meeting.absent'],
    doc: { file: MAIL_DOC, field: 'meeting' },
    needs: ['control'],
    steps: [
      send('send', { ...mail({ subject: 'schedule mail {{run}}' }), meeting: undefined }),
      mailSchedules('mail', {
        fields: { count: 1, 'schedules.0.meetingid': null, 'schedules.0.summary': 'schedule mail {{run}}' },
      }),
      {
        id: 'meetings',
        control: { action: 'readBack', args: { source: 'wecom.meetings' } },
        expect: { fields: { count: 0 } },
      },
    ],
  },
  {
    id: 'wecom.exmail.compose_send.doc-example',
    title: "the doc's example succeeds as written with the clock a day before its start_time",
    rules: ['wecom.exmail.compose_send.doc-example'],
    doc: { file: MAIL_DOC, field: '*' },
    needs: ['clock', 'control', 'seed'],
    steps: [
      { id: 'clock', control: { action: 'setClock', args: { now: 1669278600 - 86400 } } },
      send('send', mailDocExample),
      mailSchedules('mail', {
        fields: {
          count: 1,
          'schedules.0.origin': 'mail',
          'schedules.0.admins': ['zoro'],
          'schedules.0.summary': mailDocExample.subject,
          'schedules.0.status': 0,
        },
      }),
      mailbox('external', 'jyan1@tiyantest.wang', { fields: { count: 1 } }),
      mailbox('william', 'william@bgjkcsqy.wecom.work', { fields: { count: 1 } }),
    ],
  },
]

const scheduleBase = {
  start_time: '{{future}}',
  end_time: '{{future+3600}}',
  attendees: [{ userid: '{{wecom.userids.1}}' }],
}
const add: Json[] = [
  {
    id: 'wecom.schedule.add.reminders.remind_time_diffs.precedence',
    title: 'a non-empty remind_time_diffs wins: remind_before_event_secs 600 is ignored and reads back as 900',
    rules: ['wecom.schedule.add.reminders.remind_time_diffs.precedence'],
    doc: { file: SCHED_DOC, field: 'schedule.reminders.remind_time_diffs' },
    steps: [
      schedAdd('add', {
        ...scheduleBase,
        reminders: { is_remind: 1, remind_before_event_secs: 600, remind_time_diffs: [-900] },
      }),
      schedGet('get', '{{steps.add.schedule_id}}', {
        ...ok,
        fields: {
          'schedule_list.0.reminders.remind_time_diffs': [-900],
          'schedule_list.0.reminders.remind_before_event_secs': 900,
        },
      }),
    ],
  },
  {
    id: 'wecom.schedule.add.cal_id.default',
    title: "without cal_id the schedule lands on the app's default calendar",
    rules: ['wecom.schedule.add.cal_id.default'],
    doc: { file: SCHED_DOC, field: 'schedule.cal_id' },
    needs: ['seed'],
    steps: [
      schedAdd('add', scheduleBase),
      schedGet('get', '{{steps.add.schedule_id}}', {
        ...ok,
        fields: { 'schedule_list.0.cal_id': 'wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA' },
      }),
    ],
  },
  {
    id: 'wecom.schedule.add.doc-example.as-written',
    title: 'the doc example as written is refused with 90492 (its admins are not attendees)',
    rules: ['wecom.schedule.add.doc-example', 'wecom.schedule.add.admins.among-attendees'],
    doc: { file: SCHED_DOC, field: 'schedule' },
    needs: ['seed'],
    steps: [
      call('call', 'wecom.schedule.add', '/cgi-bin/oa/schedule/add', scheduleDocExample, { status: 200, code: 90492 }),
    ],
  },
  {
    id: 'wecom.schedule.add.doc-example.admins-attend',
    title: 'the doc example with its admins among the attendees gets 90704 for remind_time_diffs +3600',
    rules: ['wecom.schedule.add.doc-example', 'wecom.schedule.add.reminders.remind_time_diffs.values'],
    doc: { file: SCHED_DOC, field: 'schedule' },
    needs: ['seed'],
    steps: [
      call(
        'call',
        'wecom.schedule.add',
        '/cgi-bin/oa/schedule/add',
        {
          schedule: {
            ...scheduleDocExample.schedule,
            attendees: [...scheduleDocExample.schedule.attendees, { userid: 'admin1' }, { userid: 'admin2' }],
          },
        },
        { status: 200, code: 90704 },
      ),
    ],
  },
  {
    id: 'wecom.schedule.add.doc-example.corrected',
    title: 'the doc example corrected (admins attend, -3600) succeeds and reads back as sent',
    rules: ['wecom.schedule.add.doc-example'],
    doc: { file: SCHED_DOC, field: 'schedule' },
    needs: ['seed'],
    steps: [
      {
        ...call('add', 'wecom.schedule.add', '/cgi-bin/oa/schedule/add', scheduleDocCorrected, ok),
        capture: { schedule_id: 'schedule_id' },
        cleanup: { endpoint: 'wecom.schedule.del', body: { schedule_id: '{{steps.add.schedule_id}}' } },
      },
      schedGet('get', '{{steps.add.schedule_id}}', {
        ...ok,
        fields: {
          'schedule_list.0.admins': ['admin1', 'admin2'],
          'schedule_list.0.summary': scheduleDocCorrected.schedule.summary,
          'schedule_list.0.cal_id': 'wcjgewCwAAqeJcPI1d8Pwbjt7nttzAAA',
        },
      }),
    ],
  },
]
const get: Json[] = [
  {
    id: 'wecom.schedule.get.schedule_id.own-app',
    title: "another app of the corp cannot read the app's schedule: 90466",
    rules: ['wecom.schedule.get.schedule_id.own-app'],
    doc: { file: SCHED_DOC, field: 'schedule_id_list[]' },
    needs: ['seed'],
    steps: [
      schedAdd('add', scheduleBase),
      app2,
      schedGet('other', '{{steps.add.schedule_id}}', { status: 200, code: 90466 }, { tok: OTHER }),
    ],
  },
]
const del: Json[] = [
  {
    id: 'wecom.schedule.del.schedule_id.own-app',
    title: "another app of the corp cannot cancel the app's schedule: 90466",
    rules: ['wecom.schedule.del.schedule_id.own-app'],
    needs: ['seed'],
    steps: [
      schedAdd('add', scheduleBase),
      app2,
      schedDel('other', { schedule_id: '{{steps.add.schedule_id}}' }, { status: 200, code: 90466 }, { tok: OTHER }),
    ],
  },
  {
    id: 'wecom.schedule.del.deleted',
    title: 'a second del of one schedule answers 90460',
    rules: ['wecom.schedule.del.deleted'],
    steps: [
      schedAdd('add', scheduleBase),
      schedDel('first', { schedule_id: '{{steps.add.schedule_id}}' }, ok),
      schedDel('second', { schedule_id: '{{steps.add.schedule_id}}' }, { status: 200, code: 90460 }),
    ],
  },
  {
    id: 'wecom.schedule.del.mail-created',
    title: 'oa/schedule/del refuses a schedule a meeting mail created: 90497',
    rules: ['wecom.schedule.del.mail-created'],
    needs: ['control'],
    steps: [
      send('send', mail()),
      mailSchedules('mail'),
      schedDel('del', { schedule_id: '{{steps.mail.schedule_id}}' }, { status: 200, code: 90497 }),
    ],
  },
  {
    id: 'wecom.schedule.del.op_mode.values',
    title: 'op_mode 3 answers 90485 (0 all, 1 this occurrence, 2 this and later)',
    rules: ['wecom.schedule.del.op_mode.values'],
    steps: [
      schedAdd('add', scheduleBase),
      schedDel('del', { schedule_id: '{{steps.add.schedule_id}}', op_mode: 3 }, { status: 200, code: 90485 }),
    ],
  },
  {
    id: 'wecom.schedule.del.op_start_time',
    title: 'op_mode 1 on a recurring schedule needs op_start_time (90482); with it, that occurrence is excluded',
    rules: ['wecom.schedule.del.op_start_time'],
    steps: [
      schedAdd('add', { ...scheduleBase, reminders: { is_repeat: 1, repeat_type: 0 } }),
      schedDel('bare', { schedule_id: '{{steps.add.schedule_id}}', op_mode: 1 }, { status: 200, code: 90482 }),
      schedDel('one', { schedule_id: '{{steps.add.schedule_id}}', op_mode: 1, op_start_time: '{{future+86400}}' }, ok),
      schedGet('get', '{{steps.add.schedule_id}}', {
        ...ok,
        fields: {
          'schedule_list.0.status': 0,
          'schedule_list.0.reminders.exclude_time_list': [{ start_time: '{{future+86400}}' }],
        },
      }),
    ],
  },
].map((c) => ({
  ...c,
  doc: {
    file: SCHED_DOC,
    field:
      c.rules[0] === 'wecom.schedule.del.op_mode.values'
        ? 'op_mode'
        : c.rules[0] === 'wecom.schedule.del.op_start_time'
          ? 'op_start_time'
          : 'schedule_id',
  },
}))

function merge(file: string, cases: Json[]) {
  const path = new URL(`../contracts/cases/${file}`, import.meta.url)
  const data = JSON.parse(readFileSync(path, 'utf8')) as { cases: { id: string }[] }
  const ids = new Set((cases as { id: string }[]).map((c) => c.id))
  data.cases = [...data.cases.filter((c) => !ids.has(c.id)), ...(cases as { id: string }[])]
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`)
  console.log(`${file}: ${cases.length} cases`)
}
merge('wecom.exmail.compose_send.json', compose)
merge('wecom.schedule.add.json', add)
merge('wecom.schedule.get.json', get)
merge('wecom.schedule.del.json', del)
