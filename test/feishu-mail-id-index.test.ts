/**
 * The message store's id index (src/feishu/mail/id-index.ts) answers what a Map of the same ids would: filed,
 * refiled, let go in any order, looked up present and absent, through growth and through runs of ids that
 * share slots.
 */
import { expect, test } from 'vitest'
import { Random } from '../src/core/random.ts'
import { IdIndex, idHash } from '../src/feishu/mail/id-index.ts'

interface Held {
  id: string
  hash: number
}

test('what the id index holds is what a Map holds, under random filing and letting go', () => {
  for (const [seed, ids, steps] of [
    [1, 40, 5000],
    [2, 700, 20_000],
    [3, 6000, 30_000],
  ] as const) {
    const r = new Random(seed)
    const index = new IdIndex<Held>()
    const map = new Map<string, Held>()
    // Few distinct ids, some of them uuids and some short, so refiling and shared slots are common.
    const pool = Array.from({ length: ids }, (_, i) => (i % 3 === 0 ? r.uuid() : `m${i}`))
    for (let step = 0; step < steps; step++) {
      const id = pool[r.int(pool.length)]!
      const op = r.int(10)
      if (op < 5) {
        const held = { id, hash: idHash(id) }
        expect(index.set(id, held.hash, held)).toBe(map.get(id))
        map.set(id, held)
      } else if (op < 8) {
        const held = map.get(id)
        if (held) {
          expect(index.delete(held.hash, held)).toBe(true)
          map.delete(id)
        } else expect(index.delete(idHash(id), { id, hash: idHash(id) })).toBe(false)
      } else expect(index.get(id)).toBe(map.get(id))
      expect(index.size).toBe(map.size)
    }
    for (const id of pool) expect(index.get(id)).toBe(map.get(id))
    // Everything let go, in the order filed.
    for (const [id, held] of map) {
      expect(index.delete(held.hash, held)).toBe(true)
      expect(index.get(id)).toBeUndefined()
    }
    expect(index.size).toBe(0)
  }
})

test('a value filed under another id than the one looked up is not found; growth keeps every id', () => {
  const index = new IdIndex<{ n: number }>()
  const values = Array.from({ length: 50_000 }, (_, n) => ({ n }))
  for (const v of values) index.set(`id-${v.n}`, idHash(`id-${v.n}`), v)
  expect(index.size).toBe(50_000)
  for (const v of values) expect(index.get(`id-${v.n}`)).toBe(v)
  expect(index.get('id-50000')).toBeUndefined()
  expect(index.get('')).toBeUndefined()
  // Letting a value go needs the value itself: another object under the same id stays.
  expect(index.delete(idHash('id-7'), { n: 7 })).toBe(false)
  expect(index.get('id-7')).toBe(values[7])
})

test('a run of slots that wraps past the table end is searched and closed up across it', () => {
  // The first table has 1024 slots: ids whose home is one of the last two slots or the first two.
  const homed = (home: number, n: number) => {
    const out: string[] = []
    for (let k = 0; out.length < n; k++) if ((idHash(`w${k}`) & 1023) === home) out.push(`w${k}`)
    return out
  }
  const ids = [...homed(1022, 3), ...homed(1023, 3), ...homed(0, 3), ...homed(1, 2)]
  const r = new Random(5)
  for (let round = 0; round < 200; round++) {
    const index = new IdIndex<Held>()
    const map = new Map<string, Held>()
    const order = [...ids].sort(() => r.int(3) - 1)
    for (const id of order) {
      const held = { id, hash: idHash(id) }
      index.set(id, held.hash, held)
      map.set(id, held)
    }
    for (const id of [...ids].sort(() => r.int(3) - 1).slice(0, 1 + r.int(ids.length - 1))) {
      expect(index.delete(map.get(id)!.hash, map.get(id)!)).toBe(true)
      map.delete(id)
      for (const other of ids) expect(index.get(other)).toBe(map.get(other))
    }
  }
})
