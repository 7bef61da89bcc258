import fc from 'fast-check'
import type { Corpus } from './corpus.js'
import type { MutationLimits } from './mutations.js'
import { Tally, type TargetReport } from './tally.js'
import type { FuzzTarget, PreparedTarget } from './target.js'

/** Called around every case (the worker's watchdog heartbeat). */
export interface CaseHooks {
  /** `seed` of the batch and the 1-based number of the case in it. */
  onCaseStart?(seed: number, run: number): void
  onCaseEnd?(): void
}

/** Options of {@link runPrepared}. */
export interface RunOptions {
  runs: number
  seed: number
  /** Cases per fast-check batch (batch `i` uses seed `seed + i`). Default 5,000. */
  batchSize?: number
  /** A case slower than this is a `hang` finding even though it ended. Default 10 s. */
  caseLimitMs?: number
  /** Stop starting new batches after this time (`Date.now()` value); the report then has fewer cases. */
  deadline?: number
  hooks?: CaseHooks
  /** First batch to run (a restarted run skips the batches already done). Default 0. */
  startBatch?: number
  /** Stop the target after this many `hang` findings (each one costs up to the case limit). Default: no limit. */
  maxHangs?: number
  /** Called every `progressEvery` cases and after every batch with the report so far. */
  onProgress?(report: TargetReport): void
  /** Default 500. */
  progressEvery?: number
}

/**
 * Run `runs` cases of a prepared target with fast-check, in batches of fixed seeds (so a run is reproducible).
 * Findings do not stop the run: every case is judged, the first findings are kept with their inputs and the place
 * of the first one (batch seed, case number) is reported. A case that throws out of `check` is itself a finding.
 */
export function runPrepared(
  name: string,
  prepared: PreparedTarget<unknown>,
  options: RunOptions,
): TargetReport {
  const batchSize = options.batchSize ?? 5_000
  const caseLimitMs = options.caseLimitMs ?? 10_000
  const progressEvery = options.progressEvery ?? 500
  const total = new Tally()
  const started = performance.now()
  let firstFinding: TargetReport['firstFinding']
  let stoppedEarly: string | undefined
  let hangs = 0
  /** The report so far: the finished batches plus, when given, the batch in progress. */
  const build = (current?: Tally): TargetReport => {
    const all = new Tally()
    all.merge(total)
    if (current) all.merge(current)
    const report: TargetReport = {
      target: name,
      cases: all.cases,
      accepted: all.accepted,
      rejected: all.rejected,
      ignored: all.ignored,
      codes: all.codes,
      findings: all.findings,
      findingCount: all.findingCount,
      maxCaseMs: Math.round(all.maxCaseMs * 10) / 10,
      ms: Math.round(performance.now() - started),
      seed: options.seed,
    }
    if (firstFinding) report.firstFinding = firstFinding
    if (stoppedEarly) report.stoppedEarly = stoppedEarly
    return report
  }
  for (let batch = options.startBatch ?? 0; total.cases < options.runs; batch++) {
    if (options.deadline !== undefined && Date.now() > options.deadline) {
      stoppedEarly = 'time budget reached'
      break
    }
    if (options.maxHangs !== undefined && hangs >= options.maxHangs) {
      stoppedEarly = `stopped after ${hangs} hang findings`
      break
    }
    const runs = Math.min(batchSize, options.runs - total.cases)
    const seed = options.seed + batch
    const tally = new Tally()
    const property = fc.property(prepared.arbitrary, (input) => {
      const before = tally.findingCount
      options.hooks?.onCaseStart?.(seed, tally.cases + 1)
      const t0 = performance.now()
      try {
        prepared.check(input, tally)
      } catch (e) {
        tally.find(
          'uncaught',
          `the oracle itself threw: ${e instanceof Error ? e.message : String(e)}`,
          input,
        )
      }
      const ms = performance.now() - t0
      options.hooks?.onCaseEnd?.()
      tally.cases++
      if (ms > tally.maxCaseMs) tally.maxCaseMs = ms
      if (ms > caseLimitMs) {
        hangs++
        tally.find('hang', `case took ${Math.round(ms)} ms (limit ${caseLimitMs} ms)`, input)
      }
      if (tally.findingCount > before && firstFinding === undefined) firstFinding = { seed, run: tally.cases }
      if (options.onProgress && tally.cases % progressEvery === 0) options.onProgress(build(tally))
      return options.maxHangs === undefined || hangs < options.maxHangs
    })
    fc.check(property, { numRuns: runs, seed, endOnFailure: true })
    total.merge(tally)
    options.onProgress?.(build())
  }
  return build()
}

/** Prepare a target and run it. */
export async function runTarget(
  target: FuzzTarget,
  corpus: Corpus,
  limits: MutationLimits,
  options: RunOptions,
): Promise<TargetReport> {
  const prepared = await target.prepare(corpus, limits)
  return runPrepared(target.name, prepared, options)
}
