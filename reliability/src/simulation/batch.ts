import { PLANTED_BUGS, type PlantedBug } from './bugs.js'
import { CLIENTS, type ClientName } from './clients.js'
import type { Violation } from './invariants.js'
import { emptyNetworkStats, type NetworkStats } from './network.js'
import { runSchedule } from './run-schedule.js'

/** A failed schedule: its seed replays it. */
export interface Failure {
  seed: number
  features: string[]
  violations: Violation[]
}

/** What a run of consecutive seeds produced. */
export interface BatchReport {
  schedules: number
  failureCount: number
  /** The first failures (at most {@link MAX_KEPT_FAILURES}). */
  failures: Failure[]
  resolved: number
  rejected: number
  /** `kind:CODE` → how many calls rejected with it. */
  codes: Record<string, number>
  /** Fault family → schedules that had it. */
  features: Record<string, number>
  /** What the network and the relay did, summed over the schedules. */
  network: NetworkStats
  events: number
  virtualMs: number
  wallMs: number
}

export const MAX_KEPT_FAILURES = 20

/** What to run: seeds `from … from + count − 1` against a client, optionally with a planted bug. */
export interface BatchJob {
  from: number
  count: number
  client: ClientName
  bug?: PlantedBug
  /** Stop after this many failing schedules (meta-tests: the first catch is enough). */
  stopAfter?: number
}

export function emptyReport(): BatchReport {
  return {
    schedules: 0,
    failureCount: 0,
    failures: [],
    resolved: 0,
    rejected: 0,
    codes: {},
    features: {},
    network: emptyNetworkStats(),
    events: 0,
    virtualMs: 0,
    wallMs: 0,
  }
}

/** Add `b` into `a`. */
export function mergeInto(a: BatchReport, b: BatchReport): BatchReport {
  a.schedules += b.schedules
  a.failureCount += b.failureCount
  a.failures = [...a.failures, ...b.failures].sort((x, y) => x.seed - y.seed).slice(0, MAX_KEPT_FAILURES)
  a.resolved += b.resolved
  a.rejected += b.rejected
  for (const [k, v] of Object.entries(b.codes)) a.codes[k] = (a.codes[k] ?? 0) + v
  for (const [k, v] of Object.entries(b.features)) a.features[k] = (a.features[k] ?? 0) + v
  addStats(a.network, b.network)
  a.events += b.events
  a.virtualMs += b.virtualMs
  a.wallMs = Math.max(a.wallMs, b.wallMs)
  return a
}

function addStats(into: NetworkStats, add: NetworkStats): void {
  for (const k of Object.keys(into) as (keyof NetworkStats)[]) into[k] += add[k]
}

/** Run a batch of seeds in this thread, one after another. */
export async function runBatch(job: BatchJob, progress?: (done: number) => void): Promise<BatchReport> {
  const started = performance.now()
  const report = emptyReport()
  const factory = CLIENTS[job.client]
  const options = job.bug ? PLANTED_BUGS[job.bug] : {}
  for (let seed = job.from; seed < job.from + job.count; seed++) {
    const r = await runSchedule(seed, factory, options)
    report.schedules++
    report.resolved += r.calls.resolved
    report.rejected += r.calls.rejected
    report.events += r.events
    report.virtualMs += r.virtualMs
    for (const [k, v] of Object.entries(r.calls.codes)) report.codes[k] = (report.codes[k] ?? 0) + v
    for (const f of r.features) report.features[f] = (report.features[f] ?? 0) + 1
    addStats(report.network, r.network)
    if (r.violations.length > 0) {
      report.failureCount++
      if (report.failures.length < MAX_KEPT_FAILURES)
        report.failures.push({ seed, features: r.features, violations: r.violations })
    }
    if (job.stopAfter !== undefined && report.failureCount >= job.stopAfter) break
    if (progress && report.schedules % 100 === 0) progress(report.schedules)
  }
  report.wallMs = performance.now() - started
  return report
}
