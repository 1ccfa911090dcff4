/**
 * The console's shell: hash routes (#/overview, #/mail/…, #/calendar, #/requests, #/control), the live
 * feed (one EventSource on /__mock/events: the server coalesces the journal into at most four events a
 * second, and a view reloads only what an event concerns, one load at a time), and the emulator's clock,
 * always visible, ticking locally between the times it is read.
 */
import { api, timeText } from './lib.js'
import { calendarView } from './views/calendar.js'
import { controlView } from './views/control.js'
import { mailView } from './views/mail.js'
import { overviewView } from './views/overview.js'
import { requestsView } from './views/requests.js'

/**
 * @typedef {{ now: number, frozen: boolean }} ClockState
 * @typedef {{ type: 'journal', entries: any[], count: number } | { type: 'control', path: string, method: string } | { type: 'reset' }} LiveEvent
 * @typedef {{ el: HTMLElement, route: string[], app: typeof app }} ViewContext
 * @typedef {{ update?: (e: LiveEvent) => void, leave?: () => void, show?: (route: string[]) => void }} View
 */

const views = {
  overview: overviewView,
  mail: mailView,
  calendar: calendarView,
  requests: requestsView,
  control: controlView,
}

/** @type {ClockState & { readAt: number }} */
const clock = { now: 0, frozen: false, readAt: 0 }

export const app = {
  /** The emulator's time now, in Unix seconds (estimated between reads when it runs). */
  now() {
    return clock.frozen ? clock.now : clock.now + Math.floor((performance.now() - clock.readAt) / 1000)
  },
  /** @param {ClockState} c */
  setClock(c) {
    clock.now = c.now
    clock.frozen = c.frozen
    clock.readAt = performance.now()
    showClock()
  },
  async readClock() {
    app.setClock(await api('clock'))
  },
  /** @param {string} hash */
  go(hash) {
    if (location.hash === hash) route()
    else location.hash = hash
  },
}

const clockEl = /** @type {HTMLElement} */ (document.getElementById('clock'))
const liveEl = /** @type {HTMLElement} */ (document.getElementById('live'))
const main = /** @type {HTMLElement} */ (document.getElementById('view'))

function showClock() {
  if (!clock.readAt) return
  clockEl.textContent = `${timeText(app.now())}${clock.frozen ? ' ❄ frozen' : ''}`
  clockEl.dataset.frozen = String(clock.frozen)
  clockEl.dataset.now = String(app.now())
}
setInterval(showClock, 1000)

/** @type {{ name: string, view: View } | undefined} */
let current

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent).filter(Boolean)
  const name = parts[0] && parts[0] in views ? parts[0] : 'overview'
  for (const a of document.querySelectorAll('nav a')) {
    if (/** @type {HTMLElement} */ (a).dataset.view === name) a.setAttribute('aria-current', 'page')
    else a.removeAttribute('aria-current')
  }
  if (current?.name === name && current.view.show) {
    current.view.show(parts.slice(1))
    return
  }
  current?.view.leave?.()
  main.replaceChildren()
  main.dataset.view = name
  document.title = `${name[0].toUpperCase()}${name.slice(1)} · worksuite-mock console`
  current = { name, view: views[name]({ el: main, route: parts.slice(1), app }) }
}

function connect() {
  const source = new EventSource(new URL('../events', location.href.replace(/#.*$/, '')))
  source.addEventListener('hello', (e) => {
    liveEl.dataset.state = 'live'
    liveEl.textContent = 'live'
    app.setClock(JSON.parse(/** @type {MessageEvent} */ (e).data).clock)
  })
  source.addEventListener('journal', (e) => {
    const data = JSON.parse(/** @type {MessageEvent} */ (e).data)
    liveEl.dataset.seq = String(data.seq)
    current?.view.update?.({ type: 'journal', ...data })
  })
  for (const type of ['control', 'reset']) {
    source.addEventListener(type, (e) => {
      const data = JSON.parse(/** @type {MessageEvent} */ (e).data)
      app.setClock(data.clock)
      current?.view.update?.({ type, ...data })
    })
  }
  source.onerror = () => {
    // EventSource reconnects by itself (the server asks for 1 s).
    liveEl.dataset.state = 'offline'
    liveEl.textContent = 'reconnecting'
  }
}

window.addEventListener('hashchange', route)
app.readClock().catch(() => {})
connect()
route()
