import type { DigestSigner } from '@fabstir/protocol'
import type { Carrier, Clock } from './shell-types.js'

/** The client options a schedule draws (named as in `createClient`'s options). */
export interface ClientPlan {
  /** Deadlines: connect (socket + greeting), ack (the wallet's signature, then the node's acknowledgement), first chunk, idle. */
  timeouts: { connectMs: number; ackMs: number; firstChunkMs: number; idleMs: number }
  reconnect: false | { attempts: number; baseDelayMs: number; maxDelayMs: number }
  rekeyAfterFrames: number | undefined
  retryOnRateLimit: false | { attempts: number; maxWaitMs: number }
  allowPlaintextFallback: boolean
}

/** What a simulated session is started with. */
export interface SessionStart {
  jobId: string
  modelName: string
  pricePerToken: number
}

/** The session API the workload drives. */
export interface SessionUnderTest {
  /** Send a prompt; resolves with the whole answer. `onText` sees each piece of text as it surfaces. */
  send(prompt: string, options: { signal?: AbortSignal; onText?: (text: string) => void }): Promise<string>
  close(): Promise<void>
}

/** The client API the workload drives. */
export interface ClientUnderTest {
  startSession(options: SessionStart): Promise<SessionUnderTest>
  close(): Promise<void>
}

/** Everything a client under test is built from: the simulated carrier and clock, and the schedule's choices. */
export interface ClientDeps {
  carrier: Carrier
  clock: Clock
  /** Seeded randomness in [0, 1) for backoff jitter. */
  random: () => number
  signer: DigestSigner
  nodePublicKey: `0x${string}`
  plan: ClientPlan
}

/** Builds the client under test for one schedule. */
export type ClientFactory = (deps: ClientDeps) => ClientUnderTest
