#!/usr/bin/env node
/**
 * The `worksuite-mock` bin (and `npm start`): `worksuite-mock [serve] [options]` runs the stub server
 * (src/cli-main.ts), `worksuite-mock contracts …` the contract suite (contracts/runner/cli.ts), `worksuite-mock
 * report …` a running server's client report (src/cli-report.ts), and
 * `worksuite-mock --version` says which one this is. Turns on Node's compile cache before anything else
 * loads (the bundled server's start takes about 25 ms less CPU once the cache is filled, 126 vs 152 ms median);
 * each command loads only its own modules. The build bundles the server (`import('./cli-main.ts')`) into
 * dist/src/bin/ (scripts/build.ts `bundleBin`); the other commands stay per-module files.
 * SIGINT and SIGTERM end the server with 0 in every phase: loading, starting, serving, closing.
 *
 * No Node flags (decision 74): `npm run bench -- --flag-sweep` on all seven bench paths found V8's defaults
 * cheaper than the small young generation the bin used to ask for (`--max-semi-space-size=2`: mean ratio to
 * the ceiling 0.74 vs 0.66 and 0.73 vs 0.65 in two sweeps, 39-45 vs 48-50 µs CPU per request), and a million
 * creates still end under 200 MB RSS (docs/performance.md).
 */
import module from 'node:module'

// package.json's engines (22.12), which npm only warns about (EBADENGINE). The commands themselves run on
// Node 20.16+ (all 510 contract cases pass against `serve` on 20.20), so they go on after the line; what
// needs 22.12 is worksuite-mock/mocks (MSW 3: it refuses at import) and --data-dir (node:sqlite, its own
// message). Without process.getBuiltinModule (Node < 20.16, 22.0-22.2) the modules cannot load: exit 1.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  const loads = typeof process.getBuiltinModule === 'function'
  console.error(
    `[worksuite-mock] Node ${process.versions.node} is older than the 22.12 this package needs (worksuite-mock/mocks, --data-dir)${loads ? '; going on, unsupported' : ''}. Fix: \`npm i -D node@22\` (npm scripts and npx then run Node 22)`,
  )
  if (!loads) process.exit(1)
}
module.enableCompileCache?.()
const [command, ...rest] = process.argv.slice(2)
if (command === 'contracts') {
  const { main } = await import('../contracts/runner/cli.ts')
  process.exitCode = await main(rest)
} else if (command === 'report') {
  const { main } = await import('./cli-report.ts')
  process.exitCode = await main(rest)
} else if (command === '--version' || command === '-v') {
  const { packageVersion } = await import('./version.ts')
  console.log(packageVersion())
} else {
  // Ctrl-C or SIGTERM while the server still loads: nothing is open yet, so end at once, and with 0 (a
  // supervisor or a test stopping it early did nothing wrong). Once loaded, serve() handles signals itself.
  const exitNow = () => process.exit(0)
  process.on('SIGINT', exitNow)
  process.on('SIGTERM', exitNow)
  const { serve } = await import('./cli-main.ts')
  process.off('SIGINT', exitNow)
  process.off('SIGTERM', exitNow)
  await serve(command === 'serve' ? rest : process.argv.slice(2))
}
