/**
 * Error codes of the rest of the `/v1/ws` surface (PROTOCOL-SURFACE §2): the codes inside encrypted action replies
 * (`{"type":"<family>_error","error":{code,message}}`), the codes documented elsewhere but never sent, and the SDK
 * codes that shape B errors (no `code`, only an `error` text) are mapped to.
 */
import type { ErrorCodeRow } from './errors.js'

const node = (
  code: string,
  families: ErrorCodeRow['families'],
  description: string,
  action: string,
  retryable: boolean,
): ErrorCodeRow => ({ code, origin: 'node', sentByNode: true, families, description, action, retryable })

const FIX_REQUEST = 'Fix the request; resending it unchanged fails again.'

/** Codes the node sends only inside encrypted action replies (image, transcode, LTX). TIMEOUT is in the core table. */
export const ACTION_ERROR_ROWS: readonly ErrorCodeRow[] = [
  node(
    'RATE_LIMIT_EXCEEDED',
    ['image', 'transcode'],
    'Per-session action rate limit: more than 5 successful images per 60 s, or more than 3 transcode submits per ' +
      '300 s (node defaults).',
    'Wait for the sliding window to move, then retry.',
    true,
  ),
  node(
    'VALIDATION_FAILED',
    ['image', 'transcode', 'ltx'],
    'The action request was rejected before any work: bad JSON shape or field type, blank prompt, bad size or steps ' +
      '(image), missing sourceCid/mediaFormats (transcode), bad template, bounds, duration, inputs or seed (LTX).',
    FIX_REQUEST,
    false,
  ),
  node(
    'PROMPT_BLOCKED',
    ['image'],
    "The image prompt contains a blocked keyword (substring match, so e.g. 'denuded' is blocked too).",
    'Rephrase the prompt.',
    false,
  ),
  node(
    'DIFFUSION_SERVICE_UNAVAILABLE',
    ['image'],
    'The node has no diffusion sidecar.',
    'Use another host for image generation.',
    false,
  ),
  node(
    'IMAGE_GENERATION_FAILED',
    ['image'],
    'The diffusion sidecar failed or timed out (120 s).',
    'Retry later.',
    true,
  ),
  node(
    'SIDECAR_UNAVAILABLE',
    ['transcode', 'ltx'],
    'The node has no transcoder (transcode) or ComfyUI (LTX) sidecar, or it vanished between accept and spawn.',
    'Use another host for this action.',
    false,
  ),
  node(
    'TRANSCODE_CAPACITY_FULL',
    ['transcode'],
    'Every transcode slot of the sidecar is in use, or its status could not be read.',
    'Retry later.',
    true,
  ),
  node('SUBMIT_FAILED', ['transcode'], 'The transcoder sidecar rejected the submit.', 'Retry later.', true),
  node(
    'POLL_FAILED',
    ['transcode'],
    'A status poll of the transcoder failed; the node ends the job on the first failure (no retry).',
    'Submit the job again.',
    true,
  ),
  node(
    'MODERATION_UNAVAILABLE',
    ['transcode'],
    'The transcode produced no publishable outputs, or (MODERATION_ENFORCE) no moderation verdict was available.',
    'Retry later; report it if it persists.',
    true,
  ),
  node(
    'CONTENT_FLAGGED',
    ['transcode'],
    'Moderation flagged the transcoded content (MODERATION_ENFORCE only).',
    'Do not resubmit the same content.',
    false,
  ),
  node(
    'CONTENT_BLOCKED',
    ['transcode'],
    'Moderation blocked the transcoded content (MODERATION_ENFORCE only).',
    'Do not resubmit the same content.',
    false,
  ),
  node(
    'CAPACITY',
    ['ltx'],
    'LTX rate limit (3 per 300 s per session), no free render slot, or the session is being settled.',
    'Retry later.',
    true,
  ),
  node(
    'GENERATION_FAILED',
    ['ltx'],
    'The LTX render failed after accept (input fetch, submit, render, upload, manifest or attestation).',
    'Retry; check the inputs if it persists.',
    true,
  ),
]

const neverSent = (code: string, what: string, retryable = false): ErrorCodeRow => ({
  code,
  origin: 'node',
  sentByNode: false,
  description: `Documented but never sent on /v1/ws: ${what}`,
  action: 'Map it if seen; treat as a failed request.',
  retryable,
})
const vectorLoading = (code: string) =>
  neverSent(code, 'an S5 vector-loading error, which never reaches the socket (use uploadVectors instead).')

/** Codes documented by the node team (or defined in its source) that `/v1/ws` never sends. */
export const NEVER_SENT_SURFACE_ROWS: readonly ErrorCodeRow[] = [
  neverSent('MODEL_UNAVAILABLE', 'an unknown or unloaded model silently maps to the default model.'),
  neverSent('MODEL_UNAUTHORIZED', 'the node does not authorise models per client.'),
  neverSent('CONTEXT_TOO_LARGE', 'an oversized prompt is TOKEN_LIMIT_EXCEEDED.'),
  neverSent('CIRCUIT_OPEN', 'the node has no circuit breaker on this route.', true),
  vectorLoading('MANIFEST_NOT_FOUND'),
  vectorLoading('MANIFEST_DOWNLOAD_FAILED'),
  vectorLoading('CHUNK_DOWNLOAD_FAILED'),
  vectorLoading('OWNER_MISMATCH'),
  vectorLoading('DIMENSION_MISMATCH'),
  vectorLoading('MEMORY_LIMIT_EXCEEDED'),
  vectorLoading('INVALID_PATH'),
  vectorLoading('INVALID_SESSION_KEY'),
  vectorLoading('EMPTY_DATABASE'),
  vectorLoading('INDEX_BUILD_FAILED'),
  vectorLoading('SESSION_NOT_FOUND'),
  vectorLoading('INTERNAL_ERROR'),
]

