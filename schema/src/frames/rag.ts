import { Type } from '@sinclair/typebox'
import { AnyJson, Count, named } from '../keywords.js'

/** Embedding dimension of the node's RAG store. */
export const RAG_DIMENSIONS = 384
/** Largest metadata of one vector, in bytes of compact JSON. */
export const RAG_MAX_METADATA_BYTES = 10_240
/** Vectors per RAG store. */
export const RAG_CAPACITY = 100_000

const F32_MAX = 3.4028234663852886e38
const Component = Type.Number({
  description: 'A finite component, parsed as f32 (values beyond the f32 range become ±∞ and are rejected).',
  minimum: -F32_MAX,
  maximum: F32_MAX,
})
const RagRequestId = Type.Optional(
  Type.String({ description: 'Correlation id, echoed on the response (a number here is a parse error).' }),
)

/** One vector of an upload. */
export const RagVector = named(
  'RagVector',
  Type.Object(
    {
      id: Type.String({
        description: 'Vector id; an existing id is overwritten (not counted against capacity).',
      }),
      vector: Type.Array(Component, {
        description: `The embedding: exactly ${RAG_DIMENSIONS} finite numbers.`,
        minItems: RAG_DIMENSIONS,
        maxItems: RAG_DIMENSIONS,
      }),
      metadata: AnyJson(
        `Any JSON (the key is required; null is allowed), at most ${RAG_MAX_METADATA_BYTES} bytes as compact JSON. ` +
          'Travels in plaintext.',
        RAG_MAX_METADATA_BYTES,
      ),
    },
    {
      // No example: a valid one needs 384 numbers.
      description: 'A vector to store. Per-vector failures are reported in uploadVectorsResponse.errors.',
    },
  ),
)

/** `uploadVectors` — plaintext only. */
export const UploadVectorsFrame = named(
  'UploadVectorsFrame',
  Type.Object(
    {
      type: Type.Literal('uploadVectors', { description: 'Frame type.' }),
      requestId: RagRequestId,
      vectors: Type.Array(RagVector, {
        description:
          'Vectors to store; may be empty. No batch cap on the node (only the 16 MiB frame limit). Store capacity ' +
          `${RAG_CAPACITY}.`,
      }),
      replace: Type.Boolean({
        description:
          'Required. true clears the store before processing, even if every vector is then rejected.',
      }),
    },
    {
      description:
        "Stores vectors in the connection's RAG store (keyed by the connection's session id, else the shared " +
        '`default-rag-session`). **Plaintext**: vectors and metadata travel in the clear. session_id fields are ' +
        'ignored. Errors are shape B without correlation.',
      examples: [{ type: 'uploadVectors', requestId: 'up-1', vectors: [], replace: false }],
    },
  ),
)

/** `uploadVectorsResponse`. */
export const UploadVectorsResponseFrame = named(
  'UploadVectorsResponseFrame',
  Type.Object(
    {
      type: Type.Literal('uploadVectorsResponse', { description: 'Frame type.' }),
      requestId: RagRequestId,
      status: Type.Union(
        [
          Type.Literal('success', { description: 'Nothing rejected (including an empty batch).' }),
          Type.Literal('partial', { description: 'Some vectors rejected.' }),
          Type.Literal('error', { description: 'All vectors rejected.' }),
        ],
        { description: 'Outcome of the batch.' },
      ),
      uploaded: Count('Vectors stored (overwrites included).'),
      rejected: Count('Vectors rejected.'),
      errors: Type.Array(Type.String({ description: '"<id>: <reason>".' }), {
        description: 'One entry per rejected vector (dimensions, NaN/∞, metadata too large, capacity).',
      }),
    },
    {
      description: 'Result of an uploadVectors frame.',
      examples: [
        {
          type: 'uploadVectorsResponse',
          requestId: 'up-1',
          status: 'partial',
          uploaded: 1,
          rejected: 1,
          errors: ['doc-2#0: Invalid vector dimensions: expected 384, got 3'],
        },
      ],
    },
  ),
)

/** `searchVectors` — plaintext only. */
export const SearchVectorsFrame = named(
  'SearchVectorsFrame',
  Type.Object(
    {
      type: Type.Literal('searchVectors', { description: 'Frame type.' }),
      requestId: RagRequestId,
      queryVector: Type.Array(Component, {
        description: `Query embedding: exactly ${RAG_DIMENSIONS} numbers (checked even on an empty store).`,
        minItems: RAG_DIMENSIONS,
        maxItems: RAG_DIMENSIONS,
      }),
      k: Count(
        'Results wanted; not capped on the node; 0 gives no results. A float or negative is a parse error.',
      ),
      threshold: Type.Optional(
        Type.Number({
          description: 'Keep results with score ≥ threshold. Ignored when metadataFilter is present.',
        }),
      ),
      metadataFilter: Type.Optional(
        AnyJson(
          'Object of field → operators ({"$eq": v} or {"$in": [..]}); a missing field compares as null, unknown ' +
            'operators are skipped, a non-object condition or filter matches everything.',
        ),
      ),
    },
    {
      description:
        'Cosine search over the connection RAG store. **Plaintext**: the query vector travels in the clear.',
      // No example: a valid one needs 384 numbers.
    },
  ),
)

/** One search hit. */
export const SearchResult = named(
  'SearchResult',
  Type.Object(
    {
      id: Type.String({ description: 'Vector id.' }),
      score: Type.Number({
        description: 'Cosine similarity, −1 … 1 (a zero vector scores 0).',
        minimum: -1,
        maximum: 1,
      }),
      metadata: AnyJson('The stored metadata (null allowed).'),
    },
    {
      description: 'A search hit; it carries no vector.',
      examples: [{ id: 'doc-1#0', score: 0.83, metadata: { source: 'doc-1' } }],
    },
  ),
)

/** `searchVectorsResponse`. */
export const SearchVectorsResponseFrame = named(
  'SearchVectorsResponseFrame',
  Type.Object(
    {
      type: Type.Literal('searchVectorsResponse', { description: 'Frame type.' }),
      requestId: RagRequestId,
      results: Type.Array(SearchResult, {
        description: 'Hits by descending score (ties in arbitrary order).',
      }),
      totalVectors: Count('Vectors in the store.'),
      searchTimeMs: Type.Number({ description: 'Search time, ms (f64).', minimum: 0 }),
    },
    {
      description: 'Result of a searchVectors frame.',
      examples: [
        {
          type: 'searchVectorsResponse',
          requestId: 'q-1',
          results: [{ id: 'doc-1#0', score: 0.83, metadata: { source: 'doc-1' } }],
          totalVectors: 12,
          searchTimeMs: 0.4,
        },
      ],
    },
  ),
)
