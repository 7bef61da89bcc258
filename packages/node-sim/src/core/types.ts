import type { SidecarOptions } from './sidecar-options.js'

/** Minimal structured logger. The simulator never passes keys, session data or plaintext prompts to it. */
export interface Logger {
  /** Frames the node ignores or drops (not JSON, unknown type, arriving while streaming). */
  debug(message: string, context?: Record<string, unknown>): void
  /** Lifecycle: connections opened/closed, rejected inits, cancels, job settlement, restarts. */
  info(message: string, context?: Record<string, unknown>): void
  /** Injected faults, responder failures, failed sends and socket errors. */
  warn(message: string, context?: Record<string, unknown>): void
  /** Internal errors while handling a frame, and a throwing `onFrame` tap. */
  error(message: string, context?: Record<string, unknown>): void
}

/** What a responder receives: the resolved inference request (node defaults applied) plus any extra prompt fields. */
export interface ResponderRequest {
  /** The prompt text (the bare plaintext, or the `prompt` field of a JSON prompt object). */
  prompt: string
  /** Resolved `max_tokens` (default 4000). The core stops after this many chunks on its own. */
  max_tokens?: number
  /** Resolved temperature (default 0.7). */
  temperature?: number
  /** Resolved model (default `tiny-vicuna`). */
  model?: string
  /** Other fields of the decrypted prompt object (`thinking`, `web_search`, `images`, …) as plain JavaScript. */
  [key: string]: unknown
}

/** What a responder gets besides the request. */
export interface ResponderContext {
  /**
   * Aborted as soon as the response is abandoned — `stream_cancel`, the connection closing, `max_tokens` reached or an
   * injected fault — so that a responder doing I/O (an upstream model over HTTP) releases it at once.
   */
  readonly signal: AbortSignal
}

/** What a responder may return when it has yielded its last chunk (the async generator's return value). */
export interface ResponderResult {
  /** Token usage reported by a real model: `stream_end` carries it instead of the simulator's own count. */
  usage?: {
    /** Prompt tokens, as the model's tokenizer counted them. */
    readonly prompt_tokens: number
    /** Tokens generated for this answer. */
    readonly completion_tokens: number
  }
  /** `length` when the model stopped at its own token limit. Default `stop`. */
  finishReason?: 'stop' | 'length'
}

/**
 * A "model": each yielded string becomes one response chunk worth one token. Throwing ends the stream with an error
 * (the final chunk's text is `Error: <message>`); throwing `ResponderStartError` before the first chunk is
 * answered like a node whose inference engine fails to start (shape B error, then `stream_end {reason:"error"}`).
 */
export type Responder = (
  request: ResponderRequest,
  context: ResponderContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: an async generator without a return statement returns void
) => AsyncIterable<string, ResponderResult | undefined | void>

/**
 * Fault injection for encrypted responses (all off by default). Chunk numbers are the chunk `index` values of one
 * response (0-based; the final empty chunk has the last index). `silent` and `wrongClientAddress` apply to every frame.
 */
export interface Faults {
  /** Flip one ciphertext byte of chunk k (its tag no longer verifies). */
  tamperChunk?: number
  /** Swap the sending order of chunks a and b. */
  reorderChunks?: readonly [number, number]
  /** Send chunk k twice. */
  replayChunk?: number
  /** Never send chunk k (its index is still used up). */
  dropChunk?: number
  /** Seal chunk k with AAD `chunk_<k+1>` (and report that AAD in `aadHex`) while labelling it `index: k`. */
  wrongAadChunk?: number
  /** Send a plaintext `stream_end` (complete) right after the first chunk, then stop: no `encrypted_response`. */
  forgeStreamEnd?: boolean
  /** Close the connection right after chunk k was sent. */
  closeMidStream?: number
  /** Wait this many milliseconds before the first chunk. */
  delayMs?: number
  /** Echo this address as `client_address` in encrypted session acks instead of the recovered one. */
  wrongClientAddress?: string
  /** Fail to encrypt chunk k: `ENCRYPTION_FAILED` error, then `stream_end {reason:"error"}`. */
  encryptionFailureAtChunk?: number
  /** Accept every frame and never answer (the `connected` greeting is still sent on open). */
  silent?: boolean
  /**
   * Seal every action reply under the wrong family's AAD (image → `encrypted_transcode_response`, transcode →
   * `encrypted_ltx_response`, LTX → `encrypted_image_response`) and report that AAD in `aadHex`.
   */
  wrongActionAad?: boolean
  /** Flip a ciphertext byte of the k-th action reply of a flow (0 = the image reply or the transcode/LTX ack). */
  tamperActionReply?: number
  /** Send the k-th action reply of a flow twice (identical frames). */
  replayActionReply?: number
  /** Never send a flow's terminal message (the image reply, or the transcode/LTX complete or error). */
  dropActionCompletion?: boolean
  /** Close the connection right after the k-th action reply of a flow was sent (a drop mid-flow). */
  closeAfterActionReply?: number
}

