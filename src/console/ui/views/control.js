/**
 * Control: the clock (set, advance, freeze), fault rules (listed, added from a form that offers only the
 * codes of the vendors' catalogues and the emulator's own routes, removed), reset, and the seed's
 * credentials with copy buttons. Every change goes through the control plane's own routes.
 */
import { api, copy, fill, fromLocalInput, h, serial, timeText, toLocalInput } from '../lib.js'

export function controlView({ el, app }) {
  const message = h('p', { class: 'message', id: 'control-message', role: 'status' }, ' ')
  const say = (text, bad = false) => {
    message.textContent = text
    message.dataset.bad = String(bad)
  }
  const attempt = async (fn) => {
    try {
      await fn()
    } catch (e) {
      say(String(/** @type {Error} */ (e).message), true)
    }
  }

  // ---------------------------------------------------------------- clock
  const now = h('output', { id: 'control-clock', class: 'big num' }, '—')
  const setInput = h('input', {
    type: 'datetime-local',
    step: 1,
    id: 'clock-set',
    'aria-label': 'New emulator time (Beijing)',
  })
  const advanceInput = h('input', {
    type: 'number',
    id: 'clock-advance',
    value: 3600,
    step: 1,
    'aria-label': 'Seconds to advance',
  })
  const freeze = h('button', { type: 'button', id: 'clock-freeze' }, 'Freeze')
  const clockChange = (body, what) =>
    attempt(async () => {
      app.setClock(await api('clock', { method: 'PUT', body }))
      say(what)
      showClock()
    })
  const showClock = () => {
    now.textContent = timeText(app.now())
    const frozen = document.getElementById('clock')?.dataset.frozen === 'true'
    freeze.textContent = frozen ? 'Unfreeze' : 'Freeze'
    freeze.setAttribute('aria-pressed', String(frozen))
  }
  const tick = setInterval(showClock, 1000)
  freeze.addEventListener('click', () => {
    const frozen = freeze.getAttribute('aria-pressed') === 'true'
    clockChange({ frozen: !frozen }, frozen ? 'The clock runs again.' : 'The clock is frozen.')
  })

  const clockCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'c-clock' },
    h('h2', { id: 'c-clock' }, 'Clock'),
    h('p', null, now, h('span', { class: 'muted' }, ' Beijing time')),
    h(
      'form',
      {
        class: 'row',
        onsubmit: (e) => {
          e.preventDefault()
          const t = fromLocalInput(setInput.value)
          if (!Number.isFinite(t)) return say('Give a date and time.', true)
          clockChange({ now: t }, `The clock is at ${timeText(t)}.`)
        },
      },
      h('label', null, 'Set to ', setInput),
      h('button', { type: 'submit' }, 'Set'),
    ),
    h(
      'form',
      {
        class: 'row',
        onsubmit: (e) => {
          e.preventDefault()
          const s = Number(advanceInput.value)
          if (!Number.isFinite(s)) return say('Give a number of seconds.', true)
          clockChange({ advance: s }, `The clock moved ${s} s.`)
        },
      },
      h('label', null, 'Advance by ', advanceInput, ' s'),
      h('button', { type: 'submit' }, 'Advance'),
      h(
        'button',
        { type: 'button', onclick: () => clockChange({ advance: 3600 }, 'The clock moved an hour.') },
        '+1 h',
      ),
      h(
        'button',
        { type: 'button', onclick: () => clockChange({ advance: 86_400 }, 'The clock moved a day.') },
        '+1 day',
      ),
    ),
    h('div', { class: 'row' }, freeze),
  )

  // ---------------------------------------------------------------- faults
  const faultRows = h('tbody')
  const vendor = h(
    'select',
    { name: 'vendor', id: 'fault-vendor', required: true },
    h('option', { value: 'wecom' }, 'WeCom'),
    h('option', { value: 'feishu' }, 'Feishu'),
  )
  const code = h('select', { name: 'code', id: 'fault-code', required: true })
  const path = h('select', { name: 'path', id: 'fault-path' })
  const appIn = h('input', { name: 'app', id: 'fault-app', placeholder: 'any', size: 16 })
  const userIn = h('input', { name: 'user', id: 'fault-user', placeholder: 'any', size: 12 })
  const times = h('input', {
    name: 'times',
    id: 'fault-times',
    type: 'number',
    min: 1,
    step: 1,
    placeholder: 'every match',
    size: 8,
  })
  const probability = h('input', {
    name: 'probability',
    id: 'fault-probability',
    type: 'number',
    min: 0,
    max: 1,
    step: 0.05,
    placeholder: '1',
    size: 6,
  })
  const delay = h('input', {
    name: 'delay_ms',
    id: 'fault-delay',
    type: 'number',
    min: 0,
    max: 300000,
    step: 1,
    placeholder: '0',
    size: 8,
  })
  /** @type {any} */
  let catalogues
  const fillCodes = () => {
    if (!catalogues) return
    const v = vendor.value
    fill(
      code,
      catalogues[v].map((c) =>
        h('option', { value: c.code }, `${c.code} ${c.name ?? ''} — ${c.message}`.slice(0, 110)),
      ),
    )
    fill(
      path,
      h('option', { value: '' }, `every ${v === 'wecom' ? 'WeCom' : 'Feishu'} route`),
      catalogues.routes.filter((r) => r.vendor === v).map((r) => h('option', { value: r.path }, `${r.id} (${r.path})`)),
    )
  }
  vendor.addEventListener('change', fillCodes)
  const faultForm = h(
    'form',
    {
      id: 'fault-form',
      class: 'fault-form',
      onsubmit: (e) => {
        e.preventDefault()
        attempt(async () => {
          const v = vendor.value
          const match = { vendor: v }
          if (path.value) match.path = path.value
          if (appIn.value.trim()) match.app = appIn.value.trim()
          if (userIn.value.trim()) match.user = userIn.value.trim()
          const rule = { match, respond: { [v === 'wecom' ? 'errcode' : 'code']: Number(code.value) } }
          if (times.value) rule.times = Number(times.value)
          if (probability.value) rule.probability = Number(probability.value)
          if (delay.value) rule.delay_ms = Number(delay.value)
          const added = await api('faults', { method: 'POST', body: rule })
          say(`Fault ${added.id} added: the next matching request answers ${code.value}.`)
          loadFaults()
        })
      },
    },
    h('label', null, h('span', null, 'Vendor'), vendor),
    h('label', { class: 'wide' }, h('span', null, 'Answer with'), code),
    h('label', { class: 'wide' }, h('span', null, 'Route'), path),
    h('label', null, h('span', null, 'App'), appIn),
    h('label', null, h('span', null, 'User'), userIn),
    h('label', null, h('span', null, 'Times'), times),
    h('label', null, h('span', null, 'Probability'), probability),
    h('label', null, h('span', null, 'Delay ms'), delay),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Add fault')),
  )
  const loadFaults = serial(async () => {
    const f = await api('faults')
    fill(
      faultRows,
      f.faults.length
        ? f.faults.map((r) =>
            h(
              'tr',
              { dataset: { id: r.id } },
              h('td', null, h('code', null, r.id)),
              h(
                'td',
                { class: 'ellipsis' },
                Object.entries(r.match)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ') || 'every request',
              ),
              h(
                'td',
                null,
                r.respond ? String(r.respond.errcode ?? r.respond.code) : r.drop ? 'drop' : `delay ${r.delay_ms} ms`,
              ),
              h('td', { class: 'num' }, `${r.hits}${r.remaining === null ? '' : ` (${r.remaining} left)`}`),
              h(
                'td',
                null,
                h(
                  'button',
                  {
                    type: 'button',
                    'aria-label': `Remove fault ${r.id}`,
                    onclick: () =>
                      attempt(async () => {
                        await api(`faults/${encodeURIComponent(r.id)}`, { method: 'DELETE' })
                        say(`Fault ${r.id} removed.`)
                        loadFaults()
                      }),
                  },
                  'Remove',
                ),
              ),
            ),
          )
        : h('tr', { class: 'empty' }, h('td', { colspan: 5 }, 'No fault rules.')),
    )
  })
  const faultsCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'c-faults' },
    h('h2', { id: 'c-faults' }, 'Fault rules'),
    h(
      'table',
      { class: 'table fixed', id: 'fault-table' },
      h(
        'colgroup',
        null,
        h('col', { class: 'w-code' }),
        h('col'),
        h('col', { class: 'w-code' }),
        h('col', { class: 'w-code' }),
        h('col', { class: 'w-code' }),
      ),
      h(
        'thead',
        null,
        h('tr', null, ...['Id', 'Matches', 'Answer', 'Hits', ''].map((t) => h('th', { scope: 'col' }, t))),
      ),
      faultRows,
    ),
    h('h3', null, 'Add a fault'),
    faultForm,
  )

  // ---------------------------------------------------------------- reset
  const reset = h('button', { type: 'button', id: 'reset', class: 'danger' }, 'Reset the emulator…')
  reset.addEventListener('click', () => {
    if (reset.dataset.armed !== 'true') {
      reset.dataset.armed = 'true'
      reset.textContent = 'Click again to reset everything'
      setTimeout(() => {
        delete reset.dataset.armed
        reset.textContent = 'Reset the emulator…'
      }, 4000)
      return
    }
    delete reset.dataset.armed
    reset.textContent = 'Reset the emulator…'
    attempt(async () => {
      const r = await api('reset', { method: 'POST', body: {} })
      app.setClock(r.clock)
      say('Back to the seed: state, clock, journal and fault rules.')
      loadFaults()
    })
  })
  const resetCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'c-reset' },
    h('h2', { id: 'c-reset' }, 'Reset'),
    h(
      'p',
      { class: 'muted' },
      'Back to the seed: every mail, meeting, schedule, journal entry and fault rule goes; the clock runs on real time again.',
    ),
    reset,
  )

  // ---------------------------------------------------------------- credentials
  const creds = h('div', { id: 'credentials' })
  const credRow = (label, value) => {
    const b = h('button', { type: 'button', class: 'copy', 'aria-label': `Copy ${label}` }, 'Copy')
    b.addEventListener('click', () => copy(value, b))
    return h(
      'tr',
      null,
      h('th', { scope: 'row' }, label),
      h('td', null, h('code', { class: 'secret' }, value)),
      h('td', null, b),
    )
  }
  api('defaults').then((d) => {
    const wecom = d.wecom.corps.flatMap((c) =>
      c.apps.flatMap((a) => [
        credRow(`${a.name}: corpid`, c.corpid),
        credRow(`${a.name} (${a.agentid}): corpsecret`, a.corpsecret),
      ]),
    )
    const feishu = [
      ...d.feishu.apps.flatMap((a) => [
        credRow(`app_id (${a.tenant_key})`, a.app_id),
        credRow(`app_secret of ${a.app_id}`, a.app_secret),
      ]),
      ...d.feishu.users
        .filter((u) => u.user_access_token)
        .map((u) => credRow(`${u.name} <${u.mailbox}>: user_access_token`, u.user_access_token)),
    ]
    fill(
      creds,
      h('h3', null, 'WeCom'),
      h('table', { class: 'table creds' }, h('tbody', null, wecom)),
      h('h3', null, 'Feishu'),
      h('table', { class: 'table creds' }, h('tbody', null, feishu)),
    )
  })
  const credCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'c-creds' },
    h('h2', { id: 'c-creds' }, 'Default credentials'),
    creds,
  )

  el.append(
    h('h1', null, 'Control'),
    message,
    h('div', { class: 'grid-2' }, h('div', null, clockCard, resetCard), faultsCard),
    credCard,
  )
  setInput.value = toLocalInput(app.now())
  showClock()
  api('catalogues').then((c) => {
    catalogues = c
    fillCodes()
  })
  loadFaults()
  return {
    update(e) {
      showClock()
      if (e.type !== 'journal' || e.entries.some((x) => x.reason?.startsWith('fault '))) loadFaults()
    },
    leave() {
      clearInterval(tick)
    },
  }
}
