import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startNodeSim, upstreamResponder } from '@fabstir/node-sim'
import { startOpenAiServer } from '@fabstir/node-sim/testing'
import { describe, expect, it } from 'vitest'

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url))

interface Run {
  code: number | null
  stdout: string
  stderr: string
  /** Every stdout write with the time it arrived (ms since spawn). */
  writes: { at: number; text: string }[]
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const writes: Run['writes'] = []
    child.stdout.on('data', (d: Buffer) => {
      stdout += d
      writes.push({ at: performance.now() - started, text: d.toString() })
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, writes })
    })
  })
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/
const FACTS = /\((stop|length) · (\d+) tokens · first token (\d+) ms · (\d+) ms total · 🔒 encrypted\)/g

describe('cli-chat demo', () => {
  it('explains itself: simulator with a canned/echo responder, how to reach a real node, badge, session, stats', async () => {
    const r = await run(['--token-delay-ms', '0'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('the built-in node simulator at ws://127.0.0.1:')
    expect(r.stdout).toContain('No model behind it: a canned/echo responder')
    for (const flag of ['--url', '--node-key', '--node-address', '--job-id']) expect(r.stdout).toContain(flag)
    expect(r.stdout).toContain('fabstir-node-sim --upstream')
    expect(r.stdout).toMatch(
      new RegExp(`🔒 end-to-end encrypted · XChaCha20-Poly1305 · session ${UUID.source}\\n`),
    )
    expect(r.stdout).toContain('node › 2 + 2 = 4.')
    const facts = [...r.stdout.matchAll(FACTS)]
    expect(facts).toHaveLength(2)
    expect(facts[0]![2]).toBe('5')
  })

  it('streams visibly at the configured per-token pace (default 30 ms)', async () => {
    const r = await run(['--prompt', 'What is 2+2?'])
    expect(r.code).toBe(0)
    // The answer reaches the terminal in several writes, not at once (the pipe may merge a few under load).
    expect(r.stdout).toContain('node › 2 + 2 = 4.')
    const first = r.writes.findIndex((w) => w.text.includes('node › '))
    const last = r.writes.findIndex((w) => w.text.includes('(stop'))
    expect(last - first).toBeGreaterThanOrEqual(1)
    // Timed in the demo itself: five tokens with at least 30 ms before each.
    const [fact] = [...r.stdout.matchAll(FACTS)]
    expect(Number(fact![3])).toBeGreaterThanOrEqual(30 - 5)
    expect(Number(fact![4])).toBeGreaterThanOrEqual(5 * 30 - 10)
    const slow = await run(['--prompt', 'What is 2+2?', '--token-delay-ms', '80'])
    const [slowFact] = [...slow.stdout.matchAll(FACTS)]
    expect(Number(slowFact![3])).toBeGreaterThanOrEqual(80 - 5) // first token after one delay
    expect(Number(slowFact![4])).toBeGreaterThanOrEqual(5 * 80 - 10) // five delays in all
  })

  it('talks to a separately running node with --url/--node-key/--node-address/--job-id/--private-key', async () => {
    const sim = await startNodeSim({ port: 0 })
    try {
      const r = await run([
        '--url',
        sim.url,
        '--node-key',
        sim.publicKey,
        '--node-address',
        sim.address,
        '--private-key',
        `0x${'11'.repeat(32)}`,
        '--job-id',
        '31',
        '--prompt',
        'What is 2+2?',
      ])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toContain(`node: ${sim.url} (host address ${sim.address})`)
      expect(r.stdout).toContain('wallet 0x')
      expect(r.stdout).toContain('node › 2 + 2 = 4.')
      expect(r.stdout).not.toContain('canned')
      await expect.poll(() => sim.settledJobs.map((j) => j.jobId)).toEqual(['31'])
    } finally {
      await sim.close()
    }
  })

  it('against a simulator fronting a model (--upstream): the real tokens, the model usage, engine errors', async () => {
    const model = await startOpenAiServer()
    const sim = await startNodeSim({ port: 0, responder: upstreamResponder({ url: model.url }) })
    try {
      const flags = ['--url', sim.url, '--node-key', sim.publicKey, '--node-address', sim.address]
      model.set({
        kind: 'stream',
        tokens: ['Real', ' model', ' tokens'],
        usage: { prompt_tokens: 9, completion_tokens: 3 },
      })
      const ok = await run([...flags, '--prompt', 'Who are you?'])
      expect(ok.stderr).toBe('')
      expect(ok.stdout).toContain('node › Real model tokens\n')
      expect(ok.stdout).toMatch(/\(stop · 3 tokens · first token \d+ ms/)
      expect(model.requests[0]!.body.messages).toEqual([{ role: 'user', content: 'Who are you?' }])

      model.set({ kind: 'status', status: 503, body: '{"error":{"message":"model is loading"}}' })
      const failed = await run([...flags, '--prompt', 'Who are you?'])
      expect(failed.code).toBe(1)
      expect(failed.stderr).toContain(
        'Internal error: Streaming inference failed: upstream answered HTTP 503: model is loading [NODE_ERROR]',
      )
    } finally {
      await sim.close()
      await model.close()
    }
  })

  it('a wrong node key: a short sentence in terms of the flags, the code and a help link, no stack trace', async () => {
    const sim = await startNodeSim({ port: 0 })
    const other = await startNodeSim({ port: 0 })
    try {
      const pinned = await run([
        '--url',
        sim.url,
        '--node-key',
        other.publicKey,
        '--node-address',
        sim.address,
        '--prompt',
        'hi',
      ])
      expect(pinned.code).toBe(1)
      expect(pinned.stderr.trim().split('\n')).toEqual([
        'error: The node key (--node-key) does not belong to the node address (--node-address). Copy both again ' +
          "from the node's registry entry; nothing was sent. [NODE_KEY_MISMATCH]",
        '       help: https://github.com/fabstir/fabstir-e2e-sdk/blob/main/docs/troubleshooting.md#node_key_mismatch',
      ])
      expect(sim.connectionCount).toBe(0)

      const unpinned = await run(['--url', sim.url, '--node-key', other.publicKey, '--prompt', 'hi'])
      expect(unpinned.code).toBe(1)
      const lines = unpinned.stderr.trim().split('\n')
      expect(lines).toHaveLength(2)
      expect(lines[0]).toBe(
        "error: The node could not decrypt the session: --node-key is probably not this node's key. Add " +
          '--node-address to have the key checked before connecting. [DECRYPTION_FAILED]',
      )
      expect(lines[1]).toMatch(/^ {7}help: https:\/\/\S+#decryption_failed$/)
      expect(unpinned.stderr).not.toMatch(/\n\s+at /)
    } finally {
      await Promise.all([sim.close(), other.close()])
    }
  })

  it('falls back to plaintext only when allowed, and says so', async () => {
    const sim = await startNodeSim({ port: 0, encryption: false })
    try {
      const key = '0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'
      const refused = await run(['--url', sim.url, '--node-key', key, '--prompt', 'hi'])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain('This node has no encryption key.')
      expect(refused.stderr).toContain('[ENCRYPTION_NOT_SUPPORTED]')
      const allowed = await run([
        '--url',
        sim.url,
        '--node-key',
        key,
        '--allow-plaintext-fallback',
        '--prompt',
        'What is 2+2?',
      ])
      expect(allowed.code).toBe(0)
      expect(allowed.stdout).toContain('PLAINTEXT — not encrypted')
      expect(allowed.stdout).toContain('2 + 2 = 4.')
      expect(allowed.stdout).toContain('⚠️  plaintext)')
    } finally {
      await sim.close()
    }
  })

  it('rejects bad flags with usage guidance and status 2', async () => {
    for (const [args, message] of [
      [['--bogus'], "Unknown option '--bogus'"],
      [['--url', 'ws://127.0.0.1:1/v1/ws'], '--url needs --node-key'],
      [
        ['--url', 'ws://x/v1/ws', '--node-key', '0x02', '--token-delay-ms', '5'],
        'paces the built-in simulator',
      ],
      [['--node-address', '0x12'], '--node-address must be 0x followed by 40 hex digits'],
      [['--node-key', '0x02'], 'need --url'],
    ] as const) {
      const r = await run([...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toContain(message)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--node-address')
  })
})
