/**
 * Overview, the landing page: the latest mails of both vendors and the meetings and schedules booked,
 * reloaded when a live event says something was sent or booked. Tables keep a fixed layout and row
 * height, so new rows push nothing around but the rows themselves.
 */
import { api, badge, changesState, fill, h, serial, timeText } from '../lib.js'

export function overviewView({ el }) {
  const mails = h('tbody')
  const meetings = h('tbody')
  const counts = h('p', { class: 'muted counts', id: 'overview-counts' }, ' ')
  el.append(
    h('h1', null, 'Overview'),
    counts,
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'ov-mails' },
        h('h2', { id: 'ov-mails' }, 'Latest mails'),
        h(
          'table',
          { class: 'table fixed', id: 'overview-mails' },
          h(
            'colgroup',
            null,
            h('col', { class: 'w-vendor' }),
            h('col'),
            h('col', { class: 'w-who' }),
            h('col', { class: 'w-who' }),
            h('col', { class: 'w-time' }),
          ),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', null, ''),
              h('th', null, 'Subject'),
              h('th', null, 'From'),
              h('th', null, 'To'),
              h('th', null, 'Time'),
            ),
          ),
          mails,
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'ov-booked' },
        h('h2', { id: 'ov-booked' }, 'Meetings and schedules'),
        h(
          'table',
          { class: 'table fixed', id: 'overview-booked' },
          h(
            'colgroup',
            null,
            h('col', { class: 'w-vendor' }),
            h('col'),
            h('col', { class: 'w-time' }),
            h('col', { class: 'w-status' }),
          ),
          h(
            'thead',
            null,
            h('tr', null, h('th', null, ''), h('th', null, 'Title'), h('th', null, 'Starts'), h('th', null, 'Status')),
          ),
          meetings,
        ),
      ),
    ),
  )

  const load = serial(async () => {
    const o = await api('overview?limit=12')
    fill(
      mails,
      o.mails.length
        ? o.mails.map((m) =>
            h(
              'tr',
              { dataset: { vendor: m.vendor } },
              h(
                'td',
                null,
                h('span', { class: `vendor vendor-${m.vendor}` }, m.vendor === 'feishu' ? 'Feishu' : 'WeCom'),
              ),
              h(
                'td',
                { class: 'ellipsis' },
                h(
                  'a',
                  { href: `#/mail/${m.vendor}/${encodeURIComponent(m.mailbox)}/${encodeURIComponent(m.id)}` },
                  m.subject || '(no subject)',
                ),
              ),
              h('td', { class: 'ellipsis', title: m.from }, m.from),
              h('td', { class: 'ellipsis', title: m.to.join(', ') }, m.to.join(', ')),
              h('td', { class: 'nowrap num' }, timeText(Math.floor(m.at / 1000))),
            ),
          )
        : h(
            'tr',
            { class: 'empty' },
            h('td', { colspan: 5 }, 'No mail yet: send one through the Feishu or WeCom API.'),
          ),
    )
    const booked = [
      ...o.meetings.map((m) => ({ ...m, kind: 'meeting', id: m.meetingid })),
      ...o.schedules.map((s) => ({ ...s, kind: 'schedule', id: s.schedule_id })),
    ]
    fill(
      meetings,
      booked.length
        ? booked.map((b) =>
            h(
              'tr',
              { dataset: { kind: b.kind } },
              h(
                'td',
                null,
                h('span', { class: `vendor kind-${b.kind}` }, b.kind === 'meeting' ? 'Meeting' : 'Schedule'),
              ),
              h(
                'td',
                { class: 'ellipsis' },
                h(
                  'a',
                  { href: `#/calendar/${b.start}/${b.kind}/${encodeURIComponent(b.id)}` },
                  b.title || '(untitled)',
                ),
                b.repeats ? h('span', { class: 'muted', title: 'repeats' }, ' ↻') : null,
              ),
              h('td', { class: 'nowrap num' }, timeText(b.start)),
              h('td', null, badge(b.status)),
            ),
          )
        : h('tr', { class: 'empty' }, h('td', { colspan: 4 }, 'Nothing booked yet.')),
    )
    counts.textContent = `${o.mails.length} latest mails · ${o.meetings.length} meetings · ${o.schedules.length} schedules`
    el.dataset.loaded = String(Date.now())
  })
  load()
  return {
    update(e) {
      if (changesState(e)) load()
    },
  }
}
