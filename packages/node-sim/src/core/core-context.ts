import type { LtxState } from './actions/ltx.js'
import type { TranscoderState } from './actions/transcode.js'
import type { SessionKeyStore } from './key-store.js'
import type { SessionRecords } from './rag.js'
import type { RateLimiter } from './rate-limiter.js'
import type { SessionWindow } from './session-window.js'
import type { Sidecars } from './sidecar-options.js'
import type { BillingEntry, Faults, Logger, Responder, SettledJob } from './types.js'

/** State shared by every connection of one node. */
export interface CoreContext {
  readonly keyStore: SessionKeyStore
  readonly rateLimiter: RateLimiter
  /** `null` when the node has no encryption key configured. */
  readonly nodePrivateKey: Uint8Array | null
  readonly responder: Responder
  readonly chunkDelayMs: number
  readonly contextWindowSize: number
  readonly logger: Logger | undefined
  readonly onFrame: ((direction: 'in' | 'out', text: string, connectionId: number) => void) | undefined
  readonly sleep: (ms: number) => Promise<void>
  faults(): Readonly<Faults>
  settle(job: SettledJob): void
  readonly now: () => number
  readonly sidecars: Sidecars
  readonly imageLimiter: SessionWindow
  readonly transcodeLimiter: SessionWindow
  readonly ltxLimiter: SessionWindow
  readonly transcoder: TranscoderState
  readonly ltx: LtxState
  readonly records: SessionRecords
  bill(entry: BillingEntry): void
}

/** A busy loop a connection is captured in (PROTOCOL-SURFACE §3.3) and the only frame it honours. */
export interface BusyLoop {
  kind: 'transcode-loop' | 'ltx-loop'
  cancelType: 'transcode_cancel' | 'ltx_cancel'
  detach(): void
  /** Resolves when the background task ended (the LTX loop then ends too). */
  done: Promise<unknown>
}
