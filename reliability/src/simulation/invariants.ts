import { expectedAnswer } from '@fabstir/node-sim'
import { FabstirError } from '@fabstir/protocol'
import type { ClientPlan } from './client-under-test.js'
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
/** Longest answer the default responder streams (32 echoed words plus the digest), plus the final chunk. */
const MAX_CHUNKS = 40
/** A close waits at most for the WebSocket close handshake (or its close timeout on a dead path). */
const CLOSE_BOUND_MS = 30_000

/** The latest a call may settle, counted from when its own clock starts: derived from the client's options. */
export function deadlineBound(kind: CallRecord['kind'], client: ClientPlan): number {
  const t = client.timeouts
  const handshake = t.connectMs + 2 * t.ackMs
  const reconnect = client.reconnect === false ? 0 : client.reconnect.attempts * (client.reconnect.maxDelayMs + handshake)
  switch (kind) {
    case 'start':
      return handshake + reconnect + SLACK_MS
    case 'send':
      // Reconnect and re-init, a re-key or a re-init after SESSION_KEY_NOT_FOUND, then the answer itself.
      return reconnect + 3 * handshake + t.firstChunkMs + MAX_CHUNKS * t.idleMs + SLACK_MS
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
  /** Client timers still armed after the client's close settled. */
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
    const bound = deadlineBound(c.kind, o.plan.client)
    if (c.settledAt - from > bound) {
      add('late', `${c.name} settled ${c.settledAt - from} ms after its clock started at ${from} (bound ${bound} ms)`)
    }
    if (c.outcome === 'rejected' && !typed(c.error)) {
      add('untyped-error', `${c.name} rejected with ${describe(c.error)}`)
    }
    if (c.kind !== 'send' || c.prompt === undefined) continue
    const expected = expectedAnswer(c.prompt)
    if (c.outcome === 'resolved' && c.text !== expected) {
      add('wrong-answer', `${c.name} resolved with ${JSON.stringify(c.text)}, expected ${JSON.stringify(expected)}`)
    }
    const shown = c.surfaced.join('')
    if (!expected.startsWith(shown)) {
      add('tampered-text', `${c.name} surfaced ${JSON.stringify(shown)}, not a prefix of ${JSON.stringify(expected)}`)
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
    if (c.outcome === 'resolved' && n === 0) add('wrong-answer', `${c.name} resolved but the node never answered it`)
  }
  for (const e of o.unhandled) add('unhandled-rejection', describe(e))
  for (const t of o.thrown) add('callback-threw', `${t.label}: ${describe(t.error)}`)
  if (o.liveKeys !== undefined) add('keys-not-zeroed', o.liveKeys)
  if (o.timersLeft > 0) add('timer-left-armed', `${o.timersLeft} client timer(s) still armed after close`)
  return out
}
