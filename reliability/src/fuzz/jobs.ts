import type { NonceReport } from '../nonce/nonce-uniqueness.js'
import type { MutationLimits } from './mutations.js'
import type { TargetReport } from './tally.js'

/** A fuzz job for one worker: run `runs` cases of one target from batch `startBatch`. */
export interface FuzzJob {
  kind: 'fuzz'
  target: string
  runs: number
  seed: number
  startBatch: number
  batchSize: number
  limits: MutationLimits
  caseLimitMs: number
  maxHangs: number
  /** `Date.now()` after which no new batch starts. */
  deadline: number
}

/** A nonce uniqueness job. */
export interface NonceJob {
  kind: 'nonce'
  count: number
}

/** Messages a worker posts. */
export type WorkerMessage =
  | { type: 'progress'; report: TargetReport }
  | { type: 'report'; report: TargetReport }
  | { type: 'nonce'; report: NonceReport }
  | { type: 'failed'; message: string }

/** Layout of the shared heartbeat buffer (Float64 slots). */
export const HEARTBEAT = {
  /** Cases finished by this worker. */
  casesDone: 0,
  /** `Date.now()` when the current case started; 0 between cases. */
  caseStartedAt: 1,
  /** Seed of the batch the current case belongs to. */
  seed: 2,
  /** 1-based number of the current case in its batch. */
  run: 3,
  slots: 4,
} as const
