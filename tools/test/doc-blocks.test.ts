import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { startNodeSim } from '../../packages/node-sim/dist/index.js'
import {
  allBlocks,
  type BlockProblem,
  type DocBlock,
  findBlocks,
  fixedKnownFailures,
  isKnownFailing,
  KNOWN_FAILING,
  typecheckBlocks,
} from '../release/doc-blocks.js'

const toolsDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const repoRoot = join(toolsDir, '..')

function runProgram(file: string, env: Record<string, string>) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(join(toolsDir, 'node_modules/.bin/tsx'), [file], {
      cwd: dirname(file),
      env: { ...process.env, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })
}

const block = (
  doc: string,
  line: number,
  kind: DocBlock['kind'],
  body: string,
  source?: string,
): DocBlock => ({
  doc,
  line,
  lang: 'ts',
  kind,
  body,
  ...(source === undefined ? {} : { source }),
})

describe('findBlocks', () => {
  it('finds fenced blocks with their language, first content line and marker', () => {
    const text = [
      '# t', // 1
      '```sh', // 2
      'npm test', // 3
      '```', // 4
      '<!-- fragment -->', // 5
      '```ts', // 6
      'a()', // 7
      '```', // 8
      '<!-- fragment: not-sdk -->', // 9
      '```ts', // 10
      'b()', // 11
      '```', // 12
      '<!-- verified: tools/x.ts -->', // 13
      '```ts', // 14
      'c()', // 15
      '```', // 16
      '<!-- run -->', // 17
      '````ts title="x"', // 18
      '```', // 19
      '````', // 20
      '```ts', // 21
      '```', // 22
    ].join('\n')
    expect(findBlocks('d.md', text)).toEqual([
      { doc: 'd.md', line: 3, lang: 'sh', kind: 'program', body: 'npm test\n' },
      { doc: 'd.md', line: 7, lang: 'ts', kind: 'fragment', body: 'a()\n' },
      { doc: 'd.md', line: 11, lang: 'ts', kind: 'not-sdk', body: 'b()\n' },
      { doc: 'd.md', line: 15, lang: 'ts', kind: 'verified', source: 'tools/x.ts', body: 'c()\n' },
      { doc: 'd.md', line: 19, lang: 'ts', kind: 'run', body: '```\n' },
      { doc: 'd.md', line: 22, lang: 'ts', kind: 'program', body: '' },
    ])
  })
})

describe('typecheckBlocks (one compiler run for every block)', () => {
  const problems = typecheckBlocks([
    // 1. A complete program that is correct.
    block(
      'a.md',
      10,
      'program',
      "import { createClient } from '@fabstir/transport-ws'\ncreateClient({ url: 'ws://h/v1/ws' })\n",
    ),
    // 2. The same call without its import: an error, because a program must declare what it uses.
    block('a.md', 20, 'program', "createClient({ url: 'ws://h/v1/ws' })\n"),
    // 3. As a fragment it passes: createClient is imported from the package that exports it, `url` declared.
    block(
      'a.md',
      30,
      'fragment',
      'createClient({ url, signer })\nconst s: ClientSession | undefined = undefined\n',
    ),
    // 4. A fragment is still type-checked against the real API: a misspelt option is an error at its place.
    block(
      'a.md',
      40,
      'fragment',
      "const c = createClient({ url: 'ws://h/v1/ws' })\nc.startSessionn({ jobId })\n",
    ),
    // 5. A not-sdk fragment: free names are `any`, never the SDK's (EncryptedSession is also an SDK export).
    block(
      'a.md',
      50,
      'not-sdk',
      'const s = new EncryptedSession(key, wallet, ws)\nawait s.sendMessage(1, 2, 3)\n',
    ),
    // 6. A verified copy is compiled under its file name, so the next block of the page can import it.
    block('b.md', 60, 'verified', 'export const answer: number = 42\n', 'tools/release/examples/answer.ts'),
    block('b.md', 70, 'program', "import { answer } from './answer.js'\nconst s: string = answer\n"),
    // 8. Syntax errors are reported too.
    block('b.md', 80, 'program', 'const = 1\n'),
  ])
  const at = (doc: string, line: number): BlockProblem[] =>
    problems.filter((p) => p.block?.doc === doc && p.block.line === line)

  it('passes correct programs and fragments whose free names are declared', () => {
    expect(at('a.md', 10)).toEqual([])
    expect(at('a.md', 30)).toEqual([])
    expect(at('a.md', 50)).toEqual([])
    expect(at('b.md', 60)).toEqual([])
  })

  it('reports undeclared names in programs, API misuse in fragments and type errors across blocks, located', () => {
    expect(at('a.md', 20)).toEqual([
      {
        block: { doc: 'a.md', line: 20 },
        at: 'a.md:20:1',
        message: "TS2304: Cannot find name 'createClient'.",
      },
    ])
    expect(at('a.md', 40).map((p) => p.at)).toEqual(['a.md:41:3'])
    expect(at('a.md', 40)[0]!.message).toMatch(/TS2551: Property 'startSessionn' does not exist/)
    expect(at('b.md', 70).map((p) => p.at)).toEqual(['b.md:71:7'])
    expect(at('b.md', 80).length).toBeGreaterThan(0)
    expect(at('b.md', 80)[0]!.at).toMatch(/^b\.md:80:/)
  })
})

