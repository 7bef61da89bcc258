import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { FuzzSummary } from '../src/fuzz/report.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx')
const dir = mkdtempSync(join(tmpdir(), 'fabstir-reliability-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function run(
  script: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, [script, ...args], { cwd: ROOT })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d
    })
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('the documented commands (small sizes)', () => {
  it('pnpm fuzz: runs on worker threads, prints per-target counts and the outcome, and is reproducible', async () => {
    const args = [
      '--total',
      '1200',
      '--targets',
      'wire-node-frame,hex-to-bytes,node-init-frame',
      '--nonces',
      '5000',
    ]
    const first = await run('src/fuzz-main.ts', [...args, '--workers', '2', '--json', join(dir, 'a.json')])
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^wire-node-frame\s+[\d,]+/m)
    expect(first.stdout).toMatch(/nonce uniqueness: 5,000 seals, 0 repeated/)
    expect(first.stdout).toMatch(/Outcome: PASS — 1,200 cases, 0 findings/)
    const a = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as FuzzSummary
    expect(a.totalCases).toBe(1200)
    expect(a.targets.map((t) => t.target)).toEqual(['wire-node-frame', 'hex-to-bytes', 'node-init-frame'])
    // Same seed, other worker count: identical outcomes, case by case category.
    const second = await run('src/fuzz-main.ts', [...args, '--workers', '1', '--json', join(dir, 'b.json')])
    expect(second.code).toBe(0)
    const b = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')) as FuzzSummary
    const counts = (s: FuzzSummary) =>
      s.targets.map(({ target, accepted, rejected, ignored, codes }) => ({
        target,
        accepted,
        rejected,
        ignored,
        codes,
      }))
    expect(JSON.stringify(counts(b)), JSON.stringify(counts(a))).toBe(JSON.stringify(counts(a)))
  }, 120_000)

  it('pnpm load: prints a JSON summary (load and resources scenarios)', async () => {
    const load = await run('src/load-main.ts', ['--sessions', '12', '--prompts', '3', '--open-batch', '5'])
    expect(load.stderr).toBe('')
    expect(load.code).toBe(0)
    const summary = JSON.parse(load.stdout) as { outcome: string; prompts: number; correct: number }
    expect(summary).toMatchObject({ outcome: 'PASS', prompts: 36, correct: 36 })
    const resources = await run('src/load-main.ts', [
      '--scenario',
      'resources',
      '--cycles',
      '40',
      '--sim',
      'inline',
    ])
    expect(resources.code).toBe(0)
    expect(JSON.parse(resources.stdout)).toMatchObject({ outcome: 'PASS', cycles: 40, grown: {} })
  }, 120_000)

  it('pnpm load --inline: client and simulator in one process with default deadlines; --sim process', async () => {
    const inline = await run('src/load-main.ts', ['--inline', '--sessions', '50', '--prompts', '3'])
    expect(inline.stderr).toBe('')
    expect(inline.code).toBe(0)
    const summary = JSON.parse(inline.stdout) as Record<string, unknown>
    expect(summary).toMatchObject({
      outcome: 'PASS',
      simThread: 'inline',
      deadlines: 'default',
      prompts: 150,
      correct: 150,
      openFailures: {},
    })
    expect(summary.loopStallMaxMs).toEqual(expect.any(Number))
    const processSim = await run('src/load-main.ts', [
      '--sim',
      'process',
      '--sessions',
      '4',
      '--prompts',
      '2',
    ])
    expect(processSim.code).toBe(0)
    expect(JSON.parse(processSim.stdout)).toMatchObject({ outcome: 'PASS', simThread: 'process', correct: 8 })
    const bad = await run('src/load-main.ts', ['--inline', '--sim', 'worker'])
    expect(bad.code).toBe(2)
  }, 120_000)

  it('rejects bad flags with a usage error', async () => {
    const bad = await run('src/fuzz-main.ts', ['--total', 'lots'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('--total must be a non-negative integer, got lots (see --help)\n')
    // node:util parseArgs errors are usage errors too: one line, exit 2, no stack trace.
    const unknown = await run('src/load-main.ts', ['--sesions', '3'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toBe("Unknown option '--sesions' (see --help)\n")
    const missing = await run('src/fuzz-main.ts', ['--total'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^Option '--total <value>' argument missing \(see --help\)\n$/)
    // What `pnpm load -- --help` passes on.
    const dashed = await run('src/load-main.ts', ['--', '--help'])
    expect(dashed.code).toBe(0)
    expect(dashed.stdout).toMatch(/--scenario load\|resources/)
    const help = await run('src/load-main.ts', ['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/--scenario load\|resources/)
  }, 60_000)
})
