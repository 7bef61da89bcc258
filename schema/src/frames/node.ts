import { Type } from '@sinclair/typebox'
import {
  AadHex,
  ChainId,
  CiphertextHex,
  EncryptedPayload,
  LowercaseAddress,
  NonceHex,
  RequestId,
  SessionId,
} from '../common.js'
import { EX } from '../examples.js'
import { Count, describe, named, U64 } from '../keywords.js'

const EchoedId = describe(RequestId, 'Id of the request this frame answers (echoed when it had one).')

/** `connected` — sent by the node right after the WebSocket upgrade. */
export const ConnectedFrame = named(
  'ConnectedFrame',
  Type.Object(
    {
      type: Type.Literal('connected', { description: 'Frame type.' }),
      message: Type.Optional(
        Type.String({ description: 'Greeting text, "WebSocket connected successfully".' }),
      ),
    },
    {
      description: 'First frame on every connection, sent immediately after the upgrade.',
      examples: [{ type: 'connected', message: 'WebSocket connected successfully' }],
    },
  ),
)

/** `session_init_ack` — success reply to `encrypted_session_init` or plaintext `session_init`. */
export const SessionInitAckFrame = named(
  'SessionInitAckFrame',
  Type.Object(
    {
      type: Type.Literal('session_init_ack', { description: 'Frame type.' }),
      status: Type.String({
        description:
          'Outcome; "success" (failures arrive as error frames instead). Any other value is a failed init: the SDK fails the session with NODE_ERROR.',
      }),
      session_id: SessionId,
      job_id: Type.Optional(
        Type.Union([U64('Job id as a JSON integer (u64).'), Type.Null({ description: 'No job id.' })], {
          description: 'Job id known to the node for this session, or null.',
        }),
      ),
      chain_id: Type.Optional(ChainId),
      client_address: Type.Optional(
        describe(
          LowercaseAddress,
          'Encrypted sessions only: the address the node recovered from signatureHex. The node checks nothing; the ' +
            "client must compare it with its own signer's address (a mismatch means a wrong signing scheme or tampering).",
        ),
      ),
      message: Type.Optional(Type.String({ description: 'Human-readable status text.' })),
      id: Type.Optional(EchoedId),
    },
    {
      description:
        'Success reply to a session init. The encrypted variant carries client_address; the plaintext variant has ' +
        'none.',
      examples: [
        {
          type: 'session_init_ack',
          status: 'success',
          session_id: EX.sessionId,
          job_id: 12345,
          chain_id: 84532,
          client_address: EX.clientAddress,
          message: 'Encrypted session initialized',
          id: 'init-1',
        },
        {
          type: 'session_init_ack',
          status: 'success',
          session_id: EX.sessionId,
          job_id: null,
          chain_id: 84532,
          message: 'Session initialized',
          id: 'init-1',
        },
      ],
    },
  ),
)

/** The sealed payload of an `encrypted_chunk`: the common three fields plus the chunk index. */
export const EncryptedChunkPayload = named(
  'EncryptedChunkPayload',
  Type.Object(
    {
      ciphertextHex: CiphertextHex,
      nonceHex: NonceHex,
      aadHex: AadHex,
      index: Count('Chunk index i: 0, 1, 2, … reset to 0 for every prompt. The AAD is `chunk_<i>`.'),
    },
    {
      description: 'A response chunk sealed with the session key, AAD `chunk_<index>`.',
      examples: [
        { ciphertextHex: EX.ciphertextHex, nonceHex: EX.nonceHex[0], aadHex: EX.aadChunk0, index: 0 },
      ],
    },
  ),
)

/** `encrypted_chunk` — one streamed piece of the response. */
export const EncryptedChunkFrame = named(
  'EncryptedChunkFrame',
  Type.Object(
    {
      type: Type.Literal('encrypted_chunk', { description: 'Frame type.' }),
      id: Type.Optional(EchoedId),
      session_id: SessionId,
      tokens: Count('Tokens in this chunk: 1, or 0 on the final chunk.'),
      final: Type.Optional(
        Type.Boolean({ description: 'true on the last chunk of a response (absent otherwise).' }),
      ),
      payload: EncryptedChunkPayload,
    },
    {
      description:
        'One streamed response chunk. Its text may be empty. The last chunk has final: true, tokens: 0 and ' +
        'normally empty text (on a generation error its text is "Error: …").',
      examples: [
        {
          type: 'encrypted_chunk',
          id: 'req-1',
          session_id: EX.sessionId,
          tokens: 1,
          payload: {
            ciphertextHex: EX.ciphertextHex,
            nonceHex: EX.nonceHex[0],
            aadHex: EX.aadChunk0,
            index: 0,
          },
        },
        {
          type: 'encrypted_chunk',
          id: 'req-1',
          session_id: EX.sessionId,
          tokens: 0,
          final: true,
          payload: {
            ciphertextHex: EX.emptyCiphertextHex,
            nonceHex: EX.nonceHex[1],
            aadHex: EX.aadChunk1,
            index: 1,
          },
        },
      ],
    },
  ),
)

/** `encrypted_response` — the authenticated end of a response. */
export const EncryptedResponseFrame = named(
  'EncryptedResponseFrame',
  Type.Object(
    {
      type: Type.Literal('encrypted_response', { description: 'Frame type.' }),
      id: Type.Optional(EchoedId),
      session_id: SessionId,
      payload: EncryptedPayload,
    },
    {
      description:
        'Sealed with the session key, AAD `encrypted_response_final`; the plaintext is the bare finish reason ' +
        '(`stop`, or `error`). A response is complete only after a valid encrypted_response. The same frame carries ' +
        'every action reply (image, transcode, LTX), sealed under its family AAD (see Encrypted actions); a chat ' +
        'prompt auto-routed to image generation is answered by one such frame only.',
      examples: [
        {
          type: 'encrypted_response',
          id: 'req-1',
          session_id: EX.sessionId,
          payload: { ciphertextHex: EX.emptyCiphertextHex, nonceHex: EX.nonceHex[0], aadHex: EX.aadFinal },
        },
      ],
    },
  ),
)

