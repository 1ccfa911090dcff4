/**
 * Where src/ raises or names rule ids, read statically: every string and template literal outside comments,
 * with the code just before it. A refusal site is a literal after `fail(<code>, ` or `new VendorError(<code>, `
 * (its reason: `<id>: <detail>`) or after `refuse(` (its id). File constants (`const R = '…'`) are put into
 * `${R}`. Hook keys of ruleChecks are literals too. Some ids are built in code; a reason that starts with
 * `${…}` has its id from the caller, who names it as a literal (a shape rule map's `'<id>'`).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

export interface Literal {
  file: string
  line: number
  /** The literal's text; in a template, `${expr}` is kept as written (file constants substituted). */
  text: string
  /** Code before the literal, comments and other literals left out. */
  before: string
}

/** A `fail(<code>, <expression>)` whose reason is not a literal: what it raises is not readable here. */
export interface OpaqueSite {
  file: string
  line: number
  code: string
  reason: string
}

export interface Site {
  file: string
  line: number
  /** `fail`/`VendorError` reasons and `refuse` ids. */
  kind: 'reason' | 'refuse'
  /** The code as written: a number, or an expression (undefined for refuse). */
  code?: string
  /** The id part: text before the first `:` of a reason, or refuse's argument; undefined when the reason has none. */
  id?: string
  text: string
}

const REGEX_BEFORE = /(^|[(,=:[!&|?{};+\-*%<>~^]|\breturn|\btypeof|\bcase)\s*$/

/** The literals of a TypeScript source, in order, and its code with literals and comments left out. */
export function lex(source: string, file = ''): { literals: Literal[]; code: string; lineAt: number[] } {
  const out: Literal[] = []
  let code = ''
  /** The source line of each character of `code`. */
  const lineAt: number[] = []
  let i = 0
  let line = 1
  const n = source.length
  const advance = (to: number) => {
    for (let k = i; k < to; k++) if (source[k] === '\n') line++
    i = to
  }
  /** Reads a template from the backtick at `start`; returns its text (expressions raw) and the end. */
  const template = (start: number): { text: string; end: number } => {
    let text = ''
    let k = start + 1
    while (k < n && source[k] !== '`') {
      if (source[k] === '\\') {
        text += source.slice(k, k + 2)
        k += 2
      } else if (source[k] === '$' && source[k + 1] === '{') {
        const end = expressionEnd(k + 2)
        text += source.slice(k, end + 1)
        k = end + 1
      } else text += source[k++]
    }
    return { text, end: k + 1 }
  }
  /** The index of the `}` closing an expression that starts at `start`. */
  const expressionEnd = (start: number): number => {
    let depth = 0
    let k = start
    while (k < n) {
      const c = source[k]!
      if (c === '`') k = template(k).end
      else if (c === "'" || c === '"') k = quoted(k).end
      else if (c === '{') {
        depth++
        k++
      } else if (c === '}') {
        if (depth === 0) return k
        depth--
        k++
      } else k++
    }
    return k
  }
  const quoted = (start: number): { text: string; end: number } => {
    const q = source[start]
    let k = start + 1
    let text = ''
    while (k < n && source[k] !== q && source[k] !== '\n') {
      if (source[k] === '\\') {
        text += source[k + 1] ?? ''
        k += 2
      } else text += source[k++]
    }
    return { text, end: k + 1 }
  }
  while (i < n) {
    const c = source[i]!
    const next = source[i + 1]
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i)
      advance(end < 0 ? n : end)
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2)
      advance(end < 0 ? n : end + 2)
    } else if (c === "'" || c === '"' || c === '`') {
      const at = line
      const { text, end } = c === '`' ? template(i) : quoted(i)
      out.push({ file, line: at, text, before: code.slice(-80) })
      code += '""'
      lineAt.push(at, at)
      advance(end)
    } else if (c === '/' && REGEX_BEFORE.test(code)) {
      // A regular expression literal: skip it (it may hold quotes), classes included.
      let k = i + 1
      let inClass = false
      while (k < n && source[k] !== '\n') {
        const d = source[k]
        if (d === '\\') k++
        else if (d === '[') inClass = true
        else if (d === ']') inClass = false
        else if (d === '/' && !inClass) break
        k++
      }
      code += '/re/'
      lineAt.push(line, line, line, line)
      advance(k + 1)
    } else {
      code += c
      lineAt.push(line)
      advance(i + 1)
    }
  }
  return { literals: out, code, lineAt }
}

/** `const R = 'feishu.mail.send'` → R → its value. */
function fileConstants(lits: Literal[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const l of lits) {
    const m = /\bconst ([A-Za-z_$][\w$]*)\s*=\s*$/.exec(l.before)
    if (m && !l.text.includes('${')) out.set(m[1]!, l.text)
  }
  return out
}

const ID_PART = /^((?:[a-z0-9_.-]|\$\{[A-Za-z_$][\w$]*\})+):/

/** The literals and refusal sites of every .ts file under `dir` (src/generated left out: it lists every id). */
export function scan(dir = 'src'): { literals: Literal[]; sites: Site[]; opaque: OpaqueSite[] } {
  const allLiterals: Literal[] = []
  const sites: Site[] = []
  const opaque: OpaqueSite[] = []
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? e.name === 'generated'
          ? []
          : walk(join(d, e.name))
        : e.name.endsWith('.ts')
          ? [join(d, e.name)]
          : [],
    )
  for (const path of walk(dir).sort()) {
    const file = relative('.', path)
    const { literals: lits, code, lineAt } = lex(readFileSync(path, 'utf8'), file)
    for (const m of code.matchAll(/\b(?:fail|new VendorError)\(\s*([^,()]+?)\s*,\s*([A-Za-z_$][\w$.]*)\s*[,)]/g))
      opaque.push({ file, line: lineAt[m.index] ?? 0, code: m[1]!, reason: m[2]! })
    const consts = fileConstants(lits)
    for (const l of lits) {
      l.text = l.text.replace(/\$\{([A-Za-z_$][\w$]*)\}/g, (all, name: string) => consts.get(name) ?? all)
      allLiterals.push(l)
      const failed = /\b(?:fail|new VendorError)\(\s*(-?\d+|[A-Za-z_$][\w$.]*)\s*,\s*$/.exec(l.before)
      if (failed) {
        const id = ID_PART.exec(l.text)?.[1]
        sites.push({ file, line: l.line, kind: 'reason', code: failed[1], ...(id ? { id } : {}), text: l.text })
      } else if (/\brefuse\(\s*$/.test(l.before)) {
        sites.push({ file, line: l.line, kind: 'refuse', id: l.text, text: l.text })
      }
    }
  }
  return { literals: allLiterals, sites, opaque }
}

/** `wecom.schedule.${op}.schedule_id.known` → a regular expression over ids; `${x}` is one or more segments. */
export function idPattern(id: string): RegExp {
  const parts = id.split(/\$\{[^}]*\}/).map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('[a-z0-9_-]+(?:\\.[a-z0-9_-]+)*')}$`)
}
