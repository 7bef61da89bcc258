import { Worker } from 'node:worker_threads'
import { ReliabilityError } from '../common/errors.js'
import type { NonceReport } from '../nonce/nonce-uniqueness.js'
import { type FuzzJob, HEARTBEAT, type NonceJob, type WorkerMessage } from './jobs.js'
import { type Finding, Tally, type TargetReport } from './tally.js'

const BOOT = new URL('./worker-boot.mjs', import.meta.url)

/** Options of {@link runPool}. */
export interface PoolOptions {
  /** Worker threads running at once. */
  workers: number
  /** A case that has not ended after this long is a hang: its worker is terminated and the target resumes. */
  caseTimeoutMs: number
  /** Called when a target's final report is known. */
  onTargetDone?(report: TargetReport): void
}

/** Everything a pool run produced. */
export interface PoolResult {
  reports: TargetReport[]
  nonce: NonceReport | undefined
}

/** Add `b`'s counts to `a` (the same target, run in pieces). */
export function mergeReports(a: TargetReport, b: TargetReport): TargetReport {
  const codes = { ...a.codes }
  for (const [k, v] of Object.entries(b.codes)) codes[k] = (codes[k] ?? 0) + v
  const merged: TargetReport = {
    target: a.target,
    cases: a.cases + b.cases,
    accepted: a.accepted + b.accepted,
    rejected: a.rejected + b.rejected,
    ignored: a.ignored + b.ignored,
    codes,
    findings: mergeFindings(a.findings, b.findings),
    findingCount: a.findingCount + b.findingCount,
    maxCaseMs: Math.max(a.maxCaseMs, b.maxCaseMs),
    ms: a.ms + b.ms,
    seed: a.seed,
  }
  const first = a.firstFinding ?? b.firstFinding
  if (first) merged.firstFinding = first
  const stopped = b.stoppedEarly ?? a.stoppedEarly
  if (stopped) merged.stoppedEarly = stopped
  return merged
}

function mergeFindings(a: readonly Finding[], b: readonly Finding[]): Finding[] {
  const t = new Tally()
  for (const f of [...a, ...b]) t.keep(f)
  return t.findings
}

function emptyReport(job: FuzzJob): TargetReport {
  return {
    target: job.target,
    cases: 0,
    accepted: 0,
    rejected: 0,
    ignored: 0,
    codes: {},
    findings: [],
    findingCount: 0,
    maxCaseMs: 0,
    ms: 0,
    seed: job.seed,
  }
}

interface Running {
  worker: Worker
  beat: Float64Array
  job: FuzzJob | NonceJob
  partial: TargetReport | undefined
  startedAt: number
  settled: boolean
}

/**
 * Run fuzz jobs (and an optional nonce job) on worker threads with a watchdog: every worker publishes a heartbeat
 * (cases done, start time of the current case) in shared memory; a case running longer than `caseTimeoutMs` is
 * recorded as a `hang` finding, its worker is terminated, and the target resumes from its next batch (until it has
 * `maxHangs` hangs). Each worker builds its own corpus and fixtures, deterministically.
 */
