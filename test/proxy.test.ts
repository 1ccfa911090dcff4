/**
 * The intercepting proxy and direct HTTPS, driven by HTTP stacks no one here wrote: curl, Python's urllib,
 * Java 17's java.net.http.HttpClient and Node's fetch through undici's ProxyAgent. Each trusts the local CA the
 * way the README tells a user to, gets a token at the vendor's real hostname and calls an endpoint with it.
 * Nothing leaves the machine: the proxy connects nowhere, and refusals are tested with `.invalid` names.
 */
import { type SpawnOptions, spawn, spawnSync } from 'node:child_process'
import dns from 'node:dns'
import { once } from 'node:events'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { createRequire } from 'node:module'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ProxyAgent, fetch as undiciFetch } from 'undici'
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest'
import { createEmulator, startStubServer } from '../src/index.ts'
import type { StubServer } from '../src/server/stub-server.ts'
import { settingsFromFlags } from '../src/settings.ts'
import { finished } from './support/cli.ts'

const CORPID = 'wwdevcorp0000001'
const SECRET = 'dev-secret-meetings-1000014'
const WECOM = 'https://qyapi.weixin.qq.com'
const GETTOKEN = `/cgi-bin/gettoken?corpid=${CORPID}&corpsecret=${SECRET}`
const work = mkdtempSync(join(tmpdir(), 'proxy-test-'))
const caDir = join(work, 'ca')
/** Children see no proxy settings of their own: only the one each test gives. */
const childEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(https?|all|no)_proxy$/i.test(k)),
)

const emulator = createEmulator({ config: { proxy: { port: 0, httpsPort: 0, caDir } } })
let server: StubServer
let proxyPort: number
let httpsPort: number
let caFile: string

beforeAll(async () => {
  server = await startStubServer(emulator, { port: 0 })
  proxyPort = Number(new URL(server.proxyUrl!).port)
  httpsPort = Number(new URL(server.httpsUrl!).port)
  caFile = server.ca!.certFile
}, 60_000)
afterEach(() => emulator.control.reset())
afterAll(() => server.close())

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a child to completion, killed if it passes `timeoutMs`. */
async function run(cmd: string, args: string[], options: SpawnOptions & { timeoutMs?: number } = {}): Promise<Run> {
  const child = spawn(cmd, args, {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 30_000,
    killSignal: 'SIGKILL',
    ...options,
  })
  return finished(child)
}

const has = (cmd: string, arg = '--version') => {
  const r = spawnSync(cmd, [arg], { stdio: 'ignore', timeout: 20_000 })
  return !r.error && r.status === 0
}
const python = has('python3')
const java = has('java', '-version') && has('keytool', '-help')

const meetingStart = () => Math.floor(Date.now() / 1000) + 3600
/** The meetings the emulator holds now, by title: what a client created through the proxy. */
const meetingTitles = () =>
  fetch(`${server.url}/__mock/wecom/meetings`)
    .then((r) => r.json() as Promise<any>)
    .then((b) => b.meetings.map((m: any) => m.title))

test('curl through the proxy gets a token at qyapi.weixin.qq.com and creates a meeting with it', async () => {
  // --resolve pins the vendor name to loopback: even a curl that skipped the proxy could not leave the machine.
  const curl = (args: string[]) =>
    run('curl', [
      '-sS',
      '--max-time',
      '20',
      '-x',
      server.proxyUrl!,
      '--cacert',
      caFile,
      '--resolve',
      'qyapi.weixin.qq.com:443:127.0.0.1',
      ...args,
    ])
  const token = await curl([`${WECOM}${GETTOKEN}`])
  expect(token.stderr).toBe('')
  const { access_token, errcode } = JSON.parse(token.stdout)
  expect(errcode).toBe(0)
  const body = JSON.stringify({
    admin_userid: 'zhangsan',
    title: 'via curl',
    meeting_start: meetingStart(),
    meeting_duration: 3600,
  })
  const created = await curl([
    '-H',
    'content-type: application/json',
    '--data-binary',
    body,
    `${WECOM}/cgi-bin/meeting/create?access_token=${access_token}`,
  ])
  expect(JSON.parse(created.stdout)).toMatchObject({ errcode: 0, meetingid: expect.any(String) })
  expect(await meetingTitles()).toEqual(['via curl'])
}, 60_000)

