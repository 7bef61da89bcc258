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
  type AdmissionTicket,
  type ClientEvents,
  ClientSession,
  type ClientStatus,
  DEFAULT_MAX_CONCURRENT_HANDSHAKES,
  DEFAULT_REKEY_AFTER_FRAMES,
  type DigestSigner,
  FabstirClient,
  FabstirError,
  type FabstirErrorCode,
  HandshakeGate,
  handshakeGate,
  isFabstirError,
  type Logger,
  type PromptInput,
  type PromptOptions,
  type RateLimitRetryPolicy,
  type ReconnectPolicy,
  type ReleaseSlot,
  type Reply,
  ResponseStream,
  type RoutedImage,
  type SessionEvents,
  type StartSessionOptions,
  type StreamDelta,
  setMaxConcurrentHandshakes,
  type Timeouts,
  type Usage,
} from '@fabstir/protocol'
export { webSocketCarrier } from './carrier.js'
export { type ClientOptions, createClient } from './client.js'
export type { SocketFactory, SocketLike } from './socket.js'
