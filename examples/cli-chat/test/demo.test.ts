import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startNodeSim } from '@fabstir/node-sim'
import { describe, expect, it } from 'vitest'

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url))

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('cli-chat demo', () => {
  it('with no arguments chats end-to-end encrypted with an embedded node simulator', async () => {
    const r = await run([])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('🔒 end-to-end encrypted · XChaCha20-Poly1305 · session ')
    expect(r.stdout).toContain('node › 2 + 2 = 4.')
    expect(r.stdout).toContain('(stop, ')
  })

  it('talks to a separately running node with --url/--node-public-key/--private-key', async () => {
    const sim = await startNodeSim({ port: 0 })
    try {
      const key = `0x${'11'.repeat(32)}`
      const r = await run([
        '--url',
        sim.url,
        '--node-public-key',
        sim.publicKey,
        '--private-key',
        key,
        '--prompt',
        'What is 2+2?',
      ])
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('wallet 0x')
      expect(r.stdout).toContain('node › 2 + 2 = 4.')
    } finally {
      await sim.close()
    }
  })

  it('reports a wrong node key as one clear sentence, without a stack trace', async () => {
    const sim = await startNodeSim({ port: 0 })
    const other = await startNodeSim({ port: 0 })
    try {
      const r = await run(['--url', sim.url, '--node-public-key', other.publicKey, '--prompt', 'hi'])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^\nerror: .+\[DECRYPTION_FAILED\]/)
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    } finally {
      await Promise.all([sim.close(), other.close()])
    }
  })

  it('falls back to plaintext only when allowed, and says so', async () => {
    const sim = await startNodeSim({ port: 0, encryption: false })
    try {
      const key = '0x02' + '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'
      const refused = await run(['--url', sim.url, '--node-public-key', key, '--prompt', 'hi'])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain('[ENCRYPTION_NOT_SUPPORTED]')
      const allowed = await run([
        '--url',
        sim.url,
        '--node-public-key',
        key,
        '--allow-plaintext-fallback',
        '--prompt',
        'What is 2+2?',
      ])
      expect(allowed.code).toBe(0)
      expect(allowed.stdout).toContain('PLAINTEXT — not encrypted')
      expect(allowed.stdout).toContain('2 + 2 = 4.')
    } finally {
      await sim.close()
    }
  })

  it('rejects bad flags with usage guidance', async () => {
    const r = await run(['--bogus'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('unknown option --bogus (see --help)')
  })
})
