/**
 * `@fabstir/protocol/client` — the client API every shell (`@fabstir/transport-ws`, a MessagePort relay, …)
 * re-exports as its own: sessions, streams, options, the admission gate and the error type.
 * @packageDocumentation
 */

export type { ClientStatus } from '../driver/outputs.js'
export type { Reply, RoutedImage, StreamDelta } from '../driver/replies.js'
export { FabstirError, type FabstirErrorCode, isFabstirError } from '../errors.js'
export type { Usage } from '../events.js'
export type { Logger } from '../logger.js'
export type { PromptInput } from '../options.js'
export type { DigestSigner } from '../signer.js'
export {
  type AdmissionTicket,
  DEFAULT_MAX_CONCURRENT_HANDSHAKES,
  HandshakeGate,
  handshakeGate,
  type ReleaseSlot,
  setMaxConcurrentHandshakes,
} from './admission.js'
export { type ClientEvents, FabstirClient } from './client.js'
export {
  ClientSession,
  type PromptOptions,
  type SessionEvents,
  type StartSessionOptions,
} from './client-session.js'
export {
  DEFAULT_REKEY_AFTER_FRAMES,
  type PlaintextProtocol,
  type RateLimitRetryPolicy,
  type ReconnectPolicy,
  type Timeouts,
} from './options.js'
export { ResponseStream } from './response-stream.js'
