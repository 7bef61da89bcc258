import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type NodeSimHandle, startNodeSim } from '@fabstir/node-sim'
import { afterAll, describe, expect, it } from 'vitest'
import { runDriver } from '../examples/fabstir-sdk-driver.js'
import { parseCliArgs, UsageError } from '../src/index.js'

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const temp = mkdtempSync(join(tmpdir(), 'fabstir-conformance-cli-'))
const sims: NodeSimHandle[] = []
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()))
  rmSync(temp, { recursive: true, force: true })
})

function run(
  args: string[],
  onLine?: (line: string) => void,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      for (const line of d.toString().split('\n')) if (line) onLine?.(line)
    })
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    child.on('close', (code) => resolve({ code, out, err }))
  })
}

describe('fabstir-conformance CLI', () => {
  it('parses both modes and rejects mistakes with a usage error', () => {
    expect(parseCliArgs(['serve', '--port', '0'])).toMatchObject({
      command: 'serve',
      port: 0,
      host: '127.0.0.1',
    })
    expect(parseCliArgs(['node', 'ws://h:1/v1/ws', '--rate-limit', '5'])).toMatchObject({
      command: 'node',
      target: { url: 'ws://h:1/v1/ws', rateLimit: 5, timeoutMs: 10_000 },
    })
    expect(parseCliArgs([])).toEqual({ command: 'help' })
    expect(() => parseCliArgs(['node', 'http://x'])).toThrow(UsageError)
    expect(() => parseCliArgs(['node', 'ws://x', '--node-key', '0x1234'])).toThrow(/not a valid secp256k1/)
    expect(() => parseCliArgs(['node', 'ws://x', '--bogus'])).toThrow(UsageError)
    expect(() => parseCliArgs(['serve', '--port', '70000'])).toThrow(/--port/)
  })

  it('node mode: exit 0 on a conforming node, writes report.json and a self-contained report.html', async () => {
    const sim = await startNodeSim({ port: 0, chunkDelayMs: 5, rateLimitPerMinute: 1_000_000 })
    sims.push(sim)
    const dir = join(temp, 'node-report')
    const r = await run([
      'node',
      sim.url,
      '--node-key',
      sim.publicKey,
      '--node-address',
      sim.address,
      '--cases',
      '1.01,2.01,4.01',
      '--report',
      dir,
    ])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/3 cases: 3 passed, 0 failed/)
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      summary: { pass: number }
      results: { frames: unknown[] }[]
    }
    expect(report.summary.pass).toBe(3)
    expect(report.results.every((r) => r.frames.length > 0)).toBe(true)
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    expect(html).toContain('<table>')
    expect(html).not.toMatch(/<script|src="http|href="http/)
  })

  it('node mode: exit 1 when a case fails, 2 on a wrong key', async () => {
    const sim = await startNodeSim({ port: 0, faults: { tamperChunk: 0 } })
    const other = await startNodeSim({ port: 0 })
    sims.push(sim, other)
    const failing = await run(['node', sim.url, '--node-key', sim.publicKey, '--cases', '4.01'])
    expect(failing.code).toBe(1)
    expect(failing.out).toMatch(/FAIL 4\.01[\s\S]*tampered/)
    const wrongKey = await run(['node', sim.url, '--node-key', other.publicKey, '--cases', '1.01'])
    expect(wrongKey.code).toBe(2)
    expect(wrongKey.err).toMatch(/not this node's static key/)
  })

  it('serve: our echo driver completes every case; exit code and report follow the grades', async () => {
    const dir = join(temp, 'serve-report')
    let started: (url: string) => void = () => {}
    const url = new Promise<string>((resolve) => {
      started = resolve
    })
    const done = run(['serve', '--port', '0', '--cases', '1,2', '--report', dir], (line) => {
      if (line.startsWith('{')) started((JSON.parse(line) as { url: string }).url)
    })
    await runDriver(await url)
    const r = await done
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/passed, 0 failed/)
    expect(existsSync(join(dir, 'report.html'))).toBe(true)
  }, 60_000)
})
