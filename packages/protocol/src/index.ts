/**
 * `@fabstir/protocol` — the Fabstir encrypted session protocol as a sans-IO state machine. It builds outbound
 * frames and consumes inbound frames; it owns no socket, timer or global. Drive it over any transport:
 *
 * ```ts
 * const session = createSession({ nodePublicKey, signer, jobId, modelName, pricePerToken })
 * send(await session.init())
 * for (const event of session.receive(frameText)) { ... }   // 'ready', 'chunk', 'response', 'end', 'error'
 * send(session.prompt('What is 2+2?'))
 * ```
 * @packageDocumentation
 */
export { MAX_FRAME_BYTES } from '@fabstir/wire'

export * from './actions/index.js'
export { type ClientShell, createClientCore } from './client/client.js'
export * from './client/index.js'
export {
  type ClientCoreOptions,
  type PlaintextProtocol,
  type ResolvedClientOptions,
  resolveClientOptions,
} from './client/options.js'
export { plaintextProtocol } from './client/plaintext.js'
export type { Carrier, CarrierEvents, Clock, Connection, ConnectionClosed } from './client/shell.js'
export { systemClock } from './client/timers.js'
export type { DriverOutput, SignResult } from './driver/outputs.js'
export { SessionDriver } from './driver/session-driver.js'
export { createSession, EncryptedSession, type EncryptedSessionOptions } from './encrypted-session.js'
export {
  FabstirBaseError,
  FabstirError,
  type FabstirErrorCode,
  type FabstirErrorOptions,
  isFabstirBaseError,
  isFabstirError,
  TROUBLESHOOTING_URL,
  troubleshootingUrl,
  walkCauses,
} from './errors.js'
export type {
  ChunkEvent,
  ConnectedEvent,
  EndEvent,
  ErrorEvent,
  ProtocolEvent,
  ReadyEvent,
  ResponseEvent,
  SessionState,
  Usage,
  WarningEvent,
} from './events.js'
export { newRequestId, newSessionId } from './ids.js'
export { type Logger, silentLogger } from './logger.js'
export { errorFromNodeFrame } from './node-errors.js'
export { verifyNodePublicKey } from './node-key.js'
export { capNodeText, MAX_NODE_TEXT_CHARS } from './node-text.js'
export { normalizeJobId, normalizePrice, normalizePrompt, type PromptInput } from './options.js'
export {
  createPlaintextSession,
  PlaintextSession,
  type PlaintextSessionOptions,
} from './plaintext-session.js'
export { encodeSessionData, type SessionDataInput, type VectorDatabase } from './session-data.js'
export type { DigestSigner } from './signer.js'
export { isSignerError, SignerError, type SignerErrorCode, type SignerErrorContext } from './signer-error.js'
export {
  assertRecoversTo,
  copyDigest,
  normaliseSignature,
  RAW_DIGEST_REQUIREMENT,
} from './signer-kit.js'
export { checkWalletSignature, walletFailure } from './wallet-signature.js'