describe('the documentation (README.md and docs/*.md)', () => {
  const blocks = allBlocks()
  const typescript = blocks.filter((b) => b.lang === 'ts' || b.lang === 'typescript')

  it('every TypeScript block type-checks against the built packages', () => {
    expect(typescript.length).toBeGreaterThanOrEqual(20)
    expect(typescript.some((b) => b.doc === 'README.md')).toBe(true)
    const problems = typecheckBlocks(blocks)
    expect(
      problems.filter((p) => !isKnownFailing(p)).map((p) => `${p.at}: ${p.message}`),
      'fix these blocks, or mark a deliberately partial one with <!-- fragment --> (docs/README.md)',
    ).toEqual([])
    expect(fixedKnownFailures(problems), 'these pass now: remove them from KNOWN_FAILING').toEqual([])
  }, 120_000)

  it('the README "Use it" block runs against the node simulator', async () => {
    const runs = blocks.filter((b) => b.kind === 'run')
    expect(runs.map((b) => b.doc)).toEqual(['README.md'])
    const sim = await startNodeSim()
    const dir = mkdtempSync(join(toolsDir, 'node_modules/.cache/doc-run-'))
    try {
      // The documented substitution: the three placeholder literals become the simulator's values.
      let program = runs[0]!.body
      for (const [field, value] of [
        ['url', sim.url],
        ['nodePublicKey', sim.publicKey],
        ['expectedNodeAddress', sim.address],
      ] as const) {
        const literal = new RegExp(`(\\b${field}: )'[^']*'`)
        expect(program, `the README block sets ${field} to a string literal`).toMatch(literal)
        program = program.replace(literal, `$1'${value}'`)
      }
      mkdirSync(dir, { recursive: true })
      const file = join(dir, 'readme-use-it.mts') // ESM: top-level await
      writeFileSync(file, program)
      // Asynchronous: the simulator lives in this process and must keep serving while the program runs.
      const r = await runProgram(file, { SESSION_PRIVATE_KEY: `0x${randomBytes(32).toString('hex')}` })
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      expect(r.stdout).toContain('connecting\nconnected\nencrypted\n2 + 2 = 4.')
      await expect.poll(() => sim.settledJobs.map((j) => j.jobId)).toEqual(['15'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await sim.close()
    }
  }, 120_000)

  it('a known-failing block that passes is reported, so its entry cannot outlive the fix', () => {
    expect(fixedKnownFailures([])).toEqual(KNOWN_FAILING.map((k) => `${k.doc}:${k.line}`))
  })

  it('the marker conventions are documented in docs/README.md', () => {
    const index = readFileSync(join(repoRoot, 'docs/README.md'), 'utf8')
    for (const marker of [
      '<!-- fragment -->',
      '<!-- fragment: not-sdk -->',
      '<!-- verified: ',
      '<!-- run -->',
    ]) {
      expect(index).toContain(marker)
    }
  })
})
