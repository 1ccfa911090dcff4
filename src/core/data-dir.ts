/**
 * The data directory (`state.dataDir`, `--data-dir`): the stores' rows in one SQLite file, through Node's
 * built-in `node:sqlite` (no native add-on). It is loaded only when a data directory is given, so the
 * in-memory default runs on any Node the package supports; Node 22.13 and later have it without a flag.
 *
 * Durability (decision: the data directory): every change is written through. The changes made in one
 * turn of the event loop share a transaction, committed at the end of that turn (setImmediate), and the
 * emulator answers a request only once its changes are committed (`committed()`): concurrent requests
 * share a commit, and none is answered before its changes are on their way to disk. WAL with
 * synchronous=NORMAL: a commit is in the operating system's hands when the request is answered, so a
 * restart or `kill -9` loses at most the requests in flight; only a power loss may lose the last commits
 * (FULL fsyncs each commit: measured at twice the CPU and three to four times the wall time per
 * meeting/create). The file is locked for the process (locking_mode=EXCLUSIVE): a second server on the
 * same directory is refused at start rather than let the two overwrite each other.
 */
import { join, resolve } from 'node:path'
import type { DatabaseSync, StatementSync } from 'node:sqlite'
// Not the global one: a test's fake timers must not hold every answer back.
import { setImmediate } from 'node:timers'
import { makeDirectory } from './directories.ts'
import { DataDirError, type PersistedRecord, type Persistence } from './persistence.ts'

export const DATA_FILE = 'worksuite-mock.sqlite'
/** The rows' layout; a file of another one is refused, not misread. */
const FORMAT = '1'

type Sqlite = typeof import('node:sqlite')

/**
 * `node:sqlite`, or a DataDirError that says which Node has it. Its one-time ExperimentalWarning is not
 * printed: the server's output is its banner, and the module is an implementation detail here.
 */
export function loadSqlite(get: (id: string) => unknown = (id) => process.getBuiltinModule?.(id)): Sqlite {
  const emit = process.emitWarning
  let sqlite: Sqlite | undefined
  process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
    const text = typeof warning === 'string' ? warning : warning.message
    if (!text.startsWith('SQLite is an experimental feature')) emit.call(process, warning, ...rest)
  }) as typeof process.emitWarning
  try {
    sqlite = get('node:sqlite') as Sqlite | undefined
  } catch {
    sqlite = undefined
  } finally {
    process.emitWarning = emit
  }
  if (typeof sqlite?.DatabaseSync !== 'function')
    throw new DataDirError(
      `--data-dir needs node:sqlite, which Node ${process.versions.node} does not offer: use Node 22.13 or later (on 22.12, run node with --experimental-sqlite), or leave --data-dir out to keep the state in memory`,
    )
  return sqlite
}

/** SQLite's result codes (https://www.sqlite.org/rescode.html) that have a plainer explanation. */
const SQLITE_BUSY = 5
const SQLITE_LOCKED = 6
const SQLITE_CORRUPT = 11
const SQLITE_CANTOPEN = 14
const SQLITE_NOTADB = 26

function explain(file: string, e: unknown): DataDirError {
  if (e instanceof DataDirError) return e
  const err = e as Error & { errcode?: number }
  const primary = (err.errcode ?? -1) & 0xff
  if (primary === SQLITE_BUSY || primary === SQLITE_LOCKED)
    return new DataDirError(
      `${file} is in use by another worksuite-mock process (one server per data directory): stop it, or give another --data-dir`,
    )
  if (primary === SQLITE_NOTADB || primary === SQLITE_CORRUPT)
    return new DataDirError(
      `${file} is not a readable worksuite-mock database (${err.message}): move it away to start empty, or give another --data-dir`,
    )
  if (primary === SQLITE_CANTOPEN)
    return new DataDirError(`cannot open ${file} (${err.message}): is the data directory writable?`)
  return new DataDirError(`cannot use ${file}: ${err.message}`)
}

class SqlitePersistence implements Persistence {
  readonly starts: number
  private readonly upsert: StatementSync
  private readonly remove: StatementSync
  private inTransaction = false
  /** Resolves the promise `committed()` handed out for the open transaction. */
  private onCommit: (() => void) | undefined
  private commitPromise: Promise<void> | undefined
  private closed = false

