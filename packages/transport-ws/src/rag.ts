/**
 * `@fabstir/transport-ws/rag` — vector upload and search. **Plaintext** on the real node (no encrypted RAG exists):
 * requires `createClient({ plaintextRag: true })`. A separate entry point: chat-only apps do not ship it.
 * @packageDocumentation
 */
export type {
  RagVectorInput,
  SearchHit,
  SearchOptions,
  SearchResults,
  VectorRejection,
} from '@fabstir/protocol'
export type { FlowOptions } from './actions/job.js'
export { type UploadResult, type Vectors, vectors } from './actions/rag.js'
