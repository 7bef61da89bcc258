import type { FlowProgressEvent, FlowResultEvent, SendFrameEvent } from './actions/flow.js'
import type { FabstirError } from './errors.js'

/** Token accounting reported by the node in `stream_end`. */
export interface Usage {
  /** Tokens in the prompt (`usage.prompt_tokens`). */
  promptTokens: number
  /** Tokens generated for the answer (`usage.completion_tokens`). */
  completionTokens: number
  /** Prompt plus completion tokens (`usage.total_tokens`). */
  totalTokens: number
  /** The model's context window in tokens (`usage.context_window_size`). */
  contextWindowSize: number
}

/** The node's `connected` greeting was received. */
export interface ConnectedEvent {
  /** Discriminant. */
  type: 'connected'
}
/** The node acknowledged the session; prompts may be sent. */
export interface ReadyEvent {
  /** Discriminant. */
  type: 'ready'
  /** The acknowledged session id (the node keeps its key and history under it). */
  sessionId: string
  /**
   * Lowercase address the node recovered from the init signature (verified equal to the signer's address);
   * `undefined` on the plaintext path, which has no signature.
   */
  clientAddress: `0x${string}` | undefined
}
/** One authenticated (or, in plaintext mode, plain) piece of the answer, in order. */
export interface ChunkEvent {
  /** Discriminant. */
  type: 'chunk'
  /** Id of the request this chunk answers. */
  id: string
  /** Position within the answer: 0, 1, 2, … without gaps (reset for every prompt). */
  index: number
  /** The decrypted (or, in plaintext mode, plain) text of this piece; may be empty. */
  text: string
  /** Tokens the node counted for this chunk (normally 1; 0 for the final chunk). */
  tokens: number
  /** The node's terminal chunk (normally empty text). */
  final: boolean
}
/** The authenticated end of an encrypted answer (`encrypted_response`). */
export interface ResponseEvent {
  /** Discriminant. */
  type: 'response'
  /** Id of the request this response completes. */
  id: string
  /** The authenticated finish reason (in practice `stop`, or `error` when generation failed). */
  finishReason: string
}
/** The request is over (`stream_end`): complete, cancelled or errored. The session is ready for the next prompt. */
export interface EndEvent {
  /** Discriminant. */
  type: 'end'
  /** Id of the request that ended. */
  id: string
  /**
   * The node's `stream_end.reason` (`complete`, `cancelled`, `error`; `complete` when absent). `cancelled`
   * also when this client cancelled and no authenticated `encrypted_response` had arrived.
   */
  reason: string
  /** The node's `tokens_used` (0 when absent). Unauthenticated: informational only. */
  tokensUsed: number
  /**
   * The authenticated finish reason from `encrypted_response` (encrypted sessions), refined from `stop` to `length`
   * when `stream_end.finish_reason` says so; on the plaintext path `stream_end.finish_reason`. Absent when neither
   * is known. An unauthenticated value never replaces an authenticated one (a `warning` event flags the attempt).
   */
  finishReason?: string
  /** Token accounting from `stream_end.usage`, when the node sent it. Unauthenticated: informational only. */
  usage?: Usage
  /** VLM tokens billed for vision `images` (`stream_end.vlm_tokens`, sent only when > 0). Unauthenticated. */
  vlmTokens?: number
  /**
   * Set (with `reason: 'image'`) when the node diverted the prompt to image generation (PROTOCOL-SURFACE §6): the
   * authenticated `image_generation_result` JSON; decode it with `decodeImageReply`. No chunks came before it.
   */
  image?: string
}
/** A typed error. `error.fatal` tells whether the session is unusable now (its keys are then zeroed). */
export interface ErrorEvent {
  /** Discriminant. */
  type: 'error'
  /** The typed error, with `requestId` set when it concerns a request. */
  error: FabstirError
}

/**
 * Something the node sent was wrong but cost nothing: an unauthenticated field contradicting its authenticated twin
 * (the authenticated value was kept), or an unusable frame after the authenticated end of an answer (the answer was
 * delivered). Informational; worth logging, since it means a faulty node or tampering on the way.
 */
export interface WarningEvent {
  /** Discriminant. */
  type: 'warning'
  /** Id of the request it concerns, when it concerns one. */
  id: string | undefined
  /** What was wrong, as a typed, non-fatal error (usually `INVALID_FRAME`, with `details` naming the field). */
  warning: FabstirError
}

/** Every event a session's `receive()` and `connectionLost()` can return; switch on `type`. */
export type ProtocolEvent =
  | ConnectedEvent
  | ReadyEvent
  | ChunkEvent
  | ResponseEvent
  | EndEvent
  | ErrorEvent
  | WarningEvent
  | FlowProgressEvent
  | FlowResultEvent
  | SendFrameEvent

/** The states of a session. `new` also means "needs (re-)init", e.g. after the node lost its key. */
export type SessionState = 'new' | 'initializing' | 'ready' | 'streaming' | 'closed' | 'failed'
