/**
 * `@fabstir/transport-ws` — the WebSocket client for Fabstir LLM nodes. End-to-end encrypted by default.
 *
 * ```ts
 * const client = createClient({ url, nodePublicKey, signer })
 * const session = await client.startSession({ jobId, modelName, pricePerToken })
 * for await (const delta of session.stream('What is 2+2?')) process.stdout.write(delta.text)
 * await client.close()
 * ```
 * @packageDocumentation
 */
export {
  type DigestSigner,
  FabstirError,
  type FabstirErrorCode,
  isFabstirError,
  type Logger,
  type PromptInput,
  type Usage,
} from '@fabstir/protocol'
export {
  type AdmissionTicket,
  DEFAULT_MAX_CONCURRENT_HANDSHAKES,
  HandshakeGate,
  handshakeGate,
  type ReleaseSlot,
  setMaxConcurrentHandshakes,
} from './admission.js'
export { type ClientEvents, createClient, FabstirClient } from './client.js'
export {
  ClientSession,
  type ClientStatus,
  type PromptOptions,
  type SessionEvents,
  type StartSessionOptions,
} from './client-session.js'
export {
  type ClientOptions,
  DEFAULT_REKEY_AFTER_FRAMES,
  type RateLimitRetryPolicy,
  type ReconnectPolicy,
  type Timeouts,
} from './options.js'
export { type Reply, ResponseStream, type RoutedImage, type StreamDelta } from './response-stream.js'
export type { SocketFactory, SocketLike } from './socket.js'
