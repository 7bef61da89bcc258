import {
  checkSearchVectorsFrame,
  checkSearchVectorsResponseFrame,
  checkUploadVectorsFrame,
  checkUploadVectorsResponseFrame,
  type ErrorFrame,
  type SearchVectorsFrame,
  shapeBErrorCode,
  stringifyJson,
  type UploadVectorsFrame,
} from '@fabstir/wire'
import { FabstirError } from '../errors.js'
import { errorFromNodeFrame } from '../node-errors.js'
import { capNodeText } from '../node-text.js'
import { flowViolation, invalidRequest } from './action-error.js'
import type { Flow, FlowOutcome } from './flow.js'
import {
  type AnySession,
  assertSlotFree,
  type FlowStartOptions,
  flowRequestId,
  RAG_DEADLINE_MS,
} from './slot.js'

/**
 * Largest `uploadVectors` frame the SDK sends, in UTF-16 code units of its JSON (ASCII in practice): below the
 * node's 16 MiB single-frame limit (§3.6), with room for the envelope.
 */
export const MAX_RAG_FRAME_CHARS = 15 * 1024 * 1024

/** One vector to store: 384 finite numbers on the real node, and metadata of at most 10,240 bytes as JSON. */
export interface RagVectorInput {
  /** Id; an existing id is overwritten. */
  id: string
  /** The embedding. */
  vector: number[]
  /** Any JSON (document text, source…); sent in plaintext. Default `null`. */
  metadata?: unknown
}

/** A vector the node refused, with its reason (dimensions, NaN/∞, metadata size, capacity). */
export interface VectorRejection {
  /** The vector's id. */
  id: string
  /** The node's reason, capped. */
  reason: string
}

/** Result of one `uploadVectors` frame. */
export interface UploadBatchResult {
  /** `success` (nothing rejected), `partial` or `error` (everything rejected). */
  status: 'success' | 'partial' | 'error'
  /** Vectors stored (overwrites count). */
  uploaded: number
  /** Vectors refused. */
  rejected: number
  /** One entry per refused vector. */
  rejections: VectorRejection[]
}

/** A search hit: id, cosine score in −1..1 and the stored metadata (no vector). */
export interface SearchHit {
  /** The vector's id. */
  id: string
  /** Cosine similarity. */
  score: number
  /** The metadata stored with the vector. */
  metadata: unknown
}

/** Result of a `searchVectors`. */
export interface SearchResults {
  /** Hits, best first, at most `k`. */
  results: SearchHit[]
  /** Vectors in the store. */
  totalVectors: number
  /** The node's search time. */
  searchTimeMs: number
}

/** Search parameters (§9.3). The node ignores `threshold` when a `filter` is given. */
export interface SearchOptions {
  /** Number of hits (non-negative integer; the node has no cap). */
  k: number
  /** Keep hits with `score >= threshold` (ignored by the node when `filter` is set). */
  threshold?: number
  /** Metadata filter: `{field: {$eq: v}}` or `{field: {$in: [..]}}`; a non-object condition matches everything. */
  filter?: unknown
}

/**
 * Split vectors into `uploadVectors` batches whose JSON stays under `maxChars` (the node has no batch cap, only its
 * frame limit). Pure; order is kept. A single vector larger than `maxChars` throws `INVALID_PROMPT`.
 */
export function batchVectors(
  vectors: readonly RagVectorInput[],
  maxChars = MAX_RAG_FRAME_CHARS,
): RagVectorInput[][] {
  const envelope = 200
  const batches: RagVectorInput[][] = []
  let current: RagVectorInput[] = []
  let size = envelope
  for (const v of vectors) {
    const len = stringifyJson({ id: v.id, vector: v.vector, metadata: v.metadata ?? null }).length + 1
    if (len + envelope > maxChars)
      throw invalidRequest(
        'rag',
        `vector "${capNodeText(String(v.id), 64)}" alone exceeds the frame limit`,
        'vectors',
      )
    if (size + len > maxChars && current.length > 0) {
      batches.push(current)
      current = []
      size = envelope
    }
    current.push(v)
    size += len
  }
  if (current.length > 0 || batches.length === 0) batches.push(current)
  return batches
}

/**
 * Start one `uploadVectors` (sans-IO). **Plaintext**: the node has no encrypted RAG (§9); vectors and metadata are
 * readable by anyone on the path and by the host. The caller must have the user's explicit opt-in. Works on
 * encrypted and plaintext sessions (the store is keyed by the connection's session id).
 */