const client = (code: string, description: string, action: string, retryable: boolean): ErrorCodeRow => ({
  code,
  origin: 'client',
  sentByNode: false,
  description,
  action,
  retryable,
})

/** SDK codes for shape B errors (no `code`), classified by the node's text (see {@link SHAPE_B_ERRORS}). */
export const SHAPE_B_ROWS: readonly ErrorCodeRow[] = [
  client(
    'VALIDATION_ERROR',
    'The node rejected a chat request field (model, prompt, max_tokens, temperature or thinking): shape B ' +
      '"Validation error for <field>: …", followed by stream_end {reason: "error"}.',
    FIX_REQUEST,
    false,
  ),
  client(
    'SERVICE_UNAVAILABLE',
    'The node inference engine is not initialised (shape B "Service unavailable: …").',
    'Retry later or use another host.',
    true,
  ),
  client(
    'INFERENCE_FAILED',
    'Streaming inference failed on the node (shape B "Internal error: …").',
    'Retry the prompt.',
    true,
  ),
  client(
    'RAG_SESSION_FAILED',
    'The node could not create the RAG session record (shape B "Failed to create RAG session: …").',
    'Retry the upload.',
    true,
  ),
  client(
    'RAG_UPLOAD_FAILED',
    'The node failed to store the vectors (shape B "Upload vectors failed: …").',
    'Retry the upload.',
    true,
  ),
  client(
    'RAG_INVALID_REQUEST',
    'The node could not parse an uploadVectors/searchVectors frame (shape B "Invalid … request: <serde>").',
    FIX_REQUEST,
    false,
  ),
  client(
    'RAG_NOT_ENABLED',
    'searchVectors on a session without uploaded vectors (shape B "Session … found but RAG not enabled").',
    'Upload vectors first (a plaintext session_init wipes them).',
    false,
  ),
  client(
    'RAG_SESSION_NOT_FOUND',
    'searchVectors on a session unknown to the node (shape B "Session … not found. Upload vectors first.").',
    'Upload vectors first.',
    false,
  ),
  client(
    'RAG_SEARCH_FAILED',
    'The search failed, e.g. a query vector that is not 384 long (shape B "Search vectors failed: …").',
    FIX_REQUEST,
    false,
  ),
]

/** What follows a shape B error on the socket. */
export type ShapeBFollowUp = 'stream_end' | 'nothing'

/** One shape B error text of the node and the SDK code it maps to. */
export interface ShapeBError {
  /** Anchored regular expression (source) matched against the `error` text; linear-time. */
  pattern: string
  /** SDK code (origin `client`). */
  code: string
  /** An example text, as the node words it. */
  example: string
  /** Whether a `stream_end {reason:"error"}` follows (chat) or nothing (RAG). */
  followedBy: ShapeBFollowUp
}

/** Every shape B text of PROTOCOL-SURFACE §2.3, in matching order; anything else is `NODE_ERROR`. */
export const SHAPE_B_ERRORS: readonly ShapeBError[] = [
  {
    pattern: '^Validation error for ',
    code: 'VALIDATION_ERROR',
    example: 'Validation error for prompt: Prompt cannot be empty',
    followedBy: 'stream_end',
  },
  {
    pattern: '^Rate limit exceeded',
    code: 'RATE_LIMITED',
    example: 'Rate limit exceeded, retry after 60 seconds',
    followedBy: 'stream_end',
  },
  {
    pattern: '^Service unavailable: ',
    code: 'SERVICE_UNAVAILABLE',
    example: 'Service unavailable: inference engine not initialized',
    followedBy: 'stream_end',
  },
  {
    pattern: '^Internal error: ',
    code: 'INFERENCE_FAILED',
    example: 'Internal error: Streaming inference failed: engine crashed',
    followedBy: 'stream_end',
  },
  {
    pattern: '^Failed to create RAG session: ',
    code: 'RAG_SESSION_FAILED',
    example: 'Failed to create RAG session: store full',
    followedBy: 'nothing',
  },
  {
    pattern: '^Upload vectors failed: ',
    code: 'RAG_UPLOAD_FAILED',
    example: 'Upload vectors failed: lock poisoned',
    followedBy: 'nothing',
  },
  {
    pattern: '^Invalid (?:uploadVectors|searchVectors) request: ',
    code: 'RAG_INVALID_REQUEST',
    example: 'Invalid uploadVectors request: missing field `replace`',
    followedBy: 'nothing',
  },
  {
    pattern: '^Session .* found but RAG not enabled\\.',
    code: 'RAG_NOT_ENABLED',
    example: 'Session sess-7f3c2a found but RAG not enabled. Upload vectors first.',
    followedBy: 'nothing',
  },
  {
    pattern: '^Session .* not found\\. Upload vectors first\\.',
    code: 'RAG_SESSION_NOT_FOUND',
    example: 'Session sess-7f3c2a not found. Upload vectors first.',
    followedBy: 'nothing',
  },
  {
    pattern: '^Search vectors failed: ',
    code: 'RAG_SEARCH_FAILED',
    example: 'Search vectors failed: Invalid query dimensions: expected 384, got 3',
    followedBy: 'nothing',
  },
]