  constructor(
    private readonly db: DatabaseSync,
    readonly location: string,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (kind, id));
    `)
    const meta = db.prepare('SELECT value FROM meta WHERE key = ?')
    const setMeta = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    )
    const format = (meta.get('format') as { value: string } | undefined)?.value
    if (format !== undefined && format !== FORMAT)
      throw new DataDirError(
        `${location} holds state in layout ${format}; this version reads layout ${FORMAT}: give another --data-dir`,
      )
    this.starts = Number((meta.get('starts') as { value: string } | undefined)?.value ?? 0)
    // The first write takes the exclusive lock for the life of the process.
    db.exec('BEGIN')
    setMeta.run('format', FORMAT)
    setMeta.run('starts', String(this.starts + 1))
    db.exec('COMMIT')
    // The rowid is the order: a new row gets one above every kept row, a replaced row keeps its own.
    this.upsert = db.prepare(
      'INSERT INTO records (kind, id, body) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body',
    )
    this.remove = db.prepare('DELETE FROM records WHERE kind = ? AND id = ?')
  }

  *records(): Iterable<PersistedRecord> {
    const rows = this.db.prepare('SELECT kind, id, body FROM records ORDER BY rowid').iterate()
    for (const row of rows as Iterable<{ kind: string; id: string; body: string }>)
      yield { kind: row.kind, id: row.id, text: row.body }
  }

  put(kind: string, id: string, text: string): void {
    this.begin()
    this.upsert.run(kind, id, text)
  }

  delete(kind: string, id: string): void {
    this.begin()
    this.remove.run(kind, id)
  }

  clear(): void {
    this.begin()
    this.db.exec('DELETE FROM records')
    this.commit()
  }

  committed(): Promise<void> | undefined {
    if (!this.inTransaction) return undefined
    this.commitPromise ??= new Promise<void>((resolve) => {
      this.onCommit = resolve
    })
    return this.commitPromise
  }

  close(): void {
    if (this.closed) return
    this.commit()
    this.closed = true
    this.db.close()
  }

  /** One transaction per turn of the event loop: the requests of a turn commit together, before they are answered. */
  private begin(): void {
    if (this.inTransaction || this.closed) return
    this.db.exec('BEGIN')
    this.inTransaction = true
    setImmediate(this.commit)
  }

  private readonly commit = (): void => {
    if (!this.inTransaction || this.closed) return
    this.inTransaction = false
    try {
      this.db.exec('COMMIT')
    } catch (e) {
      // The disk is full or gone: the state in memory goes on, the directory stops at its last commit.
      console.error(`[worksuite-mock] Failed to write ${this.location}: ${(e as Error).message}`)
      try {
        this.db.exec('ROLLBACK')
      } catch {}
    }
    const resolve = this.onCommit
    this.onCommit = undefined
    this.commitPromise = undefined
    resolve?.()
  }
}

/** Opens (creating it if need be) the data directory's database, or throws a DataDirError that says why not. */
export function openDataDir(dir: string, sqlite: () => Sqlite = loadSqlite): Persistence {
  const { DatabaseSync } = sqlite()
  const path = resolve(dir)
  try {
    makeDirectory(path)
  } catch (e) {
    throw new DataDirError(`cannot use the data directory ${path}: ${(e as Error).message}`)
  }
  const file = join(path, DATA_FILE)
  let db: DatabaseSync | undefined
  try {
    db = new DatabaseSync(file)
    // Before the first access, so WAL keeps its index in the process, not in a shared-memory file.
    db.exec('PRAGMA locking_mode = EXCLUSIVE')
    db.exec('PRAGMA busy_timeout = 0')
    const mode = (db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string }).journal_mode
    if (mode !== 'wal') throw new DataDirError(`cannot use ${file}: SQLite refused WAL mode (${mode})`)
    db.exec('PRAGMA synchronous = NORMAL')
    return new SqlitePersistence(db, file)
  } catch (e) {
    try {
      db?.close()
    } catch {}
    throw explain(file, e)
  }
}
