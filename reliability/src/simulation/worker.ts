import { parentPort, workerData } from 'node:worker_threads'
import { type BatchJob, runBatch } from './batch.js'

/** Worker entry (loaded through `worker-boot.mjs`): runs one batch of seeds and posts its report. */
const job = workerData as BatchJob
const report = await runBatch(job)
parentPort!.postMessage(report)
