/** A stub server started for a test file (port 0 on loopback) and closed after it. */
import { afterAll, beforeAll } from 'vitest'
import { createEmulator, type EmulatorOptions, startStubServer } from '../../src/index.ts'

export function useStubServer(options: EmulatorOptions = {}) {
  const emulator = createEmulator(options)
  const server = { emulator, url: '' }
  let close: () => Promise<void> = async () => {}
  beforeAll(async () => {
    const s = await startStubServer(emulator, { host: '127.0.0.1', port: 0 })
    server.url = s.url
    close = s.close
  })
  afterAll(() => close())
  return server
}
