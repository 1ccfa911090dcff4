/**
 * Errors are data (contracts/errors/*.json); this module only indexes them. A rule that fails throws a
 * VendorError naming the code; the vendor's envelope turns it into the wire response, so no handler
 * ever builds an error body by hand.
 */

// `process.getBuiltinModule`, not `import … from 'node:…'`: the ESM facade of a builtin reads every export.
const { readFileSync } = process.getBuiltinModule('node:fs')

export type Vendor = 'wecom' | 'feishu'

export interface CatalogueEntry {
  code: number
  status: number
  message: string
  name?: string
  source: string
  inferred: boolean
  note?: string
}

/**
 * A vendor's catalogue by code, read on first use: WeCom's (327 KB, every global errcode) was a tenth of the
 * bin's start-up CPU, and no start and no successful answer needs it. The same path from src/core/ and
 * dist/src/core/ (the build copies contracts/errors to dist/), and from the bin's bundle in dist/src/bin/.
 */
function index(vendor: Vendor): ReadonlyMap<number, CatalogueEntry> {
  const file = new URL(`../../contracts/errors/${vendor}.json`, import.meta.url)
  const { errors } = JSON.parse(readFileSync(file, 'utf8')) as { errors: CatalogueEntry[] }
  return new Map(errors.map((e) => [e.code, e]))
}

let wecom: ReadonlyMap<number, CatalogueEntry> | undefined
let feishu: ReadonlyMap<number, CatalogueEntry> | undefined

export const catalogues: Readonly<Record<Vendor, ReadonlyMap<number, CatalogueEntry>>> = {
  get wecom() {
    wecom ??= index('wecom')
    return wecom
  },
  get feishu() {
    feishu ??= index('feishu')
    return feishu
  },
}

export function catalogueEntry(vendor: Vendor, code: number): CatalogueEntry {
  const entry = catalogues[vendor].get(code)
  if (!entry) throw new Error(`[worksuite-mock] ${vendor} error code ${code} is not in contracts/errors/${vendor}.json`)
  return entry
}

export interface VendorErrorOptions {
  /** WeCom: a field-specific prefix before the catalogue text, as real 40058 answers carry. */
  prefix?: string
  /** Feishu: replaces the catalogue text (9499 names the offending field and value). */
  message?: string
  /** Extra response headers (x-ogw-ratelimit-* on 99991400). */
  headers?: Record<string, string>
  /** Feishu: extra members of the body's `error` object (`field_violations` on 99992402). */
  errorFields?: Record<string, unknown>
  /** Override the catalogue's HTTP status (fault injection only). */
  status?: number
}

/**
 * A documented rule refused the request. `reason` says which rule and why, for people: it goes into the
 * `x-worksuite-mock-reason` header and the journal, never into the vendor's own body.
 *
 * A refusal is control flow, not a bug: an Error by its prototype (`instanceof Error`, `message`, `name` as before)
 * but built without Error's constructor, which even with no stack trace wanted was the costliest step of an
 * error answer in the profile, and is costlier to throw. It carries no stack.
 */
export interface VendorError extends Error {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface gives the class Error's members, which its prototype has
export class VendorError {
  readonly message: string
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly options: VendorErrorOptions = {},
  ) {
    this.message = reason
  }
}
Object.setPrototypeOf(VendorError.prototype, Error.prototype)

/** A control-plane request the emulator refuses: its HTTP status and why, for `/__mock/*` and `emulator.control`. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export function fail(code: number, reason: string, options?: VendorErrorOptions): never {
  throw new VendorError(code, reason, options)
}
