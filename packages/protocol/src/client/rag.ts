/**
 * `@fabstir/protocol/rag` — vector upload and search. **Plaintext** on the real node (no encrypted RAG exists):
 * requires `createClient({ plaintextRag: true })`. A separate entry point: chat-only apps do not ship it.
 * @packageDocumentation
 */
export type {
  RagVectorInput,
  SearchHit,
  SearchOptions,
  SearchResults,
  VectorRejection,
} from '../actions/index.js'
export type { FlowOptions } from './flows/job.js'
export { type UploadResult, type Vectors, vectors } from './flows/rag.js'
