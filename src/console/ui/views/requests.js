/**
 * Requests: the journal as a table, newest first, filtered by vendor, route, code, app and user on the
 * server and by text (path, reason, bodies) here; one request in detail with its bodies, the rule a
 * refusal broke and its doc, and "copy as curl" (with the credentials the seed gives the caller's app).
 */
import { api, badge, copy, fill, h, pretty, serial, timeText, vendorBase } from '../lib.js'

const LIMIT = 200

export function requestsView({ el, route }) {
  const form = h('form', { class: 'filters', id: 'req-filters', role: 'search', 'aria-label': 'Filter requests' })
  const field = (label, input) => h('label', null, h('span', null, label), input)
  const vendor = h(
    'select',
    { name: 'vendor' },
    h('option', { value: '' }, 'any'),
    h('option', { value: 'wecom' }, 'WeCom'),
    h('option', { value: 'feishu' }, 'Feishu'),
  )
  const routeSel = h('select', { name: 'route' }, h('option', { value: '' }, 'any'))
  const code = h('input', { name: 'code', inputmode: 'numeric', placeholder: 'e.g. 40058', size: 8 })
  const appIn = h('input', { name: 'app', placeholder: 'corpid/agentid or app_id', size: 14 })
  const user = h('input', { name: 'user', placeholder: 'userid / open_id', size: 12 })
  const text = h('input', { name: 'text', type: 'search', placeholder: 'path, reason, body…', size: 16 })
  form.append(
    field('Vendor', vendor),
    field('Route', routeSel),
    field('Code', code),
    field('App', appIn),
    field('User', user),
    field('Text', text),
    h('button', { type: 'reset' }, 'Clear'),
  )
  const rows = h('tbody')
  const count = h('p', { class: 'muted', id: 'req-count' }, ' ')
  const detail = h(
    'aside',
    { class: 'detail card', id: 'req-detail', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Pick a request.'),
  )
  el.append(
    h('h1', null, 'Requests'),
    form,
    count,
    h(
      'div',
      { class: 'req-layout' },
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { class: 'table fixed', id: 'req-table' },
          h(
            'colgroup',
            null,
            h('col', { class: 'w-seq' }),
            h('col', { class: 'w-time' }),
            h('col', { class: 'w-vendor' }),
            h('col'),
            h('col', { class: 'w-code' }),
            h('col', { class: 'w-app' }),
          ),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ...['#', 'Time', 'Vendor', 'Route / path', 'Code', 'App / user'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          rows,
        ),
      ),
      detail,
    ),
  )

  /** @type {any[]} */
  let entries = []
  let selected = Number(route[0]) || 0
  /** @type {Record<string, any> | undefined} */
  let rules
  /** @type {any} */
  let defaults

  api('catalogues').then((c) => {
    for (const r of c.routes) routeSel.append(h('option', { value: r.id }, r.id))
  })
  api('defaults').then((d) => {
    defaults = d
  })

  const query = () => {
    const q = new URLSearchParams({ limit: String(LIMIT) })
    /** @type {[string, HTMLInputElement | HTMLSelectElement][]} */
    const fields = [
      ['vendor', vendor],
      ['route', routeSel],
      ['code', code],
      ['app', appIn],
      ['user', user],
    ]
    for (const [k, input] of fields) {
      const v = input.value.trim()
      if (v) q.set(k, v)
    }
    return q
  }

  const matchesText = (e) => {
    const t = text.value.trim().toLowerCase()
    if (!t) return true
    return [e.path, e.route, e.reason, e.requestBody, e.responseBody].some((s) => s?.toLowerCase().includes(t))
  }

  const load = serial(async () => {
    const q = query()
    if (code.value.trim() && !/^-?\d+$/.test(code.value.trim())) {
      count.textContent = 'Code must be a number.'
      return
    }
    const page = await api(`requests?${q}`)
    entries = page.entries.filter(matchesText).reverse()
    count.textContent = `${entries.length} shown · ${page.count} match on the server · the journal holds ${page.total} of at most ${page.capacity}`
    // Newest first: rows arrive at the top. Scrolled down, the rows in view stay where they are.
    const scroller = /** @type {HTMLElement} */ (rows.closest('.scroll'))
    const anchor = scroller.scrollTop > 0 ? firstVisible(scroller, rows) : null
    fill(
      rows,
      entries.length
        ? entries.map((e) =>
            h(
              'tr',
              {
                class: e.code === 0 ? 'ok' : 'refused',
                'aria-selected': String(e.seq === selected),
                dataset: { seq: String(e.seq) },
              },
              h(
                'td',
                { class: 'num' },
                h(
                  'button',
                  { type: 'button', class: 'link', onclick: () => select(e.seq), 'aria-label': `Request ${e.seq}` },
                  String(e.seq),
                ),
              ),
              h('td', { class: 'num nowrap' }, timeText(Math.floor(e.at / 1000)).slice(5)),
              h('td', null, e.vendor),
              h(
                'td',
                { class: 'ellipsis', title: `${e.method} ${e.path}` },
                h('span', { class: 'method' }, e.method),
                ' ',
                e.route ?? e.path,
              ),
              h(
                'td',
                { class: 'num' },
                badge(e.code === 0 ? 'ok' : 'refused', e.code === null ? String(e.status) : String(e.code)),
              ),
              h(
                'td',
                { class: 'ellipsis', title: [e.app, e.user].filter(Boolean).join(' · ') },
                [e.app, e.user].filter(Boolean).join(' · '),
              ),
            ),
          )
        : h('tr', { class: 'empty' }, h('td', { colspan: 6 }, 'No request matches.')),
    )
    if (anchor) {
      const same = /** @type {HTMLElement | null} */ (rows.querySelector(`tr[data-seq="${anchor.seq}"]`))
      if (same) scroller.scrollTop += same.offsetTop - anchor.top
    }
    if (selected) showDetail()
  })

  const select = (seq) => {
    selected = seq
    history.replaceState(null, '', `#/requests/${seq}`)
    for (const tr of rows.querySelectorAll('tr'))
      tr.setAttribute('aria-selected', String(tr.dataset.seq === String(seq)))
    showDetail()
  }

  const showDetail = async () => {
    const e = entries.find((x) => x.seq === selected)
    if (!e) {
      fill(
        detail,
        h(
          'p',
          { class: 'muted' },
          selected ? `Request ${selected} is not in the table (filtered out, or no longer kept).` : 'Pick a request.',
        ),
      )
      return
    }
    const ruleId = e.reason ? /^([a-z][\w-]*(\.[\w-]+)+):/i.exec(e.reason)?.[1] : undefined
    const faultId = e.reason ? /^fault (\S+?):/.exec(e.reason)?.[1] : undefined
    if (ruleId && !rules) rules = await api('rules')
    const rule = ruleId ? rules?.[ruleId] : undefined
    const curlButton = h(
      'button',
      { type: 'button', id: 'copy-curl', onclick: () => copy(curlOf(e, defaults), curlButton) },
      'Copy as curl',
    )
    fill(
      detail,
      h('h2', null, `#${e.seq} ${e.method} ${e.path}`),
      h(
        'dl',
        { class: 'headers' },
        h('dt', null, 'Time'),
        h('dd', null, timeText(Math.floor(e.at / 1000))),
        h('dt', null, 'Route'),
        h('dd', null, e.route ?? '(none)'),
        h('dt', null, 'Answer'),
        h('dd', null, `HTTP ${e.status}`, e.code !== null ? ` · code ${e.code}` : ''),
        e.app ? [h('dt', null, 'App'), h('dd', null, e.app)] : null,
        e.user ? [h('dt', null, 'User'), h('dd', null, e.user)] : null,
        e.mailbox ? [h('dt', null, 'Mailbox'), h('dd', null, e.mailbox)] : null,
      ),
      e.reason
        ? h(
            'div',
            { class: 'refusal', id: 'req-refusal' },
            h('h3', null, faultId ? 'Answered by a fault rule' : 'Refused'),
            h('p', null, e.reason),
            rule
              ? h(
                  'p',
                  null,
                  'Rule ',
                  h('code', { class: 'rule-id' }, rule.id),
                  // Many rule texts end in their code already (`… → 40014`).
                  `: ${rule.rule.includes(`→ ${rule.code}`) ? rule.rule : `${rule.rule} → ${rule.code}`}${rule.inferred ? ' (inferred)' : ''}. `,
                  h(
                    'a',
                    { href: rule.doc, target: '_blank', rel: 'noopener noreferrer', class: 'doc-link' },
                    'Vendor doc',
                  ),
                )
              : ruleId
                ? h('p', null, 'Rule ', h('code', { class: 'rule-id' }, ruleId))
                : null,
            faultId ? h('p', null, h('a', { href: '#/control' }, `Fault ${faultId} in Control`)) : null,
          )
        : null,
      h(
        'div',
        { class: 'toolbar' },
        curlButton,
        e.truncated ? h('span', { class: 'muted' }, 'bodies were cut to the journal limit') : null,
      ),
      h('h3', null, `Request body (${e.requestBytes} bytes)`),
      h('pre', { class: 'json' }, pretty(e.requestBody) || '(empty)'),
      h('h3', null, `Response body (${e.responseBytes} bytes)`),
      h('pre', { class: 'json' }, pretty(e.responseBody) || '(empty)'),
    )
  }

  let timer
  const reload = () => {
    clearTimeout(timer)
    timer = setTimeout(load, 150)
  }
  form.addEventListener('input', reload)
  form.addEventListener('change', reload)
  form.addEventListener('reset', () => setTimeout(load, 0))
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    load()
  })
  load()
  return {
    show(parts) {
      if (parts[0]) select(Number(parts[0]))
    },
    update() {
      load()
    },
    leave() {
      clearTimeout(timer)
    },
  }
}

