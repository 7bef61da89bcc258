import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { toyEmbedding } from '../src/commands.js'

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

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

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fabstir-cli-'))
  dirs.push(dir)
  return dir
}

describe('cli-chat slash commands (embedded node simulator)', () => {
  it('/image writes a PNG and prints its path; a "draw a …" prompt the node routes to an image is saved too', async () => {
    const dir = await tempDir()
    const r = await run(['--image-dir', dir, '--prompt', '/image a red fox', '--prompt', 'please draw a cat'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const paths = [...r.stdout.matchAll(/(\/\S+\.png)/g)].map((m) => m[1]!)
    expect(paths).toHaveLength(2)
    for (const path of paths) {
      expect(path.startsWith(dir)).toBe(true)
      expect([...(await readFile(path)).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    }
    expect(r.stdout).toContain('the node answered with an image')
  })

  it('/rag is refused without --plaintext-rag and labelled PLAINTEXT with it', async () => {
    const refused = await run(['--prompt', '/rag add hello'])
    expect(refused.code).toBe(0)
    expect(refused.stdout).toContain('PLAINTEXT')
    expect(refused.stdout).toContain('[INVALID_CONFIG]')
    const r = await run([
      '--plaintext-rag',
      '--prompt',
      '/rag add the node keeps vectors until it restarts',
      '--prompt',
      '/rag add cats sleep a lot',
      '--prompt',
      '/rag search when are vectors cleared',
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('rag › stored doc-1 (success, 1 uploaded, 0 rejected)')
    expect(r.stdout).toMatch(/rag › [0-9.]+ doc-1: the node keeps vectors until it restarts/)
  })

  it('the toy embedding is 384-dimensional and unit length', () => {
    const v = toyEmbedding('hello world')
    expect(v).toHaveLength(384)
    expect(Math.hypot(...v)).toBeCloseTo(1)
  })
})
