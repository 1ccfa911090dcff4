/**
 * Mail: the mailboxes of both vendors, a mailbox's messages grouped in threads (Feishu's thread_id; a
 * WeCom meeting mail and the mails that later changed or cancelled its schedule), and one message:
 * headers, plain text, the HTML in a sandboxed iframe (no script; the page it loads is served under a
 * CSP with `script-src 'none'` and images from data: only, until the reader asks for remote images),
 * attachments with their sizes, and the raw EML of a Feishu `raw` send.
 */
import { api, bytesText, changesState, fill, h, serial, timeText, url } from '../lib.js'

const enc = encodeURIComponent
const REMOTE_IMAGE = /<img\b[^>]*\bsrc\s*=\s*["']?\s*(https?:)?\/\//i

export function mailView({ el, route }) {
  /** @type {{ vendor?: string, address?: string, id?: string }} */
  let at = {}
  const boxes = h('nav', { class: 'mailboxes', 'aria-label': 'Mailboxes' })
  const list = h('div', { class: 'messages', role: 'region', 'aria-label': 'Messages', id: 'mail-list' })
  const reader = h('article', { class: 'reader', id: 'mail-reader', 'aria-live': 'polite' })
  el.append(h('h1', null, 'Mail'), h('div', { class: 'mail-layout' }, boxes, list, reader))
  /** @type {any[]} */
  let messages = []

  const loadBoxes = serial(async () => {
    const b = await api('mailboxes')
    const group = (vendor, title, items) =>
      h(
        'section',
        null,
        h('h2', null, title),
        items.length
          ? h(
              'ul',
              { class: 'plain' },
              items.map((m) =>
                h(
                  'li',
                  null,
                  h(
                    'a',
                    {
                      href: `#/mail/${vendor}/${enc(m.address)}`,
                      'aria-current': at.vendor === vendor && at.address === m.address ? 'true' : null,
                      class: 'box',
                    },
                    h('span', { class: 'ellipsis' }, m.name ? `${m.name} · ${m.address}` : m.address),
                    h('span', { class: 'count num' }, String(m.count)),
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'none yet'),
      )
    fill(boxes, group('feishu', 'Feishu', b.feishu), group('wecom', 'WeCom (meeting mail)', b.wecom))
  })

  const loadList = serial(async () => {
    if (!at.vendor || !at.address) {
      fill(list, h('p', { class: 'muted pad' }, 'Pick a mailbox.'))
      return
    }
    if (at.vendor === 'feishu') {
      const r = await api(`feishu/mailboxes/${enc(at.address)}/messages`)
      messages = r.messages.map((m) => ({
        id: m.message_id,
        thread: m.thread_id,
        subject: m.subject,
        from: m.head_from.name ? `${m.head_from.name} <${m.head_from.mail_address}>` : m.head_from.mail_address,
        at: m.internal_date,
        folder: m.folder_id,
        raw: m,
      }))
    } else {
      const r = await api(`wecom/mailboxes/${enc(at.address)}`)
      messages = r.mails.map((m) => ({
        id: m.id,
        thread: m.schedule.schedule_id,
        subject: m.subject,
        from: `${m.corpid}/${m.agentid}`,
        at: m.at * 1000,
        folder: m.schedule.method === 'cancel' ? 'CANCEL' : m.delivered_as.toUpperCase(),
        raw: m,
      }))
    }
    // Threads, newest activity first; in a thread, oldest first (the order of a conversation).
    const threads = new Map()
    for (const m of messages) {
      const t = threads.get(m.thread) ?? []
      t.push(m)
      threads.set(m.thread, t)
    }
    const ordered = [...threads.values()].sort((a, b) => b.at(-1).at - a.at(-1).at)
    fill(
      list,
      ordered.length
        ? h(
            'ul',
            { class: 'plain threads' },
            ordered.map((t) =>
              h(
                'li',
                { class: 'thread', dataset: { thread: t[0].thread } },
                t.length > 1 ? h('div', { class: 'thread-head muted' }, `Thread · ${t.length} messages`) : null,
                t.map((m) =>
                  h(
                    'a',
                    {
                      class: 'msg',
                      href: `#/mail/${at.vendor}/${enc(at.address)}/${enc(m.id)}`,
                      'aria-current': m.id === at.id ? 'true' : null,
                      dataset: { id: m.id },
                    },
                    h('span', { class: 'msg-subject ellipsis' }, m.subject || '(no subject)'),
                    h(
                      'span',
                      { class: 'msg-meta' },
                      h('span', { class: 'ellipsis' }, m.from),
                      h('span', { class: 'num nowrap' }, timeText(Math.floor(m.at / 1000))),
                    ),
                    h('span', { class: 'msg-folder muted' }, m.folder),
                  ),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted pad' }, 'This mailbox is empty.'),
    )
  })

  /** @type {string | undefined} */
  let shown
  const showMessage = async (remoteImages = false) => {
    const m = messages.find((x) => x.id === at.id)
    if (!m) {
      shown = undefined
      fill(reader, h('p', { class: 'muted pad' }, at.id ? 'That message is no longer kept.' : 'Pick a message.'))
      return
    }
    if (shown === `${m.id}:${remoteImages}`) return
    shown = `${m.id}:${remoteImages}`
    const base =
      at.vendor === 'feishu'
        ? `feishu/mailboxes/${enc(at.address)}/messages/${enc(m.id)}`
        : `wecom/mailboxes/${enc(at.address)}/mails/${enc(m.id)}`
    const html = at.vendor === 'feishu' ? m.raw.body_html : m.raw.content_type === 'html' ? m.raw.content : ''
    const plain = at.vendor === 'feishu' ? m.raw.body_plain_text : m.raw.content_type === 'text' ? m.raw.content : ''
    const headers = at.vendor === 'feishu' ? feishuHeaders(m.raw) : wecomHeaders(m.raw)
    const attachments =
      at.vendor === 'feishu'
        ? m.raw.attachments.map((a) => ({
            name: a.filename,
            size: a.size,
            inline: a.is_inline,
            cid: a.cid,
            href: url(`${base}/attachments/${enc(a.id)}`),
          }))
        : m.raw.attachments.map((a, i) => ({
            name: a.file_name,
            size: a.size,
            inline: false,
            href: url(`${base}/attachments/${i}`),
          }))
    const frame = h('iframe', {
      class: 'mail-frame',
      title: 'Message body (HTML, scripts disabled)',
      sandbox: '',
      referrerpolicy: 'no-referrer',
      src: url(`${base}/body.html${remoteImages ? '?images=1' : ''}`),
    })
    const hasRemote = REMOTE_IMAGE.test(html)
    const rawLink = h(
      'a',
      { class: 'button', href: url(`${base}/raw`), download: `${m.id}.eml`, hidden: true, id: 'raw-eml' },
      'Raw EML',
    )
    fill(
      reader,
      h('h2', { class: 'subject' }, m.subject || '(no subject)'),
      h(
        'dl',
        { class: 'headers' },
        headers.flatMap(([k, v]) => (v ? [h('dt', null, k), h('dd', null, v)] : [])),
      ),
      h(
        'div',
        { class: 'toolbar' },
        hasRemote
          ? h(
              'button',
              { type: 'button', onclick: () => showMessage(!remoteImages), 'aria-pressed': String(remoteImages) },
              remoteImages ? 'Block remote images' : 'Load remote images',
            )
          : null,
        at.vendor === 'feishu' ? rawLink : null,
      ),
      html ? h('section', { 'aria-label': 'HTML body' }, h('h3', null, 'HTML'), frame) : null,
      plain
        ? h(
            'section',
            { 'aria-label': 'Plain text body' },
            h('h3', null, 'Plain text'),
            h('pre', { class: 'plain-body' }, plain),
          )
        : null,
      h(
        'section',
        { 'aria-label': 'Attachments' },
        h('h3', null, `Attachments (${attachments.length})`),
        attachments.length
          ? h(
              'ul',
              { class: 'plain attachments', id: 'attachments' },
              attachments.map((a) =>
                h(
                  'li',
                  null,
                  h('a', { href: a.href, download: a.name }, a.name),
                  ' ',
                  h('span', { class: 'muted num' }, bytesText(a.size)),
                  a.inline ? h('span', { class: 'muted' }, ` · inline${a.cid ? ` (cid:${a.cid})` : ''}`) : null,
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'none'),
      ),
      at.vendor === 'wecom' && m.raw.meetingid
        ? h(
            'p',
            null,
            'Booked meeting ',
            h('code', null, m.raw.meetingid),
            ' · ',
            h(
              'a',
              { href: `#/calendar/${m.raw.schedule.start_time}/meeting/${enc(m.raw.meetingid)}` },
              'show in the calendar',
            ),
          )
        : null,
    )
    if (at.vendor === 'feishu') {
      // Only a raw send has an EML: ask before offering it.
      fetch(rawLink.getAttribute('href'), { method: 'HEAD', credentials: 'same-origin' }).then((r) => {
        rawLink.hidden = !r.ok
      })
    }
  }

  const show = async (parts) => {
    const [vendor, address, id] = parts
    const boxChanged = vendor !== at.vendor || address !== at.address
    at = { vendor, address, id }
    if (boxChanged) {
      shown = undefined
      await Promise.all([loadBoxes(), loadList()])
    } else {
      for (const a of list.querySelectorAll('a')) a.setAttribute('aria-current', String(a.dataset.id === id))
    }
    await showMessage()
  }
  show(route)
  if (!route.length) {
    // The first mailbox with mail, so the view never opens empty when there is something to read.
    api('mailboxes').then((b) => {
      if (at.vendor) return
      const first = b.feishu.find((m) => m.count > 0)
        ? ['feishu', b.feishu.find((m) => m.count > 0).address]
        : b.wecom[0]
          ? ['wecom', b.wecom[0].address]
          : null
      if (first) location.replace(`#/mail/${first[0]}/${enc(first[1])}`)
    })
  }
  return {
    show,
    update(e) {
      if (!changesState(e)) return
      loadBoxes()
      loadList().then(() => showMessage())
    },
  }
}

function addresses(addrs) {
  return (addrs ?? []).map((a) => (a.name ? `${a.name} <${a.mail_address}>` : a.mail_address)).join(', ')
}

function feishuHeaders(m) {
  return [
    ['From', addresses([m.head_from])],
    ['To', addresses(m.to)],
    ['Cc', addresses(m.cc)],
    ['Bcc', addresses(m.bcc)],
    ['Date', timeText(Math.floor(m.internal_date / 1000))],
    ['Folder', m.folder_id],
    ['Message-ID', `<${m.smtp_message_id}>`],
    ['Size', bytesText(m.size)],
  ]
}

function wecomHeaders(m) {
  return [
    ['From', `app ${m.agentid} of ${m.corpid}`],
    ['To', m.to.join(', ')],
    ['Cc', m.cc.join(', ')],
    ['Delivered as', m.delivered_as],
    ['Date', timeText(m.at)],
    [
      'Schedule',
      `${m.schedule.method} · ${timeText(m.schedule.start_time)} – ${timeText(m.schedule.end_time).slice(11)} · ${m.schedule.location || 'no location'}`,
    ],
    ['Schedule id', m.schedule.schedule_id],
  ]
}
