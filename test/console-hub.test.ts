/** The console's event hub on its own: coalescing, and what it does with a console that stopped reading. */
import { EventEmitter } from 'node:events'
import type { ServerResponse } from 'node:http'
import { expect, test, vi } from 'vitest'
import { EventHub, FLUSH_MS, MAX_BACKLOG } from '../src/console/hub.ts'
import { createEmulator } from '../src/index.ts'

/** Just enough of a ServerResponse: what was written, and a backlog the test sets. */
function fakeResponse() {
  const res = new EventEmitter() as EventEmitter & Record<string, any>
  res.chunks = [] as string[]
  res.writableLength = 0
  res.destroyed = false
  res.writeHead = () => res
  res.flushHeaders = () => {}
  res.write = (s: string) => res.chunks.push(s)
  res.destroy = () => {
    res.destroyed = true
    res.emit('close')
  }
  return res
}

const entry = (i: number) => ({
  at: i,
  vendor: 'wecom' as const,
  route: 'wecom.meeting.create',
  method: 'POST',
  path: '/cgi-bin/meeting/create',
  status: 200,
  code: 0,
  app: null,
  user: null,
  mailbox: null,
  reason: null,
  requestBody: '{}',
  requestBytes: 2,
  responseBody: '{}',
  evicted: 0,
})

test('a burst of entries goes out as one journal event per flush with the newest 50 summaries and the count', () => {
  vi.useFakeTimers()
  try {
    const emu = createEmulator()
    const hub = new EventHub(emu)
    const res = fakeResponse()
    hub.open(res as unknown as ServerResponse)
    for (let i = 0; i < 1000; i++) emu.state.journal.record(entry(i))
    expect(res.chunks).toHaveLength(1) // hello only, so far
    vi.advanceTimersByTime(FLUSH_MS)
    expect(res.chunks).toHaveLength(2)
    const data = JSON.parse(/^data: (.*)$/m.exec(res.chunks[1])![1]!)
    expect(data.count).toBe(1000)
    expect(data.entries).toHaveLength(50)
    expect(data.entries.at(-1)).toMatchObject({ seq: 1000, at: 999 })
    res.emit('close')
    expect(emu.journalTap.listener).toBeUndefined()
  } finally {
    vi.useRealTimers()
  }
})

test('a console that stopped reading is cut off once its backlog passes 1 MB, and the others go on', () => {
  vi.useFakeTimers()
  try {
    const emu = createEmulator()
    const hub = new EventHub(emu)
    const stalled = fakeResponse()
    const reading = fakeResponse()
    hub.open(stalled as unknown as ServerResponse)
    hub.open(reading as unknown as ServerResponse)
    stalled.writableLength = MAX_BACKLOG + 1
    emu.state.journal.record(entry(1))
    vi.advanceTimersByTime(FLUSH_MS)
    expect(stalled.destroyed).toBe(true)
    expect(reading.chunks).toHaveLength(2)
    expect(hub.listening).toBe(1)
  } finally {
    vi.useRealTimers()
  }
})

test('an open console keeps hearing of requests after a reset, which replaced the journal, and hears of the reset', () => {
  vi.useFakeTimers()
  try {
    const emu = createEmulator()
    const hub = new EventHub(emu)
    const res = fakeResponse()
    hub.open(res as unknown as ServerResponse)
    emu.control.reset()
    expect(res.chunks.at(-1)).toMatch(/^event: reset\n/)
    emu.state.journal.record(entry(5))
    vi.advanceTimersByTime(FLUSH_MS)
    expect(res.chunks.at(-1)).toMatch(/^event: journal\n/)
  } finally {
    vi.useRealTimers()
  }
})
