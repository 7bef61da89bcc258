import type { FabstirError } from './errors.js'

/** Token accounting reported by the node in `stream_end`. */
export interface Usage {
  promptTokens: number
  completionTokens: number
  totalTokens: number
  contextWindowSize: number
}

/** The node's `connected` greeting was received. */
export interface ConnectedEvent {
  type: 'connected'
}
/** The node acknowledged the session; prompts may be sent. */
export interface ReadyEvent {
  type: 'ready'
  sessionId: string
  /** Lowercase address the node recovered from the init signature (equal to the signer's address). */
  clientAddress: `0x${string}` | undefined
}
/** One authenticated (or, in plaintext mode, plain) piece of the answer, in order. */
export interface ChunkEvent {
  type: 'chunk'
  id: string
  index: number
  text: string
  tokens: number
  /** The node's terminal chunk (normally empty text). */
  final: boolean
}
/** The authenticated end of an encrypted answer (`encrypted_response`). */
export interface ResponseEvent {
  type: 'response'
  id: string
  finishReason: string
}
/** The request is over (`stream_end`): complete, cancelled or errored. The session is ready for the next prompt. */
export interface EndEvent {
  type: 'end'
  id: string
  reason: string
  tokensUsed: number
  finishReason?: string
  usage?: Usage
}
/** A typed error. `error.fatal` tells whether the session is unusable now (its keys are then zeroed). */
export interface ErrorEvent {
  type: 'error'
  error: FabstirError
}

export type ProtocolEvent = ConnectedEvent | ReadyEvent | ChunkEvent | ResponseEvent | EndEvent | ErrorEvent

/** The states of a session. `new` also means "needs (re-)init", e.g. after the node lost its key. */
export type SessionState = 'new' | 'initializing' | 'ready' | 'streaming' | 'closed' | 'failed'
