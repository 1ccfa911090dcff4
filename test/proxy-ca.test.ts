/**
 * The local CA behind the proxy and the HTTPS port: made once, kept owner-only, reused across runs, replaced
 * only when it cannot be used; its leaves are what strict verifiers (OpenSSL's -x509_strict, as Python 3.13's
 * default context) accept for the vendor hostnames.
 */
import { spawnSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { defaultCaDir, openCa } from '../src/server/proxy/ca.ts'

const HOST = 'qyapi.weixin.qq.com'
const YEAR_MS = 365 * 86_400_000
const fresh = () => mkdtempSync(join(tmpdir(), 'proxy-ca-'))
const certOf = (text: string) => text.slice(text.indexOf('-----BEGIN CERTIFICATE-----'))
// One CA for the tests that only read it: generating is the slow part.
const shared = fresh()
const sharedCa = openCa(join(shared, 'ca'))

test('the first open makes the CA in an owner-only directory: key 0600, ca.pem the CA certificate', async () => {
  const ca = await sharedCa
  expect(ca.created).toEqual({})
  expect(statSync(ca.dir).mode & 0o777).toBe(0o700)
  expect(statSync(join(ca.dir, 'ca-key.pem')).mode & 0o777).toBe(0o600)
  expect(readFileSync(ca.certFile, 'utf8')).toBe(ca.certPem)
  expect(ca.certPem).not.toContain('PRIVATE KEY')
  const cert = new X509Certificate(ca.certPem)
  expect(cert.ca).toBe(true)
  expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
  expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 9 * YEAR_MS)
})

test('a leaf names its host, is signed by the CA, is kept 0600, and comes once per host', async () => {
  const ca = await sharedCa
  const leaf = await ca.leafFor(HOST)
  expect(await ca.leafFor(HOST.toUpperCase())).toBe(leaf)
  const cert = new X509Certificate(leaf.certPem)
  expect(cert.checkHost(HOST)).toBe(HOST)
  expect(cert.checkHost('open.feishu.cn')).toBeUndefined()
  expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true)
  expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true)
  expect(statSync(join(ca.dir, `leaf-${HOST}.pem`)).mode & 0o777).toBe(0o600)
})

const openssl = spawnSync('openssl', ['version']).status === 0
test.skipIf(!openssl)(
  `leaves pass OpenSSL's strict server verification against the CA${openssl ? '' : ' (skipped: no openssl on PATH)'}`,
  async () => {
    const ca = await sharedCa
    const leafFile = join(shared, 'leaf.pem')
    writeFileSync(leafFile, certOf((await ca.leafFor('open.feishu.cn')).certPem))
    const r = spawnSync(
      'openssl',
      [
        'verify',
        '-x509_strict',
        '-purpose',
        'sslserver',
        '-verify_hostname',
        'open.feishu.cn',
        '-CAfile',
        ca.certFile,
        leafFile,
      ],
      { encoding: 'utf8', timeout: 10_000 },
    )
    expect(r.stdout + r.stderr).toContain(': OK')
  },
)

test('a second open reuses the CA and the leaves: nothing is made again', async () => {
  const first = await sharedCa
  const leaf = await first.leafFor(HOST)
  const again = await openCa(first.dir)
  expect(again.created).toBeUndefined()
  expect(again.certPem).toBe(first.certPem)
  expect((await again.leafFor(HOST)).certPem).toBe(leaf.certPem)
})

test('an expired CA is replaced, says why, and its leaves are reissued from the new one', async () => {
  const dir = join(fresh(), 'ca')
  const old = await openCa(dir)
  const oldLeaf = await old.leafFor(HOST)
  const later = Date.now() + 11 * YEAR_MS
  const renewed = await openCa(dir, { nowMs: () => later })
  expect(renewed.created?.replaced).toMatch(/^expired/)
  expect(renewed.certPem).not.toBe(old.certPem)
  expect(readFileSync(renewed.certFile, 'utf8')).toBe(renewed.certPem)
  const leaf = new X509Certificate((await renewed.leafFor(HOST)).certPem)
  expect(leaf.raw.equals(new X509Certificate(oldLeaf.certPem).raw)).toBe(false)
  expect(leaf.verify(new X509Certificate(renewed.certPem).publicKey)).toBe(true)
})

test('an unreadable CA key file is replaced rather than failing the start', async () => {
  const dir = join(fresh(), 'ca')
  await openCa(dir)
  writeFileSync(join(dir, 'ca-key.pem'), 'not a key')
  const renewed = await openCa(dir)
  expect(renewed.created?.replaced).toBe('not a key and a certificate')
  expect(new X509Certificate(renewed.certPem).ca).toBe(true)
})

test('two starts on an empty directory at once end up with one CA', async () => {
  const dir = join(fresh(), 'ca')
  const [a, b] = await Promise.all([openCa(dir), openCa(dir)])
  expect(a.certPem).toBe(b.certPem)
  expect([a.created, b.created].filter(Boolean)).toHaveLength(1)
  expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(a.certPem)
})

test('the default directory is under XDG_CACHE_HOME, else ~/.cache', () => {
  expect(defaultCaDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/worksuite-mock/ca')
  expect(defaultCaDir({})).toBe(join(homedir(), '.cache', 'worksuite-mock', 'ca'))
  // A relative XDG_CACHE_HOME is invalid by the spec and ignored.
  expect(defaultCaDir({ XDG_CACHE_HOME: 'rel' })).toBe(join(homedir(), '.cache', 'worksuite-mock', 'ca'))
})
