/**
 * State that survives a restart (`state.dataDir`, opt-in): the stores write every change through to a
 * `Persistence` backend (src/core/data-dir.ts keeps it in SQLite) as JSON text rows keyed by kind and id,
 * and read them back when the emulator starts. Each store serialises its own records; the core knows no
 * vendor's. Without a data directory `env.persist` is undefined, and stores write `this.persist?.put(…)`:
 * optional chaining skips the call and its arguments (the JSON.stringify), so the in-memory path pays one
 * property read per change.
 */

/** One kept row: what a store put, under its kind and id. */
export interface PersistedRecord {
  kind: string
  id: string
  text: string
}

/** Where rows are kept (a data directory's database, or a fake in a test). */
export interface Persistence {
  /** Where it keeps them, for messages (the database file). */
  readonly location: string
  /** How many times this directory was opened before this start (0 on a new one). */
  readonly starts: number
  /** Every row, in the order each was first put (a `delete` then `put` puts it last). */
  records(): Iterable<PersistedRecord>
  /** Inserts or replaces a row; a replaced row keeps its place in the order. */
  put(kind: string, id: string, text: string): void
  delete(kind: string, id: string): void
  /** Forgets every row (`POST /__mock/reset`). */
  clear(): void
  /**
   * Resolves once every change made so far is committed; undefined when none waits. The emulator answers
   * a request only after it: an answer the client saw is never lost with the process.
   */
  committed(): Promise<void> | undefined
  close(): void
}

/** A row that cannot be read back, or a directory that cannot be used: the CLI prints it and exits. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(`[worksuite-mock] ${message}`)
    this.name = 'DataDirError'
  }
}

type Restore = (id: string, text: string) => void

/**
 * What stores see (`env.persist`): write-through of their rows, and a restorer per kind that `replay`
 * calls with the rows of an earlier run, all kinds in the one order they were first put, so the state
 * budget's eviction queue (oldest first, across stores) comes back as it was.
 */
export class Persist {
  private readonly restorers = new Map<string, Restore>()
  /** True while replaying: the stores rebuild from rows and must not write them back. */
  private restoring = false
  private dropped: [kind: string, id: string][] = []

  constructor(private readonly backend: Persistence) {}

  put(kind: string, id: string, text: string): void {
    if (!this.restoring) this.backend.put(kind, id, text)
  }

  /** Puts the row last in the order (a mailbox delivered to again moves to the young end). */
  putLast(kind: string, id: string, text: string): void {
    if (this.restoring) return
    this.backend.delete(kind, id)
    this.backend.put(kind, id, text)
  }

  /** See `Persistence.committed`. */
  committed(): Promise<void> | undefined {
    return this.backend.committed()
  }

  delete(kind: string, id: string): void {
    // A store dropping what it restores (its cap is lower now) deletes once the rows are read.
    if (this.restoring) this.dropped.push([kind, id])
    else this.backend.delete(kind, id)
  }

  /** A store says how it takes its rows of `kind` back (called from its constructor). */
  onLoad(kind: string, restore: Restore): void {
    if (this.restorers.has(kind)) throw new Error(`[worksuite-mock] two stores restore "${kind}"`)
    this.restorers.set(kind, restore)
  }

  /**
   * Hands every kept row to its store; how many were handed. A row no store claims (a newer version's
   * kind) or one its store cannot read stops the start with a DataDirError naming it.
   */
  replay(): number {
    let n = 0
    this.restoring = true
    try {
      for (const r of this.backend.records()) {
        const restore = this.restorers.get(r.kind)
        if (!restore)
          throw new DataDirError(
            `${this.backend.location}: a record of kind "${r.kind}" that this version does not know (id ${r.id})`,
          )
        try {
          restore(r.id, r.text)
        } catch (e) {
          throw new DataDirError(
            `${this.backend.location}: cannot read back ${r.kind} "${r.id}": ${(e as Error).message}`,
          )
        }
        n++
      }
    } finally {
      this.restoring = false
    }
    for (const [kind, id] of this.dropped) this.backend.delete(kind, id)
    this.dropped = []
    return n
  }
}
