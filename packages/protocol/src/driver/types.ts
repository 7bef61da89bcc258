import type { ResolvedClientOptions } from '../client/options.js'
import type { EncryptedSession, EncryptedSessionOptions } from '../encrypted-session.js'
import type { FabstirError } from '../errors.js'
import type { ProtocolEvent } from '../events.js'
import type { PlaintextSession } from '../plaintext-session.js'

/**
 * What a session needs to open: the session fields of `EncryptedSessionOptions` (the plaintext path uses only
 * `jobId`, `chainId` and `sessionId`). Invalid values make `startSession` reject with `INVALID_CONFIG` (with
 * `details.field`) before anything is sent.
 */
export type StartSessionOptions = Pick<
  EncryptedSessionOptions,
  'jobId' | 'chainId' | 'modelName' | 'pricePerToken' | 'sessionId' | 'vectorDatabase' | 'recoveryPublicKey'
>

/** The session's sans-IO protocol object (encrypted, or plaintext after an allowed fallback). */
export type AnyProtocol = EncryptedSession | PlaintextSession

/**
 * What the driver lends an action-flow host (image, transcode, LTX, RAG: `client/flows/`, loaded only by apps that
 * use them). Everything is synchronous: the host sends through the driver and sets one deadline of its own.
 */
export interface FlowPort {
  /** The session's current protocol object. */
  protocol(): AnyProtocol
  /** True when the connection is open, no chat prompt is active or queued, and the protocol is ready. */
  idle(): boolean
  /** Send a frame (throws `CONNECTION_LOST` when the connection is not open). */
  send(frame: object): void
  /** Let the session start its next queued chat prompt (or flow). */
  pump(): void
  /** Drop the connection (the session reconnects and re-keys the same session id). */
  recycle(): void
  /** The client's resolved options. */
  opts: ResolvedClientOptions
  /** The time of the input being handled. */
  now(): number
  /** Set (or clear) the flow's deadline; the host's `expire(now)` is called when it passes. */
  deadline(at: number | undefined): void
}

/** The driver's side of a flow host. */
export interface FlowHostHooks {
  /** Start the next flow if the connection is idle. */
  kick(): void
  /** Route a protocol event: true when it belonged to the running flow and the session has nothing more to do. */
  onEvent(ev: ProtocolEvent): boolean
  /** The flow deadline passed at `now`. */
  expire(now: number): void
  /** The session ended: every flow fails with `error`. */
  close(error: FabstirError): void
}
