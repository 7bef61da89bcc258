import { writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { err, intFlag, out } from '../common/cli.js'
import { ReliabilityError } from '../common/errors.js'
import type { BatchJob } from './batch.js'
import { isPlantedBug, PLANTED_BUGS } from './bugs.js'
import { CLIENTS, isClientName } from './clients.js'
import { runSeeds } from './pool.js'
import { formatFailure, formatReport } from './report.js'
import { runSchedule } from './run-schedule.js'

const USAGE = `pnpm simulate [options]

Deterministic simulation: the SDK's client core against the node simulator's core through a simulated network
(delays, connection breaks and splits, refusals, black holes, node restarts, a hostile relay, a misbehaving
wallet) on a virtual clock. Every schedule is drawn from its seed and replays exactly.

  --seed S       replay one schedule: print its verdict (and --trace: its virtual-time event trace)
  --trace        with --seed: print the full trace
  --from S       first seed of a run (default 1)
  --count N      schedules in a run (default 10,000)
  --workers W    worker threads (default: available cores, at most 4)
  --client C     ${Object.keys(CLIENTS).join(' | ')} (default sdk)
  --bug B        plant a known bug (to see the simulator catch it): ${Object.keys(PLANTED_BUGS).join(' | ')}
  --json FILE    also write the run's report as JSON
  --help
`

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      trace: { type: 'boolean' },
      from: { type: 'string' },
      count: { type: 'string' },
      workers: { type: 'string' },
      client: { type: 'string' },
      bug: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    out(USAGE)
    return 0
  }
  const client = values.client ?? 'sdk'
  if (!isClientName(client)) throw new ReliabilityError('INVALID_ARGUMENT', `unknown --client ${client}`)
  const bug = values.bug
  if (bug !== undefined && !isPlantedBug(bug))
    throw new ReliabilityError('INVALID_ARGUMENT', `unknown --bug ${bug}`)
  const job: BatchJob = {
    from: intFlag('from', values.from, 1),
    count: intFlag('count', values.count, 10_000),
    client,
    ...(bug ? { bug } : {}),
  }
  if (values.seed !== undefined) {
    const seed = intFlag('seed', values.seed, 0)
    const r = await runSchedule(seed, CLIENTS[client], { ...(bug ? PLANTED_BUGS[bug] : {}), keepTrace: true })
    if (values.trace) for (const line of r.trace ?? []) out(line)
    out(`seed ${seed}: ${r.events} events, ${r.virtualMs} virtual ms, trace ${r.digest}`)
    if (r.violations.length === 0) {
      out('all invariants hold')
      return 0
    }
    out(formatFailure({ seed, features: r.features, violations: r.violations }, job))
    return 1
  }
  const workers = Math.max(1, intFlag('workers', values.workers, Math.min(4, availableParallelism())))
  const report = await runSeeds(job, workers)
  out(formatReport(report, job, workers))
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`)
  return report.failureCount === 0 ? 0 : 1
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    err(e instanceof Error ? e.message : String(e))
    process.exitCode = 2
  },
)