export function startRagUpload(
  session: AnySession,
  vectors: readonly RagVectorInput[],
  replace: boolean,
  options: FlowStartOptions,
): UploadVectorsFrame {
  assertSlotFree(session, 'rag')
  const id = flowRequestId(session, options.id)
  const frame = {
    type: 'uploadVectors' as const,
    requestId: id,
    vectors: vectors.map((v) => ({ id: v.id, vector: v.vector, metadata: v.metadata ?? null })),
    replace,
  }
  const checked = checkUploadVectorsFrame(frame)
  if (!checked.ok) {
    const issue = checked.issues[0]
    throw invalidRequest('rag', `${issue?.path || '/'}: ${issue?.message}`, issue?.path, checked.issues)
  }
  session.beginFlow(id, ragFlow('uploadVectorsResponse', id, session.sessionId, options))
  return checked.value
}

/** Start one `searchVectors` (sans-IO; plaintext, see {@link startRagUpload}). */
export function startRagSearch(
  session: AnySession,
  queryVector: readonly number[],
  search: SearchOptions,
  options: FlowStartOptions,
): SearchVectorsFrame {
  assertSlotFree(session, 'rag')
  if (!Number.isSafeInteger(search.k) || search.k < 0)
    throw invalidRequest('rag', 'k must be a non-negative integer', 'k')
  if (!queryVector.every(Number.isFinite))
    throw invalidRequest('rag', 'queryVector must hold finite numbers', 'queryVector')
  const id = flowRequestId(session, options.id)
  const frame: SearchVectorsFrame = {
    type: 'searchVectors',
    requestId: id,
    queryVector: [...queryVector],
    k: search.k,
  }
  if (search.threshold !== undefined) frame.threshold = search.threshold
  if (search.filter !== undefined) frame.metadataFilter = search.filter
  const checked = checkSearchVectorsFrame(frame)
  if (!checked.ok) {
    const issue = checked.issues[0]
    throw invalidRequest('rag', `${issue?.path || '/'}: ${issue?.message}`, issue?.path, checked.issues)
  }
  session.beginFlow(id, ragFlow('searchVectorsResponse', id, session.sessionId, options))
  return checked.value
}

function ragFlow(
  expected: 'uploadVectorsResponse' | 'searchVectorsResponse',
  id: string,
  sessionId: string,
  options: FlowStartOptions,
): Flow {
  const violation = (message: string, details?: Record<string, unknown>): FlowOutcome => ({
    events: [{ type: 'error', error: flowViolation('rag', message, id, sessionId, details) }],
    done: true,
  })
  return {
    kind: 'rag',
    aad: undefined,
    plainTypes: ['uploadVectorsResponse', 'searchVectorsResponse'],
    deadlineAt: options.now + (options.deadlineMs ?? RAG_DEADLINE_MS),
    inLoop: false,
    onInner: () => ({ events: [], done: false }),
    onPlain(frame): FlowOutcome {
      // RAG replies echo the requestId the SDK sent; one without it is the answer to the oldest (only) request.
      if (frame.requestId !== undefined && frame.requestId !== id) return { events: [], done: false }
      if (frame.type !== expected)
        return violation(`${String(frame.type)} in answer to ${expected.replace('Response', '')}`)
      if (expected === 'uploadVectorsResponse') {
        const checked = checkUploadVectorsResponseFrame(frame)
        if (!checked.ok) return violation('invalid uploadVectorsResponse', { issues: checked.issues })
        const r = checked.value
        const result: UploadBatchResult = {
          status: r.status,
          uploaded: r.uploaded,
          rejected: r.rejected,
          rejections: r.errors.map(parseRejection),
        }
        return { events: [{ type: 'result', id, kind: 'rag', result }], done: true }
      }
      const checked = checkSearchVectorsResponseFrame(frame)
      if (!checked.ok) return violation('invalid searchVectorsResponse', { issues: checked.issues })
      const r = checked.value
      const result: SearchResults = {
        results: r.results,
        totalVectors: r.totalVectors,
        searchTimeMs: r.searchTimeMs,
      }
      return { events: [{ type: 'result', id, kind: 'rag', result }], done: true }
    },
    onError(frame: ErrorFrame): FlowOutcome | undefined {
      // Shape B RAG errors carry no id or requestId (§3.5): the oldest outstanding RAG request takes them.
      if ('code' in frame) return undefined
      const code = shapeBErrorCode(frame.error)
      const error =
        code === 'NODE_ERROR' || code === 'RATE_LIMITED'
          ? errorFromNodeFrame(frame, id)
          : new FabstirError(code, `rag failed: ${code}: ${capNodeText(frame.error)}`, {
              requestId: id,
              sessionId,
              nodeMessage: capNodeText(frame.error),
              details: { kind: 'rag' },
            })
      return { events: [{ type: 'error', error }], done: true }
    },
    cancelFrame: () => undefined,
  }
}

function parseRejection(text: string): VectorRejection {
  const at = text.indexOf(': ')
  return at < 0
    ? { id: '', reason: capNodeText(text) }
    : { id: capNodeText(text.slice(0, at), 256), reason: capNodeText(text.slice(at + 2)) }
}