test('curl through the proxy without the CA refuses the certificate: the TLS is verified, not skipped', async () => {
  const r = await run('curl', ['-sS', '--max-time', '20', '-x', server.proxyUrl!, `${WECOM}${GETTOKEN}`], {
    env: { ...childEnv, CURL_CA_BUNDLE: join(work, 'absent.pem'), SSL_CERT_FILE: join(work, 'absent.pem') },
  })
  expect(r.code).not.toBe(0)
  expect(r.stdout).toBe('')
}, 30_000)

const PYTHON_CLIENT = `
import json, ssl, sys, urllib.request
proxy, cafile, corpid, secret, start = sys.argv[1:6]
context = ssl.create_default_context(cafile=cafile)
opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({'http': proxy, 'https': proxy}),
    urllib.request.HTTPSHandler(context=context),
)
def call(url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={'Content-Type': 'application/json'})
    with opener.open(req, timeout=20) as r:
        return json.load(r)
token = call(f'https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid={corpid}&corpsecret={secret}')
created = call(f'https://qyapi.weixin.qq.com/cgi-bin/meeting/create?access_token={token["access_token"]}',
               {'admin_userid': 'zhangsan', 'title': 'via python', 'meeting_start': int(start), 'meeting_duration': 3600})
feishu = call('https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal',
              {'app_id': 'cli_devapp00000001', 'app_secret': 'dev-feishu-secret-00000001'})
print(json.dumps({'token': token, 'created': created, 'feishu': feishu}))
`

test.skipIf(!python)(
  `Python's urllib with a ProxyHandler and an SSL context from ca.pem reaches both vendors${python ? '' : ' (skipped: no python3 on PATH)'}`,
  async () => {
    const script = join(work, 'client.py')
    writeFileSync(script, PYTHON_CLIENT)
    const r = await run('python3', [script, server.proxyUrl!, caFile, CORPID, SECRET, String(meetingStart())])
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout)
    expect(out.token.errcode).toBe(0)
    expect(out.created).toMatchObject({ errcode: 0, meetingid: expect.any(String) })
    expect(out.feishu).toMatchObject({ code: 0, tenant_access_token: expect.any(String) })
    expect(await meetingTitles()).toEqual(['via python'])
  },
  60_000,
)

const JAVA_CLIENT = `
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

public class ProxyClient {
  public static void main(String[] a) throws Exception {
    HttpClient client = HttpClient.newBuilder()
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(a[0]))))
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    String base = "https://qyapi.weixin.qq.com";
    HttpResponse<String> token = client.send(
        HttpRequest.newBuilder(URI.create(base + "/cgi-bin/gettoken?corpid=" + a[1] + "&corpsecret=" + a[2]))
            .timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    String accessToken = token.body().replaceAll(".*\\"access_token\\":\\"([^\\"]+)\\".*", "$1");
    String body = "{\\"admin_userid\\":\\"zhangsan\\",\\"title\\":\\"via java\\",\\"meeting_start\\":" + a[3] + ",\\"meeting_duration\\":3600}";
    HttpResponse<String> created = client.send(
        HttpRequest.newBuilder(URI.create(base + "/cgi-bin/meeting/create?access_token=" + accessToken))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    System.out.println(token.body());
    System.out.println(created.body());
  }
}
`

test.skipIf(!java)(
  `Java 17's HttpClient with a ProxySelector and a keytool truststore creates a meeting${java ? '' : ' (skipped: no java/keytool on PATH)'}`,
  async () => {
    const store = join(work, 'truststore.p12')
    const imported = await run('keytool', [
      '-importcert',
      '-noprompt',
      '-alias',
      'worksuite-mock',
      '-file',
      caFile,
      '-keystore',
      store,
      '-storetype',
      'PKCS12',
      '-storepass',
      'changeit',
    ])
    expect(imported.code, imported.stderr + imported.stdout).toBe(0)
    const source = join(work, 'ProxyClient.java')
    writeFileSync(source, JAVA_CLIENT)
    const r = await run(
      'java',
      [
        `-Djavax.net.ssl.trustStore=${store}`,
        '-Djavax.net.ssl.trustStorePassword=changeit',
        '-Djavax.net.ssl.trustStoreType=PKCS12',
        source,
        String(proxyPort),
        CORPID,
        SECRET,
        String(meetingStart()),
      ],
      { timeoutMs: 90_000 },
    )
    expect(r.code, r.stderr).toBe(0)
    const [token, created] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(token.errcode).toBe(0)
    expect(created).toMatchObject({ errcode: 0, meetingid: expect.any(String) })
    expect(await meetingTitles()).toEqual(['via java'])
  },
  120_000,
)

