import { Worker } from 'node:worker_threads'
import { ReliabilityError } from '../common/errors.js'
import { type BatchJob, type BatchReport, emptyReport, mergeInto, runBatch } from './batch.js'

const BOOT = new URL('./worker-boot.mjs', import.meta.url)

function inWorker(job: BatchJob): Promise<BatchReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, { workerData: job })
    let report: BatchReport | undefined
    worker.once('message', (m: BatchReport) => {
      report = m
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (report) resolve(report)
      else
        reject(
          new ReliabilityError('WORKER_FAILED', `simulation worker exited with code ${code} and no report`),
        )
    })
  })
}

/**
 * Run `job.count` seeds split into `workers` contiguous ranges, one worker thread each (in this thread when
 * `workers` is 1). Every seed runs exactly as it would alone: a schedule depends on its seed only.
 */
export async function runSeeds(job: BatchJob, workers: number): Promise<BatchReport> {
  const started = performance.now()
  if (workers <= 1 || job.count < 2) {
    const r = await runBatch(job)
    r.wallMs = performance.now() - started
    return r
  }
  const parts: BatchJob[] = []
  const size = Math.ceil(job.count / workers)
  for (let from = job.from; from < job.from + job.count; from += size) {
    parts.push({ ...job, from, count: Math.min(size, job.from + job.count - from) })
  }
  const reports = await Promise.all(parts.map(inWorker))
  const total = reports.reduce(mergeInto, emptyReport())
  total.wallMs = performance.now() - started
  return total
}
