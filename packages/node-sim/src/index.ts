/**
 * `@fabstir/node-sim` — a faithful reference simulator of the Fabstir LLM node's end-to-end encrypted WebSocket
 * protocol (PROTOCOL.md): a sans-IO core, a thin `ws` server and a CLI. For tests, demos and integrators.
 * @packageDocumentation
 */

export { ALLOW_LIST_VERSION, LTX_TEMPLATES, type LtxTemplate } from './core/actions/ltx-allowlist.js'
export {
  type CapabilityCid,
  type CapabilityCidError,
  decodeCapabilityCid,
  encodeCapabilityCid,
  fakeCapabilityCid,
} from './core/cid.js'
export {
  createNodeCore,
  DEFAULT_CONTEXT_WINDOW_SIZE,
  DEFAULT_RATE_LIMIT_PER_MINUTE,
} from './core/node-core.js'
export { DEFAULT_RAG_SESSION, RAG_CAPACITY, RAG_DIMENSIONS, RAG_METADATA_MAX_BYTES } from './core/rag.js'
export { ResponderStartError } from './core/responder-start-error.js'
export type {
  ComfyUiSidecarOptions,
  DiffusionSidecarOptions,
  ModerationOptions,
  SidecarOptions,
  TranscoderSidecarOptions,
} from './core/sidecar-options.js'
export { estimateTokens } from './core/tokens.js'
export type {
  BillingEntry,
  ConnectionState,
  Faults,
  Logger,
  NodeConnection,
  NodeCore,
  NodeCoreOptions,
  Responder,
  ResponderContext,
  ResponderRequest,
  ResponderResult,
  SettledJob,
} from './core/types.js'
export { isNodeSimError, NodeSimError, type NodeSimErrorCode } from './errors.js'
export {
  JsonNumber,
  JsonObject,
  JsonSyntaxError,
  type JsonValue,
  parseJsonLossless,
  type Serializable,
  stringifyJson,
} from './json-lossless.js'
export { answerChunks, defaultResponder, expectedAnswer } from './responder.js'
export {
  type EncryptingOption,
  type KeylessOption,
  MAX_PAYLOAD_BYTES,
  type NodeSimHandle,
  type NodeSimOptions,
  type NodeSimOptionsFor,
  type NodeSimPublicKey,
  startNodeSim,
  WS_PATH,
} from './server.js'
export { type UpstreamOptions, upstreamResponder } from './upstream/openai-responder.js'
export { UpstreamError } from './upstream/upstream-error.js'
