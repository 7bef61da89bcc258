import type { LtxState } from './actions/ltx.js'
import type { TranscoderState } from './actions/transcode.js'
import type { ActiveStream } from './active-stream.js'
import type { OutFrame } from './frames.js'
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
  /** Close: stop delivering. */
  detach(): void
  /** The loop's cancel frame arrived (defaults to {@link BusyLoop.detach}). */
  cancel?(): void
  /** Resolves when the background task ended (the LTX loop then ends too). */
  done: Promise<unknown>
}

/** What the flow modules (action router, chat pipeline) need from their connection. */
export interface ConnectionHost {
  readonly ctx: CoreContext
  readonly connectionId: number
  isClosed(): boolean
  /** The connection's job id (billing target) right now. */
  job(): bigint | null
  send(frame: OutFrame): void
  /** Close the connection and its transport (close faults). */
  closeTransport(): void
  /** Inline work starts/ends: frames queue meanwhile (PROTOCOL-SURFACE §3.3). */
  beginInline(): void
  endInline(): void
  /** Enter a busy loop; `leaveLoop` ends it only if it is still the current one. */
  enterLoop(loop: BusyLoop): void
  leaveLoop(loop: BusyLoop): void
  /** A chat stream starts/ends (frames other than `stream_cancel` are dropped while it runs). */
  enterStream(stream: ActiveStream): void
  leaveStream(stream: ActiveStream): void
  /** Keep a background task (for `idle`), logging a failure under `label`, then run `after`. */
  track(task: Promise<unknown>, after: () => void, label?: string): void
}
