/**
 * `pnpm vectors` — regenerates the conformance vectors shipped in `@fabstir/conformance/vectors/`:
 * crypto steps, per-frame examples and whole-session transcripts, all deterministic.
 *
 *   tsx src/conformance/main.ts            write the files
 *   tsx src/conformance/main.ts --check    exit 1 and list stale or missing files
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cryptoStepVectors } from './crypto-steps.js'
import { frameExampleVectors } from './frame-examples.js'
import { transcriptVectors } from './transcripts.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
/** Where the vectors live (shipped in the package tarball). */
export const VECTORS_DIR = join(ROOT, 'packages/conformance/vectors')

/** Every vector file: name → JSON text. */
export async function generateVectors(): Promise<Map<string, string>> {
  const text = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`
  return new Map([
    ['crypto-steps.json', text(cryptoStepVectors())],
    ['frames.json', text(frameExampleVectors())],
    ['transcripts.json', text(await transcriptVectors())],
  ])
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check')
  const files = await generateVectors()
  const stale: string[] = []
  for (const [name, content] of files) {
    const path = join(VECTORS_DIR, name)
    let current: string | undefined
    try {
      current = readFileSync(path, 'utf8')
    } catch {
      current = undefined
    }
    if (current === content) continue
    if (check)
      stale.push(`${current === undefined ? 'missing' : 'stale'}: packages/conformance/vectors/${name}`)
    else {
      mkdirSync(VECTORS_DIR, { recursive: true })
      writeFileSync(path, content)
    }
  }
  if (stale.length > 0) {
    process.stderr.write(
      `conformance vectors are out of date (run \`pnpm build && pnpm vectors\`):\n  ${stale.join('\n  ')}\n`,
    )
    return 1
  }
  process.stdout.write(`conformance vectors: ${files.size} files ${check ? 'up to date' : 'written'}\n`)
  return 0
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exitCode = 1
    },
  )
}
