/**
 * What the console tests do to a started server: one of each thing the console shows (a Feishu mail with
 * an attachment and an inline image, a raw EML send, a WeCom meeting mail, a meeting, a repeating
 * schedule), through the vendor endpoints as a client would.
 */
import { crc32, deflateSync } from 'node:zlib'

export const CLOCK = 1_800_000_000
/** A PNG of one colour, `size` pixels square (big enough to be seen in a screenshot). */
function solidPng(size: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const out = Buffer.alloc(body.length + 8)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc32(body), body.length + 4)
    return out
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3).fill(Buffer.from([r, g, b]))])
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: size }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** The inline logo of the test mails: a 24-pixel blue square. */
export const PNG = solidPng(24, [47, 111, 222])

async function json(r: Response): Promise<any> {
  const text = await r.text()
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`not JSON (${r.status}): ${text.slice(0, 200)}`)
  }
}

export function client(base: string) {
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) =>
    json(
      await fetch(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
    )
  const wecomToken = async (corpsecret = 'dev-secret-meetings-1000014') =>
    (await json(await fetch(`${base}/cgi-bin/gettoken?corpid=wwdevcorp0000001&corpsecret=${corpsecret}`)))
      .access_token as string
  const feishu = (body: unknown, token = 'u-dev-user-token-1') =>
    post('/open-apis/mail/v1/user_mailboxes/me/messages/send', body, { authorization: `Bearer ${token}` })
  return {
    post,
    get: async (path: string) => json(await fetch(base + path)),
    wecomToken,
    /** Mike → Jane, with a PDF-ish attachment and an inline PNG the HTML names by cid. */
    sendFeishuMail: (subject: string, html = '<p>Hello <b>Jane</b> <img src="cid:logo"></p>') =>
      feishu({
        subject,
        to: [{ mail_address: 'jane@xxx.xx', name: 'Jane' }],
        body_html: html,
        body_plain_text: 'Hello Jane',
        attachments: [
          { filename: 'agenda.txt', body: Buffer.from('1. budget\n2. roadmap\n').toString('base64url') },
          { filename: 'logo.png', body: PNG.toString('base64url'), is_inline: true, cid: 'logo' },
        ],
      }),
    /** A raw EML send, Mike → Jane, with one attachment. */
    sendFeishuRaw: (subject: string) => {
      const eml = [
        'From: Mike <user@xxx.xx>',
        'To: Jane <jane@xxx.xx>',
        `Subject: ${subject}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'The raw body.',
        '--b1',
        'Content-Type: text/plain; name="notes.txt"',
        'Content-Disposition: attachment; filename="notes.txt"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('raw notes').toString('base64'),
        '--b1--',
        '',
      ].join('\r\n')
      return feishu({ raw: Buffer.from(eml).toString('base64url') })
    },
    /** A meeting mail from app 1000014 to lisi, booking a meeting an hour after the clock. */
    sendMeetingMail: async (subject: string) =>
      post(`/cgi-bin/exmail/app/compose_send?access_token=${await wecomToken()}`, {
        to: { userids: ['lisi'], emails: ['guest@example.com'] },
        subject,
        content: '<p>Quarterly review</p>',
        content_type: 'html',
        attachment_list: [{ file_name: 'slides.txt', content: Buffer.from('slide 1').toString('base64') }],
        schedule: { start_time: CLOCK + 3600, end_time: CLOCK + 7200, location: 'Room 5' },
        meeting: { meeting_admins: { userids: ['lisi'] } },
      }),
    createMeeting: async (title: string, start = CLOCK + 2 * 3600) =>
      post(`/cgi-bin/meeting/create?access_token=${await wecomToken()}`, {
        admin_userid: 'zhangsan',
        title,
        meeting_start: start,
        meeting_duration: 1800,
        invitees: { userid: ['lisi'] },
      }),
    /** A daily schedule, ten times, starting a day after the clock. */
    addRepeatingSchedule: async (summary: string) =>
      post(`/cgi-bin/oa/schedule/add?access_token=${await wecomToken()}`, {
        schedule: {
          organizer: 'zhangsan',
          summary,
          start_time: CLOCK + 86_400,
          end_time: CLOCK + 86_400 + 3600,
          attendees: [{ userid: 'lisi' }],
          reminders: { is_repeat: 1, repeat_type: 0, repeat_until: CLOCK + 10 * 86_400 },
        },
      }),
  }
}
