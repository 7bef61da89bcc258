import type { ActionReplier } from '../action-reply.js'
import type { RequestId } from '../frames.js'
import type { BillingEntry, Logger } from '../types.js'

/** What an action flow needs from its connection and node. */
export interface ActionEnv {
  /** The outer session id the request was decrypted under (rate limits and RAG are keyed by it). */
  readonly sessionId: string
  /** The connection's job id (billing target), if any. */
  readonly jobId: bigint | null
  /** The request's `id`, echoed on the first reply only. */
  readonly requestId: RequestId
  readonly replier: ActionReplier
  readonly now: () => number
  readonly sleep: (ms: number) => Promise<void>
  readonly logger: Logger | undefined
  /** Record billed work (only called when there is a job id). */
  bill(entry: Omit<BillingEntry, 'jobId' | 'sessionId'>): void
}

/** Inner error message of a family: `{"type":"<family>_error","error":{"code","message"}}`. */
export function innerError(type: string, code: string, message: string) {
  return { type, error: { code, message } }
}
