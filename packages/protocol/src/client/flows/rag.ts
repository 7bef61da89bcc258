import {
  batchVectors,
  type RagVectorInput,
  type SearchOptions,
  type SearchResults,
  startRagSearch,
  startRagUpload,
  type UploadBatchResult,
  type VectorRejection,
} from '../../actions/rag.js'
import { FabstirError } from '../../errors.js'
import type { ClientSession } from '../client-session.js'
import { type FlowOptions, ProgressJob, withHost } from './job.js'

/** The outcome of an upload over one or more frames. */
export interface UploadResult {
  /** `success` (nothing rejected), `partial`, or `error` (everything rejected). */
  status: 'success' | 'partial' | 'error'
  /** Vectors stored (overwrites count). */
  uploaded: number
  /** Vectors refused. */
  rejected: number
  /** Every refused vector with the node's reason (dimensions, NaN/∞, metadata size, capacity). */
  rejections: VectorRejection[]
  /** Frames sent (the node has no batch cap; frames stay under its 16 MiB limit). */
  batches: number
}

/**
 * RAG on the session's connection (PROTOCOL-SURFACE §9). **Plaintext**: the node has no encrypted RAG, so vectors,
 * metadata (often document text) and query vectors travel in the clear, even on an encrypted session, and the host
 * can read them. Needs `createClient({ plaintextRag: true })`; without it every call rejects with `INVALID_CONFIG`.
 */
export interface Vectors {
  /**
   * Store vectors in the connection's store (keyed by its session id; kept until the node restarts). Batched under
   * the frame limit; `replace: true` clears the store first (only the first batch replaces). The node's per-vector
   * rejections are reported, not thrown.
   */
  upload(
    vectors: readonly RagVectorInput[],
    options: { replace: boolean } & FlowOptions,
  ): Promise<UploadResult>
  /**
   * Cosine search: at most `k` hits, best first. The node ignores `threshold` when `filter` is set. Rejects with
   * `RAG_NOT_ENABLED`/`RAG_SESSION_NOT_FOUND` before any upload on the session, `RAG_SEARCH_FAILED` (e.g. a query
   * that is not 384-dimensional).
   */
  search(queryVector: readonly number[], options: SearchOptions & FlowOptions): Promise<SearchResults>
}

/**
 * The RAG operations of `session` (plaintext; requires the client's `plaintextRag: true` opt-in, see
 * {@link Vectors}). Errors of RAG carry no correlation on the node: requests run one at a time, so each reply or
 * error belongs to the request in flight; a request abandoned by timeout or abort recycles the connection so that
 * its late reply cannot be taken for the next one's.
 *
 * ```ts
 * import { vectors } from '@fabstir/transport-ws/rag'
 * await vectors(session).upload([{ id: 'doc-1', vector, metadata: { text } }], { replace: true })
 * const { results } = await vectors(session).search(queryVector, { k: 5 })
 * ```
 */
export function vectors(session: ClientSession): Vectors {
  const run = <R>(start: ConstructorParameters<typeof ProgressJob>[0], options: FlowOptions): Promise<R> => {
    if (!withHost(session, (host) => host.opts.plaintextRag)) {
      return Promise.reject(
        new FabstirError(
          'INVALID_CONFIG',
          'RAG sends vectors and metadata in plaintext: enable it explicitly with createClient({ plaintextRag: true })',
          { details: { field: 'plaintextRag' } },
        ),
      )
    }
    const job = new ProgressJob<never, R>(start, options)
    job.recycleOnAbandon = true
    return job.submit(session, options.signal).result
  }
  const deadline = (options: FlowOptions) =>
    options.timeoutMs === undefined ? {} : { deadlineMs: options.timeoutMs }
  return {
    async upload(list, options) {
      const total: UploadResult = { status: 'success', uploaded: 0, rejected: 0, rejections: [], batches: 0 }
      for (const [i, batch] of batchVectors(list).entries()) {
        const r = await run<UploadBatchResult>(
          (protocol, now) =>
            startRagUpload(protocol, batch, i === 0 && options.replace, { now, ...deadline(options) }),
          options,
        )
        total.uploaded += r.uploaded
        total.rejected += r.rejected
        total.rejections.push(...r.rejections)
        total.batches++
      }
      total.status = total.rejected === 0 ? 'success' : total.uploaded === 0 ? 'error' : 'partial'
      return total
    },
    search(queryVector, options) {
      const { k, threshold, filter } = options
      const search: SearchOptions = { k }
      if (threshold !== undefined) search.threshold = threshold
      if (filter !== undefined) search.filter = filter
      return run<SearchResults>(
        (protocol, now) => startRagSearch(protocol, queryVector, search, { now, ...deadline(options) }),
        options,
      )
    },
  }
}
