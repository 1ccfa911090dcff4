/**
 * The CLI as a process, for the tests that start it. It runs as `node --import tsx src/cli.ts` on the Node
 * that runs the tests, not through the `tsx` wrapper: the wrapper relays a signal to its child and, if the
 * child does not acknowledge it within 30 ms (a loaded machine), kills it and exits 143. Tests wait for the
 * banner's URL (printed once the server listens), never for a fixed time.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { afterAll } from 'vitest'

/**
 * The time bound of a test that starts CLIs. One start is ~0.5 s on an idle machine and was measured at 9 s
 * (tsx compiling every module) with a load of 20 on 2 cores; the bound only ends a test that hangs, the tests
 * themselves wait for the process, not for a time.
 */
export const CLI_TIMEOUT = 120_000

/** CLIs a test started and did not stop (it failed half-way): killed when its file ends. */
const running = new Set<ChildProcess>()
afterAll(() => {
  for (const child of running) child.kill('SIGKILL')
})

export function runCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

/** Everything the process prints, and how it ended: on 'close', since at 'exit' its pipes may still hold output. */
export async function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d) => {
    stdout += d
  })
  child.stderr!.on('data', (d) => {
    stderr += d
  })
  const [code] = await once(child, 'close')
  return { code: code as number | null, stdout, stderr }
}

/** Resolves with the first match in stdout; keeps the pipe flowing (the child still writes on shutdown). */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const onData = (chunk: Buffer) => {
      seen += chunk
      const m = seen.match(pattern)
      if (m) {
        child.stdout!.off('data', onData)
        child.off('exit', onExit)
        child.stdout!.resume()
        resolve(m[0])
      }
    }
    const onExit = (code: number | null) =>
      reject(new Error(`the CLI exited (${code}) before printing ${pattern}: ${seen}`))
    child.stdout!.on('data', onData)
    child.once('exit', onExit)
  })
}

/** The base URL the CLI prints once it listens. */
export const waitForUrl = (child: ChildProcess) => waitForLine(child, /http:\/\/127\.0\.0\.1:\d+/)

/** Sends `signal` and resolves with the exit code (null: killed by a signal); a CLI already gone resolves at once. */
export async function stopCli(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  const exited = once(child, 'exit')
  child.kill(signal)
  return (await exited)[0] as number | null
}
