import type { ClientPlan } from './client-under-test.js'
import type { AdversaryPlan, NetworkPlan, NodeEvent } from './network.js'
import type { NodePlan } from './node-host.js'
import { Prng } from './prng.js'
import type { SignerFault, SignerPlan } from './signer.js'

/** One prompt of a session's workload. */
export interface PromptPlan {
  /** Unique within the schedule (the node's answer to it is deterministic). */
  text: string
  /** Sent this long after the previous prompt was sent (or the session became ready). */
  gapMs: number
  /** Aborted this long after it was sent, if set. */
  abortAfterMs?: number
}

/** One session of a schedule's workload. */
export interface SessionPlan {
  startAt: number
  prompts: PromptPlan[]
  /** Closed this long after it became ready (possibly mid-prompt); otherwise once every prompt settled. */
  closeAfterMs?: number
}

/** Everything a seed decides: the network, the relay, the node, the wallet, the client options and the workload. */
export interface SchedulePlan {
  seed: number
  /** Which fault families are on (for the report). */
  features: string[]
  network: NetworkPlan
  adversary: AdversaryPlan
  node: NodePlan
  nodeEvents: NodeEvent[]
  signer: SignerPlan
  client: ClientPlan
  /** The shell's timer fires up to this late (a busy event loop). */
  timerLateMs: number
  sessions: SessionPlan[]
  /** Close the client this long after the start even if sessions are still busy, if set. */
  clientCloseAt?: number
}

const WORDS = [
  'alpha',
  'bravo',
  'delta',
  'echo',
  'kilo',
  'lima',
  'oscar',
  'sierra',
  'tango',
  'zulu',
  'why',
  'how',
]
const SIGNER_FAULTS: readonly SignerFault[] = [
  'hang',
  'reject-null',
  'reject-undefined',
  'reject-string',
  'garbage',
  'wrong-key',
]

/** Draw a schedule from its seed (deterministic: the same seed gives the same plan). */
export function planSchedule(seed: number): SchedulePlan {
  const r = new Prng(seed, 'plan')
  const features: string[] = []
  const lossy = r.chance(0.4)
  const restarts = r.chance(0.25)
  const hostile = r.chance(0.2)
  const walletFault = r.chance(0.08)
  const slowNode = r.chance(0.1)
  const rateLimited = r.chance(0.05)
  const rekey = r.chance(0.1)
  const keyless = r.chance(0.05)
  const synchronous = r.chance(0.1)
  if (lossy) features.push('lossy')
  if (restarts) features.push('restarts')
  if (hostile) features.push('hostile')
  if (walletFault) features.push('wallet')
  if (slowNode) features.push('slow-node')
  if (rateLimited) features.push('rate-limit')
  if (rekey) features.push('rekey')
  if (keyless) features.push('keyless-node')
  if (synchronous) features.push('sync-carrier')

  const network: NetworkPlan = {
    latencyMs: [r.int(0, 5), r.int(5, 80)],
    connectMs: [r.int(1, 10), r.int(10, 300)],
    refuseRate: lossy ? r.pick([0, 0.1, 0.3]) : 0,
    breakPerFrame: lossy ? r.pick([0, 0.002, 0.01, 0.03]) : 0,
    splitRate: lossy ? r.pick([0, 0.2, 0.5]) : 0,
    splitWindowMs: r.int(100, 5000),
    blackholeRate: lossy ? r.pick([0, 0, 0.1]) : 0,
    noticeMs: [0, r.pick([1, 100, 2000])],
    synchronous,
  }
  // A relay's tampering with a plaintext session cannot be detected: no hostile relay on a keyless node.
  const adversary: AdversaryPlan =
    hostile && !keyless
      ? {
          tamperRate: r.pick([0, 0.02, 0.1]),
          replayRate: r.pick([0, 0.02, 0.1]),
          reorderRate: r.pick([0, 0.02, 0.1]),
          crossReplayRate: r.pick([0, 0.3]),
          clientReplayRate: r.pick([0, 0, 0.05]),
        }
      : { tamperRate: 0, replayRate: 0, reorderRate: 0, crossReplayRate: 0, clientReplayRate: 0 }
  const node: NodePlan = {
    encryption: !keyless,
    chunkDelayMs: slowNode ? r.pick([200, 1500, 6000]) : r.int(0, 20),
    rateLimitPerMinute: rateLimited ? r.int(1, 4) : 1_000_000,
  }
  const nodeEvents: NodeEvent[] = []
  if (restarts) {
    for (let i = r.int(1, 2); i > 0; i--) {
      nodeEvents.push({ at: r.int(0, 8000), kind: r.chance(0.5) ? 'keys' : 'crash', downMs: r.int(0, 3000) })
    }
  }
  const signer: SignerPlan = {
    delayMs: [0, r.pick([5, 50, 400])],
    ...(walletFault ? { fault: { kind: r.pick(SIGNER_FAULTS), onCall: r.int(1, 3) } } : {}),
  }
  const client: ClientPlan = {
    timeouts: {
      connectMs: r.pick([1000, 3000, 10_000]),
      ackMs: r.pick([1000, 5000, 15_000]),
      firstChunkMs: r.pick([2000, 10_000, 60_000]),
      idleMs: r.pick([1000, 5000, 30_000]),
    },
    reconnect: r.chance(0.1)
      ? false
      : { attempts: r.int(0, 5), baseDelayMs: r.int(10, 500), maxDelayMs: r.pick([1000, 3000, 10_000]) },
    rekeyAfterFrames: rekey ? r.int(8, 40) : undefined,
    retryOnRateLimit:
      rateLimited && r.chance(0.5) ? { attempts: r.int(1, 2), maxWaitMs: r.pick([30_000, 60_000]) } : false,
    allowPlaintextFallback: keyless && r.chance(0.7),
  }
  const sessions: SessionPlan[] = []
  const sessionCount = r.pick([1, 1, 1, 1, 1, 2, 3])
  for (let s = 0; s < sessionCount; s++) {
    const prompts: PromptPlan[] = []
    for (let p = r.int(1, 4); p > 0; p--) {
      const words: string[] = []
      for (let w = r.int(1, 6); w > 0; w--) words.push(r.pick(WORDS))
      prompts.push({
        text: `s${s}p${prompts.length} ${words.join(' ')}`,
        gapMs: r.chance(0.5) ? 0 : r.int(0, 3000),
        ...(r.chance(0.15) ? { abortAfterMs: r.int(0, 2000) } : {}),
      })
    }
    sessions.push({
      startAt: r.int(0, 1000),
      prompts,
      ...(r.chance(0.2) ? { closeAfterMs: r.int(0, 5000) } : {}),
    })
  }
  return {
    seed,
    features,
    network,
    adversary,
    node,
    nodeEvents,
    signer,
    client,
    timerLateMs: r.pick([0, 0, 0, 1, 20, 500]),
    sessions,
    ...(r.chance(0.05) ? { clientCloseAt: r.int(0, 8000) } : {}),
  }
}
