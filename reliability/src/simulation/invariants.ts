import { answerChunks, expectedAnswer } from '@fabstir/node-sim'
import { FabstirError } from '@fabstir/protocol'
import type { SchedulePlan } from './plan.js'
import type { CallRecord } from './workload.js'

/** One broken invariant. */
export interface Violation {
  invariant:
    | 'lost'
    | 'wrong-answer'
    | 'tampered-text'
    | 'untyped-error'
    | 'late'
    | 'abort-ignored'
    | 'answered-twice'
    | 'keys-not-zeroed'
    | 'unhandled-rejection'
    | 'callback-threw'
    | 'timer-left-armed'
    | 'no-quiescence'
  detail: string
}

/** Slack on top of every deadline bound: event ordering at equal virtual times, one network round trip. */
const SLACK_MS = 1000
/** Frames after the answer's text chunks: the final chunk, `encrypted_response`, `stream_end`. */
const TRAILING_FRAMES = 3
/** Longest the relay holds a frame back (see `SimLink.fromNode`). */
const RELAY_HOLD_MS = 300
/** How many timer waits one call's bound allows to fire late. */
const TIMER_WAITS = 60
/** A close waits at most for the WebSocket close handshake (or its close timeout on a dead path). */
const CLOSE_BOUND_MS = 30_000

/**
 * The latest a call may settle, counted from when its own clock starts, derived from the schedule: the client's
 * deadlines bound every wait (connect, signature + ack, first chunk, idle), reconnects are bounded by their attempts
 * and backoff cap, a session needs at most three handshakes for one prompt (reconnect, re-key, re-init after
 * `SESSION_KEY_NOT_FOUND`), and while the answer flows each gap is the node's chunk delay plus the path (or, on a dead
 * path, one idle deadline).
 */
export function deadlineBound(call: Pick<CallRecord, 'kind' | 'prompt'>, plan: SchedulePlan): number {
  const client = plan.client
  const t = client.timeouts
  const handshake = t.connectMs + 2 * t.ackMs
  const reconnect =
    client.reconnect === false ? 0 : client.reconnect.attempts * (client.reconnect.maxDelayMs + handshake)
  // Every wait may end up to one timer lateness late (a generous count of the waits one call can go through).
  const notice = plan.network.noticeMs[1] + TIMER_WAITS * plan.timerLateMs
  switch (call.kind) {
    case 'start':
      return reconnect + handshake + notice + SLACK_MS
    case 'send': {
      const frames = answerChunks(call.prompt ?? '').length + TRAILING_FRAMES
      const gap = Math.min(t.idleMs, plan.node.chunkDelayMs + plan.network.latencyMs[1] + RELAY_HOLD_MS)
      const rate =
        client.retryOnRateLimit === false
          ? 0
          : client.retryOnRateLimit.attempts * client.retryOnRateLimit.maxWaitMs
      return reconnect + 3 * handshake + t.firstChunkMs + frames * gap + t.idleMs + notice + rate + SLACK_MS
    }
    default:
      return CLOSE_BOUND_MS + SLACK_MS
  }
}

function typed(e: unknown): e is FabstirError {
  return e instanceof FabstirError && typeof e.code === 'string'
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}${typed(e) ? `(${e.code})` : ''}: ${e.message}`
  return `${typeof e} ${String(e)}`
}

/** Everything observed in one schedule that the invariants judge. */
export interface Observations {
  plan: SchedulePlan
  calls: readonly CallRecord[]
  /** Prompt text → how many answers the node's model started for it. */
  answered: ReadonlyMap<string, number>
  unhandled: readonly unknown[]
  thrown: readonly { label: string; error: unknown }[]
  /** Keys the SDK drew that were still not zero after the client closed (description), or undefined. */
  liveKeys: string | undefined
  /** How far in the future the client's timer was still armed when its close settled (0: not armed or due). */
  timersLeft: number
  /** The run ended because of its event/time limit, not because everything settled. */
  hitLimit: boolean
}

/** Check every invariant of one schedule; an empty list means it passed. */
export function checkInvariants(o: Observations): Violation[] {
  const out: Violation[] = []
  const add = (invariant: Violation['invariant'], detail: string): void => {
    out.push({ invariant, detail })
  }
  if (o.hitLimit) add('no-quiescence', 'the schedule did not come to rest within its event/time limit')
  for (const c of o.calls) {
    if (c.settledAt === undefined || c.outcome === undefined) {
      add('lost', `${c.name} (${c.kind}, issued at ${c.issuedAt}) never settled`)
      continue
    }
    const from = Math.max(c.issuedAt, c.queuedBehind?.settledAt ?? c.issuedAt)
    const bound = deadlineBound(c, o.plan)
    if (c.settledAt - from > bound) {
      add(
        'late',
        `${c.name} settled ${c.settledAt - from} ms after its clock started at ${from} (bound ${bound} ms)`,
      )
    }
    if (c.outcome === 'rejected' && !typed(c.error)) {
      add('untyped-error', `${c.name} rejected with ${describe(c.error)}`)
    }
    if (c.kind !== 'send' || c.prompt === undefined) continue
    const expected = expectedAnswer(c.prompt)
    if (c.outcome === 'resolved' && c.text !== expected) {
      add(
        'wrong-answer',
        `${c.name} resolved with ${JSON.stringify(c.text)}, expected ${JSON.stringify(expected)}`,
      )
    }
    const shown = c.surfaced.join('')
    if (!expected.startsWith(shown)) {
      add(
        'tampered-text',
        `${c.name} surfaced ${JSON.stringify(shown)}, not a prefix of ${JSON.stringify(expected)}`,
      )
    }
    if (c.abortedAt !== undefined) {
      const code = typed(c.error) ? c.error.code : undefined
      if (c.outcome !== 'rejected' || code !== 'ABORTED' || c.settledAt !== c.abortedAt) {
        add(
          'abort-ignored',
          `${c.name} aborted at ${c.abortedAt} but ${c.outcome} at ${c.settledAt}${code ? ` (${code})` : ''}`,
        )
      }
    }
    const n = o.answered.get(c.prompt) ?? 0
    if (n > 1 && o.plan.adversary.clientReplayRate === 0) {
      add('answered-twice', `the node's model answered ${c.name} ${n} times`)
    }
    if (c.outcome === 'resolved' && n === 0)
      add('wrong-answer', `${c.name} resolved but the node never answered it`)
  }
  for (const e of o.unhandled) add('unhandled-rejection', describe(e))
  for (const t of o.thrown) add('callback-threw', `${t.label}: ${describe(t.error)}`)
  if (o.liveKeys !== undefined) add('keys-not-zeroed', o.liveKeys)
  if (o.timersLeft > 0)
    add('timer-left-armed', `the client's timer is still armed ${o.timersLeft} ms ahead after close`)
  return out
}
