/**
 * The error catalogues load when first asked for, not when src/core/errors.ts loads: WeCom's (327 KB) was a
 * tenth of the bin's start-up CPU, and neither a start nor a successful answer needs it.
 */
import { expect, test, vi } from 'vitest'

test('the error catalogues are read on the first lookup, once per vendor, not when the module loads', async () => {
  // errors.ts takes readFileSync from node:fs as it loads: the spy goes first, then a fresh copy of the module
  // (the setup file has loaded one already).
  const fs = process.getBuiltinModule('node:fs')
  const read = vi.spyOn(fs, 'readFileSync')
  const catalogueReads = () =>
    read.mock.calls.filter(([file]) => String(file).includes('contracts/errors/')).map(([file]) => String(file))
  vi.resetModules()
  const { catalogues, catalogueEntry } = await import('../src/core/errors.ts')
  expect(catalogueReads()).toEqual([])

  expect(catalogueEntry('wecom', 40014).code).toBe(40014)
  expect(catalogues.wecom.has(40014)).toBe(true)
  expect(catalogueReads()).toHaveLength(1)
  expect(catalogueReads()[0]).toMatch(/contracts\/errors\/wecom\.json$/)

  expect(catalogues.feishu.size).toBeGreaterThan(0)
  expect(catalogueEntry('feishu', 99991663).code).toBe(99991663)
  expect(catalogueReads()).toHaveLength(2)
  read.mockRestore()
})
