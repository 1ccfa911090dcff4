/**
 * Imported first by mocks/index.ts: on a Node older than 22.12 (package.json's engines, msw 3's too) the MSW
 * handlers load, then fail at the first request with `Promise.withResolvers is not a function` (Node 22's),
 * and npm only warns at install (EBADENGINE). So the import fails instead, saying what is needed.
 */
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12))
  throw new Error(
    `worksuite-mock/mocks needs Node 22.12 or later (MSW 3 does), and this is Node ${process.versions.node}: \`npm i -D node@22\` makes npm scripts and npx run Node 22`,
  )
