/**
 * The local CA behind the proxy and the HTTPS port: made on first start, kept in a directory and reused, so a
 * client trusts it once. Keys are ECDSA P-256 (curl/OpenSSL, Python's ssl, Java 17 and Node all accept it;
 * generation is milliseconds where RSA 2048 is a noticeable wait). Certificates are built by @peculiar/x509
 * over WebCrypto, not by hand-written ASN.1; node:crypto's X509Certificate checks what is on disk, so a start
 * that finds a valid CA and leaves never loads the library (about half a second of cold start).
 *
 * In the directory (owner-only when this creates it):
 *   ca-key.pem          the CA key and its certificate, 0600: written in one atomic step, so two processes
 *                       starting on an empty directory end up with one CA; never served
 *   ca.pem              the CA certificate: the file to trust (also GET /__mock/proxy/ca.pem)
 *   leaf-<host>.pem     a host's leaf key and certificate, 0600, reissued when it no longer fits the CA
 */
import { createPrivateKey, type KeyObject, randomBytes, webcrypto, X509Certificate } from 'node:crypto'
import { chmodSync, linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { createSecureContext, type SecureContext } from 'node:tls'
import { makeDirectory } from '../../core/directories.ts'

const DAY_MS = 86_400_000
/** The CA outlives many runs: regenerating it means trusting it again everywhere. */
const CA_VALIDITY_DAYS = 3650
/** What Apple and browsers accept for a leaf; a leaf is reissued from the CA whenever it runs out. */
const LEAF_VALIDITY_DAYS = 397
/** Back-dated a day, and replaced a day before the end: a clock a little off does not break the handshake. */
const MARGIN_MS = DAY_MS
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const

export interface LocalCa {
  dir: string
  /** `<dir>/ca.pem`: the certificate clients trust. */
  certFile: string
  certPem: string
  /** Set when this start made a new CA; says why when it replaced an old one (clients must trust it again). */
  created?: { replaced?: string }
  /** A leaf certificate that names `host`, signed by the CA; one per host, kept in the directory. */
  leafFor(host: string): Promise<Leaf>
}

export interface Leaf {
  keyPem: string
  certPem: string
  /** For a TLS socket or server that answers as `host`. */
  context: SecureContext
}

/** `$XDG_CACHE_HOME/worksuite-mock/ca`, else `~/.cache/worksuite-mock/ca`. */
export function defaultCaDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache')
  return join(cache, 'worksuite-mock', 'ca')
}

type X509Library = typeof import('@peculiar/x509')
let library: Promise<X509Library> | undefined
/** Loaded only to make a certificate: the polyfill tsyringe (inside @peculiar/x509) needs comes first. */
function x509(): Promise<X509Library> {
  library ??= (async () => {
    await import('reflect-metadata')
    const lib = await import('@peculiar/x509')
    lib.cryptoProvider.set(webcrypto as unknown as Parameters<typeof lib.cryptoProvider.set>[0])
    return lib
  })()
  return library
}

interface KeyAndCert {
  keyPem: string
  certPem: string
  key: KeyObject
  cert: X509Certificate
}

