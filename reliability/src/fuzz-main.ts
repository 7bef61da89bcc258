import { writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { err, intFlag, out, parseFlags, reportFailure } from './common/cli.js'
import type { FuzzJob } from './fuzz/jobs.js'
import { LONG_RUN_LIMITS } from './fuzz/mutations.js'
import { runPool } from './fuzz/pool.js'
import { replayCase } from './fuzz/replay.js'
import { formatSummary, summarize } from './fuzz/report.js'
import { allocateCases, FUZZ_TARGETS } from './fuzz/targets/index.js'

const USAGE = `pnpm fuzz [-- options]

Fuzz every inbound path of the SDK (wire validators, parseJson, hexToBytes, the sans-IO sessions' receive() in
every state, the node simulator's session-init handling) and check nonce uniqueness.

  --total N            fuzz cases in total, split over the targets by weight (default 1,000,000)
  --targets a,b        only these targets (names below)
  --seed S             base fast-check seed (default 20251128); target i uses S + 1000·i
  --workers W          worker threads (default: available cores, at most 4)
  --case-timeout-ms T  a case running longer is a hang: worker terminated, target resumed (default 30000)
  --max-hangs H        stop a target after H hangs (default 3)
  --max-minutes M      start no new batch after M minutes (default 60)
  --max-string N       longest string a mutation writes (default 1,048,576 characters)
  --slow-case-ms T     a case that ends but took longer is also a hang finding (default 5000)
  --nonces N           nonce uniqueness check over N seals (default 1,000,000; 0 skips it)
  --json FILE          also write the summary as JSON
  --replay T:S:N       regenerate case N of the batch with seed S of target T and print it (the values a report
                       gives for a finding); add --run to execute it again
  --help

Targets: ${FUZZ_TARGETS.map((t) => t.name).join(', ')}
`

async function main(): Promise<number> {
  const values = parseFlags({
    total: { type: 'string' },
    targets: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    'case-timeout-ms': { type: 'string' },
    'max-hangs': { type: 'string' },
    'max-minutes': { type: 'string' },
    nonces: { type: 'string' },
    'max-string': { type: 'string' },
    'slow-case-ms': { type: 'string' },
    json: { type: 'string' },
    replay: { type: 'string' },
    run: { type: 'boolean' },
    help: { type: 'boolean' },
  })
  if (values.help) {
    out(USAGE)
    return 0
  }
  const total = intFlag('total', values.total, 1_000_000)
  const seed = intFlag('seed', values.seed, 20_251_128)
  const workers = Math.max(1, intFlag('workers', values.workers, Math.min(4, availableParallelism())))
  const caseTimeoutMs = intFlag('case-timeout-ms', values['case-timeout-ms'], 30_000)
  const maxHangs = intFlag('max-hangs', values['max-hangs'], 3)
  const maxMinutes = intFlag('max-minutes', values['max-minutes'], 60)
  const nonces = intFlag('nonces', values.nonces, 1_000_000)
  const maxLongString = intFlag('max-string', values['max-string'], LONG_RUN_LIMITS.maxLongString)
  const slowCaseMs = intFlag('slow-case-ms', values['slow-case-ms'], 5_000)
  if (values.replay !== undefined) {
    const [target = '', s = '', r = ''] = values.replay.split(':')
    const result = await replayCase(
      target,
      intFlag('replay seed', s, 0),
      intFlag('replay case', r, 1),
      { maxLongString },
      values.run === true,
    )
    out(JSON.stringify({ ...result, tally: result.tally && { ...result.tally } }, null, 2))
    return 0
  }
  const names = values.targets?.split(',').map((s) => s.trim())
  const targets = names ? FUZZ_TARGETS.filter((t) => names.includes(t.name)) : [...FUZZ_TARGETS]
  if (names && targets.length !== names.length) {
    err(`unknown target in --targets; known: ${FUZZ_TARGETS.map((t) => t.name).join(', ')}`)
    return 2
  }
  const allocation = allocateCases(targets, total)
  const deadline = Date.now() + maxMinutes * 60_000
  const jobs: FuzzJob[] = targets.map((t) => ({
    kind: 'fuzz',
    target: t.name,
    runs: allocation.get(t.name) ?? 0,
    seed: seed + 1000 * FUZZ_TARGETS.indexOf(t),
    startBatch: 0,
    batchSize: 5_000,
    limits: { maxLongString },
    caseLimitMs: Math.min(slowCaseMs, caseTimeoutMs),
    maxHangs,
    deadline,
  }))
  // Slowest targets first so that the pool's tail is short.
  jobs.sort((a, b) => b.runs * weightCost(b.target) - a.runs * weightCost(a.target))
  out(
    `fuzzing ${total.toLocaleString('en-US')} cases over ${targets.length} targets on ${workers} worker threads ` +
      `(strings up to ${maxLongString.toLocaleString('en-US')} chars, slow case ${slowCaseMs} ms, hang ${caseTimeoutMs} ms)`,
  )
  for (const j of jobs)
    out(`  ${j.target.padEnd(20)} ${j.runs.toLocaleString('en-US').padStart(9)} cases, seed ${j.seed}`)
  if (nonces > 0) out(`  nonce uniqueness     ${nonces.toLocaleString('en-US').padStart(9)} seals`)
  out()
  const started = Date.now()
  const result = await runPool(jobs, nonces > 0 ? { kind: 'nonce', count: nonces } : undefined, {
    workers,
    caseTimeoutMs,
    onTargetDone: (r) =>
      out(
        `done ${r.target}: ${r.cases.toLocaleString('en-US')} cases, ${r.findingCount} findings, ${(r.ms / 1000).toFixed(1)} s`,
      ),
  })
  const order = new Map(FUZZ_TARGETS.map((t, i) => [t.name, i]))
  result.reports.sort((a, b) => (order.get(a.target) ?? 0) - (order.get(b.target) ?? 0))
  const summary = summarize(result.reports, result.nonce, Date.now() - started)
  out()
  out(formatSummary(summary))
  if (values.json) writeFileSync(values.json, `${JSON.stringify(summary, null, 2)}\n`)
  return summary.outcome === 'PASS' ? 0 : 1
}

/** Rough relative cost per case, to schedule the slow targets first. */
function weightCost(target: string): number {
  if (target === 'node-session-data') return 400
  if (target === 'node-init-frame') return 150
  if (target.startsWith('receive') || target === 'parse-json') return 5
  return 1
}

main().then((code) => {
  process.exitCode = code
}, reportFailure)
