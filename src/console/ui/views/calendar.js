/**
 * Calendar: a week (Monday to Sunday, Beijing time) of WeCom meetings and schedules per corp and app,
 * repeating series expanded by the emulator, each occurrence with its status on the emulator's clock, and
 * a detail panel with the stored fields as meeting/get_info and oa/schedule/get return them, plus the
 * meeting mail that booked it.
 */
import { api, badge, changesState, fill, h, hhmm, serial, timeText } from '../lib.js'

const DAY = 86_400
const CST = 8 * 3600
const enc = encodeURIComponent

/** Monday 00:00 Beijing time of the week holding `t`. */
function weekStart(t) {
  const days = Math.floor((t + CST) / DAY)
  const weekday = (((days + 3) % 7) + 7) % 7 // 0 = Monday (1970-01-01 was a Thursday)
  return (days - weekday) * DAY - CST
}

export function calendarView({ el, route, app }) {
  let from = weekStart(Number(route[0]) || app.now())
  /** @type {{ kind?: string, id?: string }} */
  let selected = { kind: route[1], id: route[2] }
  let owner = ''
  const title = h('h2', { class: 'week-title', id: 'week-title' }, ' ')
  const ownerSelect = h(
    'select',
    { id: 'cal-owner', 'aria-label': 'Corp and app' },
    h('option', { value: '' }, 'All corps and apps'),
  )
  const grid = h('div', { class: 'week', id: 'week', role: 'grid', 'aria-labelledby': 'week-title' })
  const detail = h(
    'aside',
    { class: 'detail card', id: 'cal-detail', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Pick a meeting or schedule.'),
  )
  const note = h('p', { class: 'muted', id: 'cal-note' }, ' ')
  el.append(
    h('h1', null, 'Calendar'),
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'button', onclick: () => move(-7), 'aria-label': 'Previous week' }, '← Week'),
      h('button', { type: 'button', onclick: () => goTo(app.now()) }, 'This week'),
      h('button', { type: 'button', onclick: () => move(7), 'aria-label': 'Next week' }, 'Week →'),
      title,
      ownerSelect,
    ),
    h('div', { class: 'cal-layout' }, h('div', null, grid, note), detail),
  )
  /** @type {any[]} */
  let items = []

  api('defaults').then((d) => {
    for (const c of d.wecom.corps)
      for (const a of c.apps)
        ownerSelect.append(h('option', { value: `${c.corpid}/${a.agentid}` }, `${a.name} (${c.corpid}/${a.agentid})`))
  })
  ownerSelect.addEventListener('change', () => {
    owner = ownerSelect.value
    load()
  })

  const move = (days) => {
    from += days * DAY
    load()
  }
  const goTo = (t) => {
    from = weekStart(t)
    load()
  }

  const load = serial(async () => {
    const [corpid, agentid] = owner.split('/')
    const q = new URLSearchParams({ from: String(from), to: String(from + 7 * DAY) })
    if (corpid) q.set('corpid', corpid)
    if (agentid) q.set('agentid', agentid)
    const cal = await api(`calendar?${q}`)
    items = cal.items
    title.textContent = `${timeText(from).slice(0, 10)} – ${timeText(from + 6 * DAY).slice(0, 10)}`
    const today = Math.floor((cal.now + CST) / DAY)
    const days = []
    for (let d = 0; d < 7; d++) {
      const start = from + d * DAY
      const dayItems = []
      for (const item of items)
        for (const o of item.occurrences)
          if (o.start < start + DAY && (o.start >= start || (d === 0 && o.end > start))) dayItems.push({ item, o })
      dayItems.sort((a, b) => a.o.start - b.o.start)
      const label = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Asia/Shanghai',
        weekday: 'short',
        day: 'numeric',
        month: 'short',
      }).format(new Date(start * 1000))
      days.push(
        h(
          'section',
          {
            class: `day${Math.floor((start + CST) / DAY) === today ? ' today' : ''}`,
            role: 'gridcell',
            'aria-label': label,
          },
          h('h3', null, label),
          dayItems.length
            ? h(
                'ul',
                { class: 'plain' },
                dayItems.map(({ item, o }) =>
                  h(
                    'li',
                    null,
                    h(
                      'button',
                      {
                        type: 'button',
                        class: `event kind-${item.kind} status-${o.status}`,
                        'aria-pressed': String(selected.kind === item.kind && selected.id === item.id),
                        dataset: { kind: item.kind, id: item.id },
                        onclick: () => select(item.kind, item.id),
                      },
                      h('span', { class: 'event-time num' }, `${hhmm(o.start)}–${hhmm(o.end)}`),
                      h(
                        'span',
                        { class: 'event-title ellipsis' },
                        item.title || '(untitled)',
                        item.repeats ? ' ↻' : '',
                      ),
                      h(
                        'span',
                        { class: 'event-meta' },
                        item.kind === 'meeting' ? 'Meeting' : 'Schedule',
                        ' ',
                        badge(o.status),
                      ),
                    ),
                  ),
                ),
              )
            : h('p', { class: 'muted' }, '—'),
        ),
      )
    }
    fill(grid, days)
    note.textContent = `${items.length} items this week${cal.truncated ? ' (only the newest 500 shown)' : ''} · times in Beijing time`
    showDetail()
    el.dataset.loaded = String(Date.now())
  })

  const select = (kind, id) => {
    selected = { kind, id }
    history.replaceState(null, '', `#/calendar/${from}/${kind}/${enc(id)}`)
    for (const b of grid.querySelectorAll('button'))
      b.setAttribute('aria-pressed', String(b.dataset.kind === kind && b.dataset.id === id))
    showDetail()
  }

  const showDetail = () => {
    const item = items.find((i) => i.kind === selected.kind && i.id === selected.id)
    if (!item) {
      fill(detail, h('p', { class: 'muted' }, selected.id ? 'Not in this week.' : 'Pick a meeting or schedule.'))
      return
    }
    const read = item.kind === 'meeting' ? 'meeting/get_info' : 'oa/schedule/get (schedule_list[])'
    fill(
      detail,
      h('h2', null, item.title || '(untitled)'),
      h(
        'dl',
        { class: 'headers' },
        h('dt', null, 'Kind'),
        h(
          'dd',
          null,
          item.kind === 'meeting' ? 'Meeting' : 'Schedule',
          item.origin === 'mail' ? ' (booked by a meeting mail)' : '',
        ),
        h('dt', null, 'Status'),
        h('dd', null, badge(item.status)),
        h('dt', null, item.kind === 'meeting' ? 'meetingid' : 'schedule_id'),
        h('dd', null, h('code', null, item.id)),
        h('dt', null, 'Owner'),
        h('dd', null, `${item.corpid}/${item.agentid}`),
        h('dt', null, 'This week'),
        h(
          'dd',
          null,
          item.occurrences.map((o) => `${timeText(o.start).slice(5, 16)} (${o.status.replace('_', ' ')})`).join(', '),
        ),
        item.kind === 'schedule' && item.meetingid
          ? [h('dt', null, 'Meeting'), h('dd', null, h('code', null, item.meetingid))]
          : null,
        item.kind === 'meeting' && item.schedule_id
          ? [h('dt', null, 'Schedule'), h('dd', null, h('code', null, item.schedule_id))]
          : null,
      ),
      item.mail
        ? h(
            'p',
            { class: 'booked-by' },
            'Booked by the meeting mail ',
            h('a', { href: `#/mail/wecom/${enc(item.mail.mailbox)}/${enc(item.mail.id)}` }, `“${item.mail.subject}”`),
            ` (${timeText(Math.floor(item.mail.at / 1000))})`,
          )
        : null,
      h('h3', null, `As ${read} returns it`),
      h('pre', { class: 'json' }, JSON.stringify(item.detail, null, 2)),
    )
  }

  load()
  return {
    show(parts) {
      if (parts[0]) from = weekStart(Number(parts[0]) || app.now())
      selected = { kind: parts[1], id: parts[2] }
      load()
    },
    update(e) {
      // The clock moves statuses too: reload on control changes as well as on bookings.
      if (changesState(e)) load()
    },
  }
}
