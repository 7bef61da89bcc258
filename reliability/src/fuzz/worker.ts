import { parentPort, workerData } from 'node:worker_threads'
import { checkNonceUniqueness } from '../nonce/nonce-uniqueness.js'
import { deterministicCorpus, prepareDeterministic } from './fixtures.js'
import { type FuzzJob, HEARTBEAT, type NonceJob, type WorkerMessage } from './jobs.js'
import { runPrepared } from './run-target.js'
import { FUZZ_TARGETS } from './targets/index.js'

/** Worker entry (loaded through `worker-boot.mjs`): runs one job and posts its report. */
async function main(): Promise<void> {
  const { job, heartbeat } = workerData as { job: FuzzJob | NonceJob; heartbeat: SharedArrayBuffer }
  const beat = new Float64Array(heartbeat)
  const post = (m: WorkerMessage): void => parentPort!.postMessage(m)
  if (job.kind === 'nonce') {
    post({ type: 'nonce', report: checkNonceUniqueness(job.count) })
    return
  }
  const target = FUZZ_TARGETS.find((t) => t.name === job.target)
  if (!target) {
    post({ type: 'failed', message: `unknown target ${job.target}` })
    return
  }
  const corpus = await deterministicCorpus()
  const prepared = await prepareDeterministic(target, corpus, job.limits)
  let partial = 0
  const report = runPrepared(target.name, prepared, {
    runs: job.runs,
    seed: job.seed,
    startBatch: job.startBatch,
    batchSize: job.batchSize,
    caseLimitMs: job.caseLimitMs,
    maxHangs: job.maxHangs,
    deadline: job.deadline,
    onProgress: (r) => post({ type: 'progress', report: r }),
    hooks: {
      onCaseStart(seed, run) {
        beat[HEARTBEAT.seed] = seed
        beat[HEARTBEAT.run] = run
        beat[HEARTBEAT.caseStartedAt] = Date.now()
      },
      onCaseEnd() {
        beat[HEARTBEAT.caseStartedAt] = 0
        beat[HEARTBEAT.casesDone] = ++partial
      },
    },
  })
  post({ type: 'report', report })
}

main().catch((e: unknown) => {
  parentPort!.postMessage({
    type: 'failed',
    message: e instanceof Error ? (e.stack ?? e.message) : String(e),
  })
})
