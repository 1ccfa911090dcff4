/**
 * The console's small toolbox: building elements (text always as text, never HTML), the control plane's
 * API relative to this page (so a mount prefix such as /mock/__mock/ui/ works), and time in Beijing time,
 * the zone both vendors schedule in.
 */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...any} children nodes, text, or lists of them; null, undefined and false are left out
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), /** @type {EventListener} */ (v))
    else if (k === 'class') el.className = String(v)
    else if (k === 'dataset') Object.assign(el.dataset, v)
    else if (v === true) el.setAttribute(k, '')
    else el.setAttribute(k, String(v))
  }
  append(el, children)
  return el
}

/**
 * @param {Element} el
 * @param {unknown[]} children
 */
function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue
    el.append(c instanceof Node ? c : document.createTextNode(String(c)))
  }
}

/**
 * Replaces an element's children in one step (one layout, no flash of an empty list).
 * @param {Element} el
 * @param {...any} children
 */
export function fill(el, ...children) {
  const frag = document.createDocumentFragment()
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue
    frag.append(c instanceof Node ? c : document.createTextNode(String(c)))
  }
  // A live update must not take the keyboard's place away: focus goes back to the same link or button.
  const active = document.activeElement
  const key = active && active !== el && el.contains(active) ? focusKey(active) : null
  el.replaceChildren(frag)
  if (key) /** @type {HTMLElement | null} */ (el.querySelector(key))?.focus({ preventScroll: true })
}

/**
 * A selector for "the same" element in rebuilt content: its id, or its tag with the attributes that name
 * what it stands for (a link's href, a row's seq, an event's id and kind, a button's label).
 * @param {Element} a
 */
function focusKey(a) {
  if (a.id) return `#${CSS.escape(a.id)}`
  const names = ['href', 'data-id', 'data-kind', 'data-seq', 'aria-label'].filter((n) => a.hasAttribute(n))
  if (!names.length) return null
  return a.tagName.toLowerCase() + names.map((n) => `[${n}="${CSS.escape(a.getAttribute(n) ?? '')}"]`).join('')
}

/** The control plane's base, e.g. http://127.0.0.1:3000/__mock/ (whatever prefix the emulator is mounted at). */
export const controlBase = new URL('../', location.href.replace(/#.*$/, ''))
/** Where the vendor endpoints are served: the prefix before /__mock/. */
export const vendorBase = controlBase.href.replace(/__mock\/$/, '').replace(/\/$/, '')

export class ApiError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

/**
 * A control-plane call: same origin, JSON both ways (`content-type: application/json` on every body, as
 * the control plane asks of browsers).
 * @param {string} path relative to /__mock/, e.g. `faults` or `wecom/meetings?corpid=…`
 * @param {{ method?: string, body?: unknown }} [opts]
 */
export async function api(path, opts = {}) {
  const init = /** @type {RequestInit} */ ({ method: opts.method ?? 'GET', credentials: 'same-origin', headers: {} })
  // Every change carries a JSON body, even a DELETE: the control plane may refuse others from a browser.
  if (opts.body !== undefined || (init.method !== 'GET' && init.method !== 'HEAD')) {
    init.headers = { 'content-type': 'application/json' }
    init.body = JSON.stringify(opts.body ?? {})
  }
  const r = await fetch(new URL(path, controlBase), init)
  const text = await r.text()
  /** @type {any} */
  let json
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  if (!r.ok) throw new ApiError(r.status, json?.error ?? `${r.status} ${text.slice(0, 200)}`)
  return json
}

/** @param {string} path */
export const url = (path) => new URL(path, controlBase).href

const fmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

/** Unix seconds → "2027-01-15 16:00:00" in Beijing time. */
export function timeText(seconds) {
  const parts = Object.fromEntries(fmt.formatToParts(new Date(seconds * 1000)).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`
}

/** Unix seconds → "16:00" in Beijing time. */
export const hhmm = (seconds) => timeText(seconds).slice(11, 16)

/** The Beijing date and time of a datetime-local value, as Unix seconds. */
export function fromLocalInput(value) {
  const ms = Date.parse(`${value}${value.length === 16 ? ':00' : ''}+08:00`)
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : Number.NaN
}

/** Unix seconds → a datetime-local value in Beijing time. */
export const toLocalInput = (seconds) => timeText(seconds).replace(' ', 'T')

export function bytesText(n) {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** A status word as a badge (scheduled, in_progress, ended, cancelled, or an HTTP/vendor outcome). */
export function badge(status, label = String(status).replace('_', ' ')) {
  return h('span', { class: `badge badge-${String(status).replace(/[^a-z0-9_-]/gi, '')}` }, label)
}

/** Copies text; says so on the button for a moment. */
export async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text)
  } catch {
    // Not a secure context, or no permission: a hidden textarea and the old command.
    const area = h('textarea', { class: 'offscreen', 'aria-hidden': 'true' })
    area.value = text
    document.body.append(area)
    area.select()
    document.execCommand('copy')
    area.remove()
  }
  if (button) {
    const was = button.textContent
    button.textContent = 'Copied'
    button.dataset.copied = 'true'
    setTimeout(() => {
      button.textContent = was
      delete button.dataset.copied
    }, 1200)
  }
}

/** Pretty JSON when the text is JSON, the text as it is otherwise. */
export function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

/**
 * One load at a time: calls while a load runs ask for one more after it, never for a pile of them, so a
 * burst of live events costs at most two reads.
 * @param {() => Promise<void>} load
 */
export function serial(load) {
  let running = false
  let again = false
  const run = async () => {
    if (running) {
      again = true
      return
    }
    running = true
    try {
      do {
        again = false
        try {
          await load()
        } catch (e) {
          console.error('[console]', e)
        }
      } while (again)
    } finally {
      running = false
    }
  }
  return run
}

/** Routes whose requests change what the overview, mail and calendar views show. */
export const STATE_ROUTES = /^(feishu\.mail\.send|wecom\.exmail\.compose_send|wecom\.meeting\.|wecom\.schedule\.)/

/** Whether a live event may have changed kept state (a vendor request that succeeded, a reset, a control change). */
export function changesState(e) {
  if (e.type !== 'journal') return true
  return e.entries.some((x) => x.code === 0 && x.route && STATE_ROUTES.test(x.route)) || e.count > e.entries.length
}
