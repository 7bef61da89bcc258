import { createNodeCore, defaultResponder, type NodeCore, type Responder } from '@fabstir/node-sim'
import type { VirtualScheduler } from './scheduler.js'

/** How the simulated node behaves in one schedule. */
export interface NodePlan {
  /** `false`: a node without a key (encrypted inits get `ENCRYPTION_NOT_SUPPORTED`). */
  encryption: boolean
  /** Delay before each answer chunk (virtual ms). */
  chunkDelayMs: number
  /** Prompt requests per sliding minute (shared by every connection). */
  rateLimitPerMinute: number
  /**
   * A deliberately wrong model for the meta-test: when set, the answer to every prompt whose text contains this
   * marker loses its last chunk — authenticated, well-formed, and wrong. Never set in real schedules.
   */
  wrongAnswerMarker?: string
}

/**
 * The node-sim core running on the virtual clock (its rate limiter reads `now`, its chunk delays sleep on the
 * scheduler), with a counting responder: how many times the model started answering each prompt text.
 */
export class SimNode {
  readonly core: NodeCore
  /** Prompt text → how many answers the model started for it. */
  readonly answered = new Map<string, number>()

  constructor(sched: VirtualScheduler, privateKeyHex: string, plan: NodePlan) {
    const answered = this.answered
    const responder: Responder = async function* (request) {
      answered.set(request.prompt, (answered.get(request.prompt) ?? 0) + 1)
      const chunks: string[] = []
      for await (const c of defaultResponder(request)) chunks.push(c)
      if (plan.wrongAnswerMarker !== undefined && request.prompt.includes(plan.wrongAnswerMarker))
        chunks.pop()
      yield* chunks
    }
    this.core = createNodeCore({
      privateKey: privateKeyHex,
      encryption: plan.encryption,
      chunkDelayMs: plan.chunkDelayMs,
      rateLimitPerMinute: plan.rateLimitPerMinute,
      responder,
      now: () => sched.now,
      sleep: (ms) => sched.sleep(ms, 'node:sleep'),
    })
  }
}