function pemBlock(text: string, label: string): string | undefined {
  const m = text.match(new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`))
  return m ? `${m[0]}\n` : undefined
}

/** A key + certificate file, or why it cannot be used as is. */
function readPair(file: string, nowMs: number): KeyAndCert | { problem: string } {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return { problem: code === 'ENOENT' ? 'absent' : `unreadable (${code ?? (e as Error).message})` }
  }
  const keyPem = pemBlock(text, 'PRIVATE KEY')
  const certPem = pemBlock(text, 'CERTIFICATE')
  if (!keyPem || !certPem) return { problem: 'not a key and a certificate' }
  let key: KeyObject
  let cert: X509Certificate
  try {
    key = createPrivateKey(keyPem)
    cert = new X509Certificate(certPem)
  } catch (e) {
    return { problem: `unreadable (${(e as Error).message})` }
  }
  if (!cert.checkPrivateKey(key)) return { problem: 'the key does not match the certificate' }
  if (new Date(cert.validTo).getTime() - MARGIN_MS < nowMs) return { problem: `expired (${cert.validTo})` }
  if (new Date(cert.validFrom).getTime() > nowMs) return { problem: `not valid yet (${cert.validFrom})` }
  // Keep this file owner-only even if someone loosened it.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600)
  return { keyPem, certPem, key, cert }
}

function tempName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
}

/** Writes a whole file under its final name in one step (a reader never sees half of it). */
function writeAtomically(file: string, text: string, mode: number): void {
  const temp = tempName(file)
  writeFileSync(temp, text, { mode, flag: 'wx' })
  renameSync(temp, file)
}

/** A positive 127-bit serial, hex, as RFC 5280 asks (unique per issuer, at most 20 bytes). */
function serialNumber(): string {
  const b = randomBytes(16)
  b[0] = (b[0]! & 0x7f) | 0x01
  return b.toString('hex')
}

async function exportKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key))
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END PRIVATE KEY-----\n`
}

async function makeCa(nowMs: number): Promise<{ keyPem: string; certPem: string }> {
  const lib = await x509()
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])
  const cert = await lib.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=worksuite-mock local CA ${new Date(nowMs).toISOString().slice(0, 10)}, O=worksuite-mock`,
    notBefore: new Date(nowMs - MARGIN_MS),
    notAfter: new Date(nowMs + CA_VALIDITY_DAYS * DAY_MS),
    keys,
    signingAlgorithm: EC,
    extensions: [
      new lib.BasicConstraintsExtension(true, 0, true),
      new lib.KeyUsagesExtension(lib.KeyUsageFlags.keyCertSign | lib.KeyUsageFlags.cRLSign, true),
      await lib.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { keyPem: await exportKeyPem(keys.privateKey), certPem: `${cert.toString('pem')}\n` }
}

async function makeLeaf(ca: KeyAndCert, host: string, nowMs: number): Promise<string> {
  const lib = await x509()
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])
  const caKey = await webcrypto.subtle.importKey('pkcs8', ca.key.export({ type: 'pkcs8', format: 'der' }), EC, false, [
    'sign',
  ])
  const caCert = new lib.X509Certificate(ca.certPem)
  const notAfter = Math.min(nowMs + LEAF_VALIDITY_DAYS * DAY_MS, new Date(ca.cert.validTo).getTime())
  const cert = await lib.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${host}`,
    issuer: caCert.subject,
    notBefore: new Date(nowMs - MARGIN_MS),
    notAfter: new Date(notAfter),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: EC,
    extensions: [
      new lib.BasicConstraintsExtension(false, undefined, true),
      new lib.KeyUsagesExtension(lib.KeyUsageFlags.digitalSignature, true),
      new lib.ExtendedKeyUsageExtension([lib.ExtendedKeyUsage.serverAuth]),
      new lib.SubjectAlternativeNameExtension([{ type: 'dns', value: host }]),
      await lib.AuthorityKeyIdentifierExtension.create(caCert, false),
      await lib.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return `${await exportKeyPem(keys.privateKey)}${cert.toString('pem')}\n`
}

/** The CA in `dir`: loaded when it is there and valid, else made (and written) now. */
export async function openCa(dir: string, options: { nowMs?: () => number } = {}): Promise<LocalCa> {
  const now = options.nowMs ?? Date.now
  makeDirectory(dir, 0o700)
  const keyFile = join(dir, 'ca-key.pem')
  const certFile = join(dir, 'ca.pem')
  let ca = readPair(keyFile, now())
  let created: LocalCa['created']
  if ('problem' in ca) {
    const made = await makeCa(now())
    const temp = tempName(keyFile)
    writeFileSync(temp, made.keyPem + made.certPem, { mode: 0o600, flag: 'wx' })
    if (ca.problem === 'absent') {
      // link() fails when the name exists: another process made its CA first, and that one is kept.
      try {
        linkSync(temp, keyFile)
        created = {}
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      } finally {
        unlinkSync(temp)
      }
    } else {
      renameSync(temp, keyFile)
      created = { replaced: ca.problem }
    }
    ca = readPair(keyFile, now())
    if ('problem' in ca) throw new Error(`the local CA in ${dir} cannot be used: ${ca.problem}`)
  }
  const pair = ca
  let onDisk: string | undefined
  try {
    onDisk = readFileSync(certFile, 'utf8')
  } catch {}
  if (onDisk !== pair.certPem) writeAtomically(certFile, pair.certPem, 0o644)

  const leaves = new Map<string, Promise<Leaf>>()
  const loadLeaf = async (host: string): Promise<Leaf> => {
    const file = join(dir, `leaf-${host}.pem`)
    let leaf = readPair(file, now())
    const fits = (l: KeyAndCert) =>
      l.cert.checkIssued(pair.cert) && l.cert.verify(pair.cert.publicKey) && l.cert.checkHost(host) === host
    if ('problem' in leaf || !fits(leaf)) {
      writeAtomically(file, await makeLeaf(pair, host, now()), 0o600)
      leaf = readPair(file, now())
      if ('problem' in leaf) throw new Error(`the leaf certificate for ${host} cannot be used: ${leaf.problem}`)
    }
    return {
      keyPem: leaf.keyPem,
      certPem: leaf.certPem,
      context: createSecureContext({ key: leaf.keyPem, cert: leaf.certPem }),
    }
  }
  return {
    dir,
    certFile,
    certPem: pair.certPem,
    ...(created ? { created } : {}),
    leafFor(host: string) {
      const name = host.toLowerCase()
      let leaf = leaves.get(name)
      if (!leaf) {
        leaf = loadLeaf(name)
        leaves.set(name, leaf)
        leaf.catch(() => leaves.delete(name))
      }
      return leaf
    },
  }
}
