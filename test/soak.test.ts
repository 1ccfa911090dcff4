/**
 * A short sample of `npm run soak` (bench/soak.ts): mixed traffic over every endpoint against a stub server of
 * its own with a small budget. Robust on a loaded machine: it asserts on the emulator's own accounting (never
 * more kept than the budget) and on the server staying up; the RSS bound is generous.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { expect, test } from 'vitest'

test('a 20-second soak with an 8 MiB budget keeps within it, answers no 5xx and the server stays up', async () => {
  const child = spawn(
    process.execPath,
    [
      'bench/soak.ts',
      '--minutes=0.33',
      '--interval=5',
      '--budget=8MiB',
      '--max-body=2MB',
      '--concurrency=2',
      '--overhead=1024',
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => {
    stdout += d
  })
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const [code] = await once(child, 'exit')
  const summary = JSON.parse(stdout.trim().split('\n').at(-1)!)
  expect(summary.problems, stderr).toEqual([])
  expect(code).toBe(0)
  expect(summary.crashed).toBeNull()
  expect(summary.http5xx).toBe(0)
  expect(summary.budgetBytes).toBe(8 * 1024 * 1024)
  expect(summary.maxUsedBytes).toBeLessThanOrEqual(summary.budgetBytes)
  expect(summary.rows.length).toBeGreaterThanOrEqual(2)
  expect(summary.requests).toBeGreaterThan(0)
  expect(stdout).toContain('| min | requests |')
  expect(stdout).toContain('verdict: PASS')
}, 90_000)
