/**
 * Code blocks of a Markdown page, found by marker, so a test can run what a page tells readers to write:
 *
 *     <!-- snippet:NAME -->
 *     ```ts
 *     …
 *     ```
 *     <!-- /snippet:NAME -->
 */

/** The code of the one fenced block between `<!-- snippet:name -->` and `<!-- /snippet:name -->`. */
export function snippet(page: string, name: string, pageName = 'the page'): string {
  const open = `<!-- snippet:${name} -->`
  const close = `<!-- /snippet:${name} -->`
  const a = page.indexOf(open)
  const b = page.indexOf(close)
  if (a < 0 || b < a) throw new Error(`${pageName} has no snippet "${name}"`)
  const m = /^\s*```\w+\n([\s\S]*?)\n```\s*$/.exec(page.slice(a + open.length, b))
  if (!m) throw new Error(`snippet "${name}" of ${pageName} is not one fenced code block`)
  return m[1]!
}

/** The names of every snippet marked in `page`, in page order. */
export function snippetNames(page: string): string[] {
  return [...page.matchAll(/<!-- snippet:([\w-]+) -->/g)].map((m) => m[1]!)
}