test("Node's fetch through undici's ProxyAgent, trusting ca.pem, gets a token and creates a meeting", async () => {
  const agent = new ProxyAgent({ uri: server.proxyUrl!, requestTls: { ca: server.ca!.certPem } })
  try {
    const token = (await (await undiciFetch(`${WECOM}${GETTOKEN}`, { dispatcher: agent })).json()) as any
    expect(token.errcode).toBe(0)
    const created = await undiciFetch(`${WECOM}/cgi-bin/meeting/create?access_token=${token.access_token}`, {
      dispatcher: agent,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        admin_userid: 'zhangsan',
        title: 'via undici',
        meeting_start: meetingStart(),
        meeting_duration: 3600,
      }),
    })
    expect(await created.json()).toMatchObject({ errcode: 0, meetingid: expect.any(String) })
    expect(await meetingTitles()).toEqual(['via undici'])
  } finally {
    await agent.close()
  }
})

test('a Node process given NODE_EXTRA_CA_CERTS trusts the proxy with no CA in its code', async () => {
  const undiciUrl = pathToFileURL(createRequire(import.meta.url).resolve('undici')).href
  const script = join(work, 'client.mjs')
  writeFileSync(
    script,
    `const { fetch, ProxyAgent } = await import(${JSON.stringify(undiciUrl)})
const r = await fetch('https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal', {
  dispatcher: new ProxyAgent(process.argv[2]), method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ app_id: 'cli_devapp00000001', app_secret: 'dev-feishu-secret-00000001' }),
})
console.log(JSON.stringify(await r.json()))
`,
  )
  const r = await run(process.execPath, [script, server.proxyUrl!], {
    env: { ...childEnv, NODE_EXTRA_CA_CERTS: caFile },
  })
  expect(r.stderr).toBe('')
  expect(JSON.parse(r.stdout)).toMatchObject({ code: 0, tenant_access_token: expect.any(String) })
}, 30_000)

/** Sends raw bytes to the proxy and reads until it closes. */
async function rawExchange(text: string): Promise<string> {
  const socket = net.connect(proxyPort, '127.0.0.1')
  socket.setTimeout(10_000, () => socket.destroy())
  socket.write(text)
  let out = ''
  socket.on('data', (d) => {
    out += d
  })
  await once(socket, 'close')
  return out
}

test('CONNECT to any other host is refused with 403 naming the served hosts, and nothing is looked up or connected to', async () => {
  const lookups = vi.spyOn(dns, 'lookup')
  const connects = vi.spyOn(net.Socket.prototype, 'connect')
  try {
    const answer = await rawExchange('CONNECT example.invalid:443 HTTP/1.1\r\nHost: example.invalid:443\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/)
    expect(answer).toContain('"example.invalid" is not intercepted')
    expect(answer).toContain('qyapi.weixin.qq.com, open.feishu.cn, open.larksuite.com')
    const plain = await rawExchange(
      'GET http://example.invalid/cgi-bin/gettoken HTTP/1.1\r\nHost: example.invalid\r\n\r\n',
    )
    expect(plain).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/)
    expect(plain).toContain('"example.invalid" is not intercepted')
    const named = (calls: unknown[][]) => calls.filter((c) => JSON.stringify(c[0] ?? '').includes('example.invalid'))
    expect(named(lookups.mock.calls)).toEqual([])
    expect(named(connects.mock.calls)).toEqual([])
  } finally {
    lookups.mockRestore()
    connects.mockRestore()
  }
  // Neither request reached the core.
  expect(emulator.control.requests().total).toBe(0)
})

test('curl reports the refusal of an unknown host as the failed tunnel', async () => {
  const r = await run('curl', ['-sS', '--max-time', '10', '-x', server.proxyUrl!, 'https://api.example.invalid/'])
  expect(r.code).not.toBe(0)
  expect(r.stderr).toMatch(/CONNECT tunnel failed, response 403/)
})