/** Token accounting attached to `stream_end`. */
export const StreamUsage = named(
  'StreamUsage',
  Type.Object(
    {
      prompt_tokens: Count('Tokens in the prompt (including conversation history).'),
      completion_tokens: Count('Tokens generated.'),
      total_tokens: Count('prompt_tokens + completion_tokens.'),
      context_window_size: Count("The model's context window, in tokens."),
    },
    {
      description: 'Token usage of the finished response.',
      examples: [{ prompt_tokens: 12, completion_tokens: 2, total_tokens: 14, context_window_size: 8192 }],
    },
  ),
)

/** `stream_end` — plaintext, unauthenticated end-of-stream marker. */
export const StreamEndFrame = named(
  'StreamEndFrame',
  Type.Object(
    {
      type: Type.Literal('stream_end', { description: 'Frame type.' }),
      reason: Type.Optional(
        Type.String({
          description:
            'Why the stream ended: "complete", "cancelled" or "error". Optional: older nodes, and the `stream_end` after a shape B error, may omit it (read absent as "complete").',
        }),
      ),
      tokens_used: Type.Optional(
        Count(
          'Tokens generated for this response. Absent on some error paths and on older nodes (read as 0).',
        ),
      ),
      finish_reason: Type.Optional(Type.String({ description: '"stop", "length" or "cancelled".' })),
      usage: Type.Optional(StreamUsage),
      vlm_tokens: Type.Optional(
        Count(
          'Tokens of the VLM image analysis billed to the job; only on a complete stream, only when > 0.',
        ),
      ),
      id: Type.Optional(EchoedId),
      session_id: Type.Optional(SessionId),
    },
    {
      description:
        'Plaintext and unauthenticated: it must not be trusted as proof of completeness (only encrypted_response is).',
      examples: [
        {
          type: 'stream_end',
          reason: 'complete',
          tokens_used: 2,
          finish_reason: 'stop',
          usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14, context_window_size: 8192 },
          id: 'req-1',
          session_id: EX.sessionId,
        },
        {
          type: 'stream_end',
          reason: 'cancelled',
          finish_reason: 'cancelled',
          tokens_used: 5,
          id: 'req-1',
          session_id: EX.sessionId,
        },
        { type: 'stream_end', reason: 'error', tokens_used: 0 },
      ],
    },
  ),
)

/** `stream_chunk` — deprecated plaintext response chunk. */
export const StreamChunkFrame = named(
  'StreamChunkFrame',
  Type.Object(
    {
      type: Type.Literal('stream_chunk', { description: 'Frame type.' }),
      content: Type.String({ description: 'Generated text, in clear (empty on the last chunk).' }),
      tokens: Count('Tokens in this chunk (0 on the last chunk).'),
      id: Type.Optional(EchoedId),
    },
    {
      description: 'Plaintext response chunk of the deprecated plaintext mode; followed by stream_end.',
      examples: [
        { type: 'stream_chunk', content: 'Hello', tokens: 1, id: 'req-1' },
        { type: 'stream_chunk', content: '', tokens: 0, id: 'req-1' },
      ],
    },
  ),
)

/** Shape A error: `{type: 'error', code, message, session_id?, id?}`. */
export const CodedErrorFrame = named(
  'CodedErrorFrame',
  Type.Object(
    {
      type: Type.Literal('error', { description: 'Frame type.' }),
      code: Type.String({
        description: 'Stable error code (see the error code table); unknown codes may appear.',
      }),
      message: Type.String({ description: 'Human-readable explanation.' }),
      session_id: Type.Optional(SessionId),
      id: Type.Optional(EchoedId),
      prompt_tokens: Type.Optional(Count('TOKEN_LIMIT_EXCEEDED only: tokens in the rejected prompt.')),
      context_window_size: Type.Optional(Count("TOKEN_LIMIT_EXCEEDED only: the model's context window.")),
    },
    {
      description: 'Error with a stable code (shape A).',
      examples: [
        {
          type: 'error',
          code: 'SESSION_KEY_NOT_FOUND',
          message: 'Session key not found for session sess-7f3c2a',
          session_id: EX.sessionId,
          id: 'req-2',
        },
        {
          type: 'error',
          code: 'TOKEN_LIMIT_EXCEEDED',
          message: 'Prompt exceeds the context window',
          session_id: EX.sessionId,
          id: 'req-3',
          prompt_tokens: 9000,
          context_window_size: 8192,
        },
      ],
    },
  ),
)

/** Shape B error: `{type: 'error', error: string}` — no code. */
export const MessageErrorFrame = named(
  'MessageErrorFrame',
  Type.Object(
    {
      type: Type.Literal('error', { description: 'Frame type.' }),
      error: Type.String({
        description: 'Human-readable message, e.g. "Rate limit exceeded, retry after 60 seconds".',
      }),
    },
    {
      description:
        'Error without a code (shape B): rate limiting, request validation, engine unavailable (followed by ' +
        'stream_end {reason: "error"}), and every RAG failure (nothing follows, no id, no requestId).',
      examples: [{ type: 'error', error: 'Rate limit exceeded, retry after 60 seconds' }],
    },
  ),
)

/** `error` in either shape. */
export const ErrorFrame = named(
  'ErrorFrame',
  Type.Union([CodedErrorFrame, MessageErrorFrame], {
    description: 'An error frame: shape A (with code) or shape B (message only).',
  }),
)
