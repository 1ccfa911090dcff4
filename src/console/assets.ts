/**
 * The console's files (src/console/ui/: plain ES modules, CSS and one HTML page, no framework and no
 * build step), read once into memory and served under `/__mock/ui/` with a strict CSP. Only files that
 * exist there when the first console page is asked for are served, by exact name: no path from a request
 * ever reaches the file system.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The console's own pages: nothing from elsewhere (no CDN, no inline script or style), frames only from
 * the emulator (the mail view), and no page may frame the console.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
}

export interface Asset {
  type: string
  body: Buffer
}

/**
 * src/console/ui next to this file (the build copies it to dist/src/console/ui), from the bin's bundle in
 * dist/src/bin/ the one beside it, or, from the compiled dist/src/console/, the package's src/console/ui.
 */
function uiDir(): string {
  for (const rel of ['./ui/', '../console/ui/', '../../../src/console/ui/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url))
    if (existsSync(`${dir}index.html`)) return dir
  }
  throw new Error('[worksuite-mock] the console files (src/console/ui) are missing from the package')
}

let assets: Map<string, Asset> | undefined

/** Every console file by its path under /__mock/ui/ (`index.html`, `app.js`, `views/mail.js`, …). */
export function consoleAssets(): Map<string, Asset> {
  if (assets) return assets
  const dir = uiDir()
  const found = new Map<string, Asset>()
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const ext = name.slice(name.lastIndexOf('.') + 1)
    const type = TYPES[ext]
    if (!type) continue
    found.set(name.split('\\').join('/'), { type, body: readFileSync(dir + name) })
  }
  assets = found
  return found
}