/**
 * The first row in view of a scrolled table, and where it sits.
 * @param {HTMLElement} scroller
 * @param {HTMLElement} rows
 */
function firstVisible(scroller, rows) {
  for (const tr of /** @type {NodeListOf<HTMLElement>} */ (rows.querySelectorAll('tr[data-seq]')))
    if (tr.offsetTop + tr.offsetHeight > scroller.scrollTop) return { seq: tr.dataset.seq, top: tr.offsetTop }
  return null
}

/** A shell-quoted word. */
const sq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`

/**
 * The request as curl, runnable against this emulator: WeCom gets a fresh access_token for the caller's
 * app first (the journal keeps no query string), Feishu the seed's user token of the caller.
 */
export function curlOf(e, defaults) {
  const lines = []
  let target = `${vendorBase}${e.path}`
  const headers = []
  if (e.vendor === 'wecom' && e.route !== 'wecom.gettoken') {
    const [corpid, agentid] = (e.app ?? '').split('/')
    const corp = defaults?.wecom.corps.find((c) => c.corpid === corpid) ?? defaults?.wecom.corps[0]
    const app = corp?.apps.find((a) => String(a.agentid) === agentid) ?? corp?.apps[0]
    if (corp && app) {
      lines.push(
        `TOKEN=$(curl -s ${sq(`${vendorBase}/cgi-bin/gettoken?corpid=${corp.corpid}&corpsecret=${app.corpsecret}`)} | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
      )
      target += '?access_token=$TOKEN'
    }
  } else if (e.vendor === 'feishu' && e.route?.startsWith('feishu.mail')) {
    const user = defaults?.feishu.users.find((u) => u.open_id === e.user) ?? defaults?.feishu.users[0]
    if (user?.user_access_token) headers.push(`authorization: Bearer ${user.user_access_token}`)
  }
  const parts = ['curl', '-s', '-X', e.method, target.includes('$TOKEN') ? `"${target}"` : sq(target)]
  if (e.requestBody) headers.push('content-type: application/json')
  for (const hd of headers) parts.push('-H', sq(hd))
  if (e.requestBody) parts.push('--data-raw', sq(e.requestBody))
  lines.push(parts.join(' '))
  return lines.join('\n')
}
