import type { ErrorFrame } from '@fabstir/wire'
import type { ProtocolEvent } from '../events.js'

/** The action flows besides chat (PROTOCOL-SURFACE §5, §7, §8, §9). */
export type FlowKind = 'image' | 'transcode' | 'ltx' | 'rag'

/** What a flow made of one inbound message: events to emit, whether the flow is over, a frame to send now. */
export interface FlowOutcome {
  /** Events to emit, in order (progress, result or a typed error). */
  events: ProtocolEvent[]
  /** True when the flow is over: the session is ready for the next request. */
  done: boolean
  /**
   * A frame the transport must send at once (e.g. `transcode_cancel` after a terminal transcode message, so that the
   * node leaves its transcode loop: PROTOCOL-SURFACE §3.4).
   */
  send?: object
}

/**
 * @internal One action flow in flight, owned by a session's request slot. Built by the functions of
 * `src/actions/` (`startImage`, `startTranscode`, `startLtx`, `startRagUpload`, `startRagSearch`).
 */
export interface Flow {
  /** Which flow this is. */
  readonly kind: FlowKind
  /** The AAD family label every reply of this flow must authenticate under (encrypted flows); never the frame's. */
  readonly aad: string | undefined
  /** Plaintext node frame types this flow consumes (RAG responses). */
  readonly plainTypes: readonly string[]
  /** Absolute deadline in the caller's clock (the `now` passed when the flow started), in milliseconds. */
  readonly deadlineAt: number
  /** Whether the node has entered a busy loop for this flow that only the cancel frame ends (transcode, LTX). */
  readonly inLoop: boolean
  /** An authenticated, decrypted inner message (`frameId`: the outer frame's `id`, if any). */
  onInner(text: string, frameId: string | undefined): FlowOutcome
  /** A plaintext node frame of one of {@link plainTypes}. */
  onPlain(frame: Readonly<Record<string, unknown>>): FlowOutcome
  /** A node `error` frame while this flow is in flight; `undefined` keeps the session's own handling. */
  onError(frame: ErrorFrame): FlowOutcome | undefined
  /** The plaintext cancel frame of this flow (`transcode_cancel`, `ltx_cancel`), or undefined (image, RAG). */
  cancelFrame(): object | undefined
}

/** Progress of a flow in flight (transcode, LTX). */
export interface FlowProgressEvent {
  /** Discriminant. */
  type: 'progress'
  /** Id of the flow's request. */
  id: string
  /** Which flow. */
  kind: FlowKind
  /** The flow's progress value (see `TranscodeProgress` / `LtxProgressUpdate`). */
  progress: unknown
}

/** The successful end of a flow. */
export interface FlowResultEvent {
  /** Discriminant. */
  type: 'result'
  /** Id of the flow's request. */
  id: string
  /** Which flow. */
  kind: FlowKind
  /** The flow's result (see `ImageResult`, `TranscodeResult`, `VideoResult`, `UploadResult`, `SearchResult`). */
  result: unknown
}

/** A frame the transport must send now (e.g. `transcode_cancel` after a terminal transcode message, §3.4). */
export interface SendFrameEvent {
  /** Discriminant. */
  type: 'send'
  /** The frame to send as is. */
  frame: object
}