/** Work the node billed to a job (image, transcode, LTX and VLM tokens; chat tokens are not recorded). */
export interface BillingEntry {
  /** Decimal job id (u64): the connection's job id. */
  jobId: string
  /** Outer session id of the request. */
  sessionId: string | null
  /** What was billed: an image, a transcode, an LTX clip, or VLM tokens of vision `images`. */
  kind: 'image' | 'transcode' | 'ltx' | 'vlm'
  /** Token-equivalents, e.g. `ceil(generationUnits × 1000)` for an image. */
  tokens: number
}

/** What a connection is doing (PROTOCOL-SURFACE §3.3). */
export type ConnectionState = 'idle' | 'inline' | 'streaming' | 'transcode-loop' | 'ltx-loop'

/** Options of {@link createNodeCore} (and, with the server options, of `startNodeSim`). */
export interface NodeCoreOptions extends SidecarOptions {
  /** The node's static secp256k1 key (32-byte hex, optional `0x`, or bytes). Generated when absent. */
  privateKey?: string | Uint8Array
  /** `false` models a node without a configured key: encrypted inits get `ENCRYPTION_NOT_SUPPORTED`. Default true. */
  encryption?: boolean
  /** The simulated model. Default: {@link defaultResponder}. */
  responder?: Responder
  /** Delay before each response chunk, in milliseconds. Default 0. */
  chunkDelayMs?: number
  /** Prompt requests per sliding minute, shared by every connection of the node. Default 60. */
  rateLimitPerMinute?: number
  /** Context window in tokens; longer prompts get `TOKEN_LIMIT_EXCEEDED`. Default 8192. */
  contextWindowSize?: number
  /** Initial fault injection. */
  faults?: Faults
  /** Optional logger (never receives keys or plaintext). */
  logger?: Logger
  /** Wire tap: every text frame in and out, with the connection id. */
  onFrame?: (direction: 'in' | 'out', text: string, connectionId: number) => void
  /** Clock in milliseconds for the rate limiter. Default `Date.now`. */
  now?: () => number
  /** Sleep used for chunk delays. Default: a timer. */
  sleep?: (ms: number) => Promise<void>
}

/** A job the node settled because a connection that carried a job id closed. */
export interface SettledJob {
  /** Decimal job id (u64). */
  jobId: string
  /** The connection's session id at close time, if any. */
  sessionId: string | null
  /** Id of the connection that closed. */
  connectionId: number
}

/** One client connection's state machine. Feed it inbound text frames; it answers through the `send` callback. */
export interface NodeConnection {
  /** Connection id (also passed to `onFrame`). */
  readonly id: number
  /** Process one inbound text frame. Never throws; streaming continues in the background. */
  receive(text: string): void
  /** Stop any stream and forget the connection, like a socket close. Settles the job if one is attached. */
  close(): void
  /** Resolves when no response is streaming on this connection. */
  readonly idle: Promise<void>
  /** The session id this connection last initialised (or `null`). */
  readonly sessionId: string | null
  /** The job id attached to this connection (decimal u64 string), or `null`. */
  readonly jobId: string | null
  /** True after `close()`. */
  readonly closed: boolean
  /** The busy state: frames queue while `inline`, and are dropped in the other non-idle states. */
  readonly state: ConnectionState
}

/** The sans-IO node: shared key store and rate limiter plus per-connection state machines. */
export interface NodeCore {
  /** Compressed SEC1 public key of the node, `0x` + 66 lowercase hex digits. */
  readonly publicKey: `0x${string}`
  /** The node's (host wallet) address, lowercase. */
  readonly address: `0x${string}`
  /** Whether encrypted sessions are served. */
  readonly encryption: boolean
  /** Open a connection; the `connected` frame is sent immediately. `closeTransport` is called by the close fault. */
  openConnection(send: (text: string) => void, closeTransport?: () => void): NodeConnection
  /** Drop every session key, session record (RAG vectors) and rate-limit window, like a node restart. */
  restart(): void
  /** Replace the fault injection settings (they apply to responses that start afterwards). */
  setFaults(faults: Faults): void
  /** Current fault injection settings. */
  readonly faults: Readonly<Faults>
  /** Number of stored session keys. */
  readonly sessionCount: number
  /** Jobs settled so far (connections with a job id that closed). */
  readonly settledJobs: readonly SettledJob[]
  /** Image, transcode, LTX and VLM work billed to jobs so far, in order. */
  readonly billing: readonly BillingEntry[]
}
