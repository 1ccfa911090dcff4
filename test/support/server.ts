/** A stub server started for a test file (port 0 on loopback) and closed after it. */
import type { Server } from 'node:http'
import { afterAll, beforeAll } from 'vitest'
import { createEmulator, type EmulatorOptions, startStubServer } from '../../src/index.ts'

export function useStubServer(options: EmulatorOptions = {}) {
  const emulator = createEmulator(options)
  const server: { emulator: typeof emulator; url: string; http?: Server } = { emulator, url: '' }
  let close: () => Promise<void> = async () => {}
  beforeAll(async () => {
    const s = await startStubServer(emulator, { host: '127.0.0.1', port: 0 })
    server.url = s.url
    server.http = s.server
    close = s.close
  })
  afterAll(() => close())
  return server
}
