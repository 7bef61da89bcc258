/**
 * `pnpm bench` — the SDK's benchmark suite. Every figure is a ratio against a baseline timed in the same process
 * run (tinybench: warm-up, per-call samples, medians; several rounds in rotating order). Targets are reported as
 * PASS/MISS and never fail the run: benchmarks are reports, not tests.
 *
 *   pnpm bench                    full run (≈ 2–4 minutes)
 *   pnpm bench --quick            short, noisier run
 *   pnpm bench --only=1,3         selected suites (1 prompt, 2 chunk, 3 bulk, 4 init, 5 loopback, 6 memory, heap)
 *   pnpm bench --backend=noble    run everything on a forced crypto backend
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getCryptoBackend, setCryptoBackend } from '@fabstir/crypto'
import { type BenchArgs, parseBenchArgs, USAGE } from './args.js'
import { FULL, QUICK } from './measure.js'
import { environment, figuresTable, markdown, targetsTable } from './report.js'
import type { SuiteResult } from './report-types.js'
import { bulkAeadSuite } from './suites/bulk-aead.js'
import { heapSuite } from './suites/heap.js'
import { loopbackSuite } from './suites/loopback.js'
import { memorySuite } from './suites/memory.js'
import { receiveChunkSuite } from './suites/receive-chunk.js'
import { sealPromptSuite } from './suites/seal-prompt.js'
import { sessionInitSuite } from './suites/session-init.js'

let args: BenchArgs
try {
  args = parseBenchArgs(process.argv.slice(2))
} catch (error) {
  console.error(`bench: ${(error as Error).message.split('\n')[0]}\n${USAGE}`)
  process.exit(2)
}
const { quick, only } = args
const profile = quick ? QUICK : FULL
if (args.backend) setCryptoBackend(args.backend)
const backend = getCryptoBackend()

const suites: Array<[string, string, () => Promise<SuiteResult>]> = [
  ['1', 'seal + frame a 100-byte prompt', () => sealPromptSuite(profile, backend)],
  ['2', 'receive a 64-byte encrypted_chunk', () => receiveChunkSuite(profile, backend)],
  ['3', 'bulk AEAD 16 KiB / 1 MiB', () => bulkAeadSuite(profile, backend)],
  ['4', 'session init CPU', () => sessionInitSuite(profile, backend)],
  ['5', 'end to end over loopback', () => loopbackSuite(profile)],
  ['6', 'memory: replay detector, allocation per chunk frame', () => memorySuite(profile, backend)],
  ['heap', 'heap growth', () => heapSuite(profile)],
]

const env = environment(profile.name, backend.name)
console.log(`Fabstir SDK benchmarks — ${env.date}`)
console.log(
  `${env.node} (OpenSSL ${env.openssl}), ${env.platform}, ${env.cpu} × ${env.cores}, ${env.memoryGiB} GiB`,
)
console.log(`profile ${profile.name}, crypto backend ${backend.name}\n`)

const results: SuiteResult[] = []
for (const [id, title, run] of suites) {
  if (only && !only.includes(id)) continue
  const started = performance.now()
  process.stdout.write(`[${id}] ${title} … `)
  try {
    results.push(await run())
    console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`)
  } catch (error) {
    console.log(`failed: ${(error as Error).message}`)
    results.push({
      figures: [],
      targets: [{ id, target: title, measured: `did not run: ${(error as Error).message}`, pass: null }],
      notes: {},
    })
  }
}

const figures = results.flatMap((r) => r.figures)
const targets = results.flatMap((r) => r.targets)
const notes = Object.assign({}, ...results.map((r) => r.notes)) as Record<string, unknown>

console.log(`\n${figuresTable(figures)}\n`)
console.log('ratio = our median time / baseline median time, both measured in this run (lower is better)\n')
console.log(`${targetsTable(targets)}\n`)
if (Object.keys(notes).length > 0) console.log(JSON.stringify(notes, null, 2))

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results')
mkdirSync(resultsDir, { recursive: true })
const file = join(resultsDir, 'latest.json')
writeFileSync(
  file,
  `${JSON.stringify({ environment: env, figures, targets, notes, markdown: markdown(figures, targets) }, null, 2)}\n`,
)
console.log(`\nresults written to ${file}`)
