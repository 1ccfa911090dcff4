/**
 * Message id → value for the message store: an open-addressed table (linear probing, backward-shift
 * deletion) whose slots hold an id's hash, the id and the value side by side in one array.
 *
 * Why not a Map: the store files ids at one end and lets them go at the other, ten thousand kept. A Map
 * then rehashes every few thousand ids (a new table of half a megabyte, every kept key's string read again
 * for its hash), and letting an id go reads the old id's string and walks a chain of entries elsewhere in
 * memory: cache misses on every send, more of them in the server, where Node's own code fills the caches.
 * Here a value is let go by the hash its holder kept, found by identity (no string read), its slot and the
 * next ones in a cache line or two; the table only grows.
 */

/** FNV-1a over the UTF-16 code units, cut to 30 bits: a small integer, stored in the slot as it is. */
export function idHash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 2
}

/** Slots per table at first, unless told; a table is at most three-quarters full. */
const FIRST_CAPACITY = 1024

export class IdIndex<V> {
  /** [hash, id, value] per slot; an empty slot's id is undefined. */
  private slots: unknown[] = []
  private mask = 0
  private count = 0

  /** `capacity`: the slots at first, a power of two. */
  constructor(capacity = FIRST_CAPACITY) {
    this.allocate(capacity)
  }

  get size(): number {
    return this.count
  }

  /** `hash`: idHash(id), when the caller has it already. */
  get(id: string, hash = idHash(id)): V | undefined {
    const slots = this.slots
    const mask = this.mask
    const h = hash
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const k = slots[3 * i + 1]
      if (k === undefined) return undefined
      if (slots[3 * i] === h && k === id) return slots[3 * i + 2] as V
    }
  }

  /**
   * Files `value` under `id`, in place of the value filed under it before if any (that one is answered).
   * `hash` is idHash(id), which the caller keeps to let the value go.
   */
  set(id: string, hash: number, value: V): V | undefined {
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.grow()
    const slots = this.slots
    const mask = this.mask
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const k = slots[3 * i + 1]
      if (k === undefined) {
        slots[3 * i] = hash
        slots[3 * i + 1] = id
        slots[3 * i + 2] = value
        this.count++
        return undefined
      }
      if (slots[3 * i] === hash && k === id) {
        const before = slots[3 * i + 2] as V
        slots[3 * i + 2] = value
        return before
      }
    }
  }

  /** Lets `value` go, found from the hash of the id it was filed under; false when it is not filed. */
  delete(hash: number, value: V): boolean {
    const slots = this.slots
    const mask = this.mask
    let i = hash & mask
    for (; ; i = (i + 1) & mask) {
      if (slots[3 * i + 1] === undefined) return false
      if (slots[3 * i + 2] === value) break
    }
    // Backward shift: each later slot of the run whose own slot is not between the hole and it moves into
    // the hole, so a search never stops at a hole before the id it looks for.
    for (let j = (i + 1) & mask; slots[3 * j + 1] !== undefined; j = (j + 1) & mask) {
      const home = (slots[3 * j] as number) & mask
      const stays = i <= j ? i < home && home <= j : i < home || home <= j
      if (stays) continue
      slots[3 * i] = slots[3 * j]
      slots[3 * i + 1] = slots[3 * j + 1]
      slots[3 * i + 2] = slots[3 * j + 2]
      i = j
    }
    slots[3 * i] = 0
    slots[3 * i + 1] = undefined
    slots[3 * i + 2] = undefined
    this.count--
    return true
  }

  private allocate(capacity: number): void {
    this.slots = new Array(3 * capacity).fill(undefined)
    for (let i = 0; i < capacity; i++) this.slots[3 * i] = 0
    this.mask = capacity - 1
  }

  private grow(): void {
    const old = this.slots
    this.allocate(2 * (this.mask + 1))
    this.count = 0
    for (let i = 0; i < old.length; i += 3) {
      const id = old[i + 1]
      if (id !== undefined) this.set(id as string, old[i] as number, old[i + 2] as V)
    }
  }
}