export function runPool(
  jobs: readonly FuzzJob[],
  nonce: NonceJob | undefined,
  options: PoolOptions,
): Promise<PoolResult> {
  const queue: (FuzzJob | NonceJob)[] = [...(nonce ? [nonce] : []), ...jobs]
  const results = new Map<string, TargetReport>()
  const hangs = new Map<string, number>()
  const outstanding = new Map<string, number>()
  for (const j of jobs) outstanding.set(j.target, (outstanding.get(j.target) ?? 0) + 1)
  let nonceReport: NonceReport | undefined
  const running = new Set<Running>()

  return new Promise<PoolResult>((resolve, reject) => {
    let failed = false
    const fail = (e: ReliabilityError): void => {
      if (failed) return
      failed = true
      clearInterval(watchdog)
      for (const r of running) void r.worker.terminate()
      reject(e)
    }
    const record = (job: FuzzJob, report: TargetReport): void => {
      const prev = results.get(job.target)
      results.set(job.target, prev ? mergeReports(prev, report) : report)
    }
    const finishPiece = (job: FuzzJob): void => {
      const left = (outstanding.get(job.target) ?? 1) - 1
      outstanding.set(job.target, left)
      if (left === 0) options.onTargetDone?.(results.get(job.target) ?? emptyReport(job))
    }
    const maybeDone = (): void => {
      if (failed) return
      if (queue.length === 0 && running.size === 0) {
        clearInterval(watchdog)
        resolve({
          reports: jobs.map((j) => results.get(j.target) ?? emptyReport(j)).filter(uniqueTarget()),
          nonce: nonceReport,
        })
      }
    }
    const start = (): void => {
      while (!failed && running.size < options.workers && queue.length > 0) {
        const job = queue.shift()!
        const heartbeat = new SharedArrayBuffer(HEARTBEAT.slots * 8)
        const worker = new Worker(BOOT, { workerData: { job, heartbeat } })
        const r: Running = {
          worker,
          beat: new Float64Array(heartbeat),
          job,
          partial: undefined,
          startedAt: Date.now(),
          settled: false,
        }
        running.add(r)
        worker.on('message', (m: WorkerMessage) => {
          if (m.type === 'progress') r.partial = m.report
          else if (m.type === 'report' && job.kind === 'fuzz') {
            r.settled = true
            record(job, m.report)
            finishPiece(job)
          } else if (m.type === 'nonce') {
            r.settled = true
            nonceReport = m.report
          } else if (m.type === 'failed') {
            fail(new ReliabilityError('WORKER_FAILED', `fuzz worker failed: ${m.message}`, { job: job.kind }))
          }
        })
        worker.on('error', (e) =>
          fail(new ReliabilityError('WORKER_FAILED', `fuzz worker crashed: ${e.message}`, {}, { cause: e })),
        )
        worker.on('exit', () => {
          running.delete(r)
          if (!r.settled && !failed) {
            fail(
              new ReliabilityError('WORKER_FAILED', 'a fuzz worker exited without a report', {
                job: job.kind,
              }),
            )
            return
          }
          start()
          maybeDone()
        })
      }
    }
    const watchdog = setInterval(() => {
      for (const r of running) {
        const startedAt = r.beat[HEARTBEAT.caseStartedAt]!
        if (r.settled || r.job.kind !== 'fuzz' || startedAt === 0) continue
        const elapsed = Date.now() - startedAt
        if (elapsed < options.caseTimeoutMs) continue
        const job = r.job
        const seed = r.beat[HEARTBEAT.seed]!
        const run = r.beat[HEARTBEAT.run]!
        const done = r.beat[HEARTBEAT.casesDone]!
        r.settled = true
        void r.worker.terminate()
        const piece = r.partial ?? emptyReport(job)
        piece.findingCount++
        piece.findings = mergeFindings(piece.findings, [
          {
            kind: 'hang',
            detail: `case ${run} of batch seed ${seed} did not end within ${options.caseTimeoutMs} ms (worker terminated)`,
            count: 1,
          },
        ])
        piece.firstFinding ??= { seed, run }
        // The hung case itself (progress reports cover the cases before it, up to the last report).
        piece.cases += 1
        record(job, piece)
        const count = (hangs.get(job.target) ?? 0) + 1
        hangs.set(job.target, count)
        const remaining = job.runs - done
        if (remaining > 0 && count < job.maxHangs && Date.now() < job.deadline) {
          outstanding.set(job.target, (outstanding.get(job.target) ?? 0) + 1)
          queue.unshift({ ...job, runs: remaining, startBatch: seed - job.seed + 1 })
        } else if (remaining > 0) {
          const merged = results.get(job.target)!
          merged.stoppedEarly =
            count >= job.maxHangs ? `stopped after ${count} hang findings` : 'time budget reached'
        }
        finishPiece(job)
      }
    }, 250)
    start()
  })
}

function uniqueTarget(): (r: TargetReport) => boolean {
  const seen = new Set<string>()
  return (r) => {
    if (seen.has(r.target)) return false
    seen.add(r.target)
    return true
  }
}