test('plain-HTTP absolute-form requests to a vendor host are served; origin-form requests to the proxy are not', async () => {
  const agent = new ProxyAgent({ uri: server.proxyUrl! })
  try {
    const r = await undiciFetch(`http://qyapi.weixin.qq.com${GETTOKEN}`, { dispatcher: agent })
    expect(((await r.json()) as any).errcode).toBe(0)
  } finally {
    await agent.close()
  }
  const direct = await fetch(`${server.proxyUrl}${GETTOKEN}`)
  expect(direct.status).toBe(400)
  expect(await direct.text()).toMatch(/is an HTTP proxy for qyapi\.weixin\.qq\.com/)
})

test("the vendors' hostnames serve only their own paths: no control plane, the other vendor's paths are a 404", async () => {
  const agent = new ProxyAgent({ uri: server.proxyUrl!, requestTls: { ca: server.ca!.certPem } })
  const get = async (url: string) => {
    const r = await undiciFetch(url, { dispatcher: agent })
    return { status: r.status, type: r.headers.get('content-type'), body: await r.text() }
  }
  try {
    const control = await get(`${WECOM}/__mock/defaults`)
    expect(control.status).toBe(404)
    expect(control.body).toContain('<center>nginx</center>')
    expect(control.body).not.toContain(CORPID)
    const feishuOnWecom = await get(`${WECOM}/open-apis/auth/v3/tenant_access_token/internal`)
    expect(feishuOnWecom.status).toBe(404)
    expect(feishuOnWecom.body).toContain('<center>nginx</center>')
    const wecomOnFeishu = await get(`https://open.feishu.cn${GETTOKEN}`)
    expect(wecomOnFeishu.status).toBe(404)
    expect(wecomOnFeishu.body).toBe((await get('https://open.feishu.cn/open-apis/no/such/api')).body)
    const lark = await get('https://open.larksuite.com/__mock/requests')
    expect(lark.status).toBe(404)
  } finally {
    await agent.close()
  }
})

test('proxied requests go through the same core: journalled, and fault rules apply to them', async () => {
  const agent = new ProxyAgent({ uri: server.proxyUrl!, requestTls: { ca: server.ca!.certPem } })
  try {
    emulator.control.addFault({ match: { vendor: 'wecom', path: '/cgi-bin/gettoken' }, respond: { errcode: 45009 } })
    const faulted = (await (await undiciFetch(`${WECOM}${GETTOKEN}`, { dispatcher: agent })).json()) as any
    expect(faulted.errcode).toBe(45009)
    emulator.control.reset()
    emulator.control.addFault({ match: { vendor: 'wecom', path: '/cgi-bin/gettoken' }, drop: true })
    await expect(undiciFetch(`${WECOM}${GETTOKEN}`, { dispatcher: agent })).rejects.toThrow()
    const journal = (await (await fetch(`${server.url}/__mock/requests`)).json()) as any
    expect(journal.entries.map((e: any) => [e.route, e.path])).toEqual([['wecom.gettoken', '/cgi-bin/gettoken']])
  } finally {
    await agent.close()
  }
})

test('a body over the size limit is refused through the tunnel exactly as on the stub server', async () => {
  emulator.control.setConfig({ server: { maxBodyBytes: 1024 } })
  const body = JSON.stringify({ admin_userid: 'zhangsan', title: 'x'.repeat(2000) })
  const agent = new ProxyAgent({ uri: server.proxyUrl!, requestTls: { ca: server.ca!.certPem } })
  try {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body }
    const proxied = await undiciFetch(`${WECOM}/cgi-bin/meeting/create?access_token=x`, { ...init, dispatcher: agent })
    const direct = await fetch(`${server.url}/cgi-bin/meeting/create?access_token=x`, init)
    expect(proxied.status).toBe(direct.status)
    const [a, b] = [(await proxied.json()) as any, (await direct.json()) as any]
    expect(a.errcode).toBe(40206)
    expect(a.errcode).toBe(b.errcode)
  } finally {
    await agent.close()
  }
})

test('direct HTTPS serves both vendors at their hostnames for clients that map them to 127.0.0.1', async () => {
  const r = await run('curl', [
    '-sS',
    '--max-time',
    '20',
    '--cacert',
    caFile,
    '--resolve',
    `qyapi.weixin.qq.com:${httpsPort}:127.0.0.1`,
    `https://qyapi.weixin.qq.com:${httpsPort}${GETTOKEN}`,
  ])
  expect(r.stderr).toBe('')
  expect(JSON.parse(r.stdout).errcode).toBe(0)
  // Node's https with the name the client verifies (SNI) and asks for (Host).
  const answer = await new Promise<{ status: number; body: string; subject: string }>((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: httpsPort,
        servername: 'open.feishu.cn',
        headers: { host: 'open.feishu.cn', 'content-type': 'application/json' },
        method: 'POST',
        path: '/open-apis/auth/v3/tenant_access_token/internal',
        ca: server.ca!.certPem,
        agent: false,
      },
      (res) => {
        let body = ''
        res.on('data', (d) => {
          body += d
        })
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body,
            subject: (res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject.CN as string,
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify({ app_id: 'cli_devapp00000001', app_secret: 'dev-feishu-secret-00000001' }))
  })
  expect(answer.status).toBe(200)
  expect(answer.subject).toBe('open.feishu.cn')
  expect(JSON.parse(answer.body)).toMatchObject({ code: 0, tenant_access_token: expect.any(String) })
}, 30_000)

test('GET /__mock/proxy/ca.pem is the CA certificate in ca.pem, and never the key', async () => {
  const r = await fetch(`${server.url}/__mock/proxy/ca.pem`)
  expect(r.status).toBe(200)
  expect(r.headers.get('content-type')).toBe('application/x-pem-file')
  const text = await r.text()
  expect(text).toBe(server.ca!.certPem)
  expect(text).not.toMatch(/PRIVATE KEY/)
})

test('GET /__mock/proxy/ca.pem says how to turn the CA on when neither port is set', async () => {
  const plain = await startStubServer(createEmulator(), { port: 0 })
  try {
    expect(plain.ca).toBeUndefined()
    expect(plain.proxyUrl).toBeUndefined()
    const r = await fetch(`${plain.url}/__mock/proxy/ca.pem`)
    expect(r.status).toBe(404)
    expect(((await r.json()) as any).error).toMatch(/--proxy-port or --https-port/)
  } finally {
    await plain.close()
  }
})

test('--proxy-port, --https-port and --ca-dir are the proxy settings', () => {
  expect(
    settingsFromFlags(
      new Map([
        ['proxy-port', '8080'],
        ['https-port', '8443'],
        ['ca-dir', '/x'],
      ]),
    ),
  ).toEqual({
    proxy: { port: 8080, httpsPort: 8443, caDir: '/x' },
  })
})

test('npm start with --proxy-port prints where the proxy and HTTPS listen and how to trust the CA, and stops cleanly', async () => {
  // As `npm start` runs it (node --import tsx): the tsx CLI wrapper relays signals with a 30 ms deadline, and
  // kills its child (exit 130) when a loaded machine misses it.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--proxy-port', '0', '--https-port', '0', '--ca-dir', caDir],
    { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  try {
    const banner = await new Promise<string>((resolve, reject) => {
      let seen = ''
      child.stdout!.on('data', (d) => {
        seen += d
        if (seen.includes('Stop with Ctrl-C')) resolve(seen)
      })
      child.once('exit', () => reject(new Error(`exited before its banner: ${seen}`)))
    })
    const proxy = banner.match(/^Proxy: +(http:\/\/127\.0\.0\.1:\d+) answers for qyapi\.weixin\.qq\.com/m)?.[1]
    expect(proxy).toBeDefined()
    expect(banner).toMatch(/^HTTPS: +https:\/\/127\.0\.0\.1:\d+ /m)
    expect(banner).toContain(`Trust:  ${join(caDir, 'ca.pem')}`)
    expect(banner).toContain('NODE_EXTRA_CA_CERTS')
    const agent = new ProxyAgent({ uri: proxy!, requestTls: { ca: server.ca!.certPem } })
    try {
      // The same CA directory: the CLI reused this file's CA.
      const r = (await (await undiciFetch(`${WECOM}${GETTOKEN}`, { dispatcher: agent })).json()) as any
      expect(r.errcode).toBe(0)
    } finally {
      await agent.close()
    }
    child.kill('SIGINT')
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
  } finally {
    clearTimeout(killer)
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}, 40_000)
