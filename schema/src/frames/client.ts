import { Type } from '@sinclair/typebox'
import {
  AadHex,
  ChainId,
  CiphertextHex,
  EncryptedPayload,
  NonceHex,
  RequestId,
  SessionId,
  WireJobId,
} from '../common.js'
import { EX } from '../examples.js'
import { describe, Hex, named, U32_MAX, U64 } from '../keywords.js'
import { PromptImage, Thinking } from '../prompt.js'
import { InferenceRequest } from './inference.js'

/** The five sealed fields of `encrypted_session_init`. */
export const EncryptedSessionInitPayload = named(
  'EncryptedSessionInitPayload',
  Type.Object(
    {
      ephPubHex: Hex(
        'Client ephemeral secp256k1 public key, SEC1 compressed (33 bytes, what the SDK sends) or uncompressed (65).',
        { sizes: [33, 65] },
      ),
      ciphertextHex: CiphertextHex,
      signatureHex: Hex(
        'Raw secp256k1 ECDSA signature r ‖ s ‖ v (65 bytes, v ∈ {0,1}, low-S) over sha256(ciphertext incl. tag).',
        { sizes: [65] },
      ),
      nonceHex: NonceHex,
      aadHex: AadHex,
    },
    {
      description:
        'Session data sealed with the init key (HKDF-SHA256 of the ECDH x-coordinate). All five fields are ' +
        'required: a missing one gets INVALID_PAYLOAD.',
      examples: [
        {
          ephPubHex: EX.ephPubHex,
          ciphertextHex: EX.sessionInitCiphertextHex,
          signatureHex: EX.signatureHex,
          nonceHex: EX.nonceHex[0],
          aadHex: EX.aadSessionInit,
        },
      ],
    },
  ),
)

/** `encrypted_session_init` — opens (or re-keys) an encrypted session. */
export const EncryptedSessionInitFrame = named(
  'EncryptedSessionInitFrame',
  Type.Object(
    {
      type: Type.Literal('encrypted_session_init', { description: 'Frame type.' }),
      id: Type.Optional(RequestId),
      session_id: SessionId,
      chain_id: Type.Optional(ChainId),
      job_id: Type.Optional(describe(WireJobId, 'On-chain job id. Ignored by the node; harmless.')),
      payload: EncryptedSessionInitPayload,
    },
    {
      description:
        'Opens an encrypted session: carries the session data sealed to the node static key. Re-sending it with ' +
        'the same session_id replaces the key and keeps the conversation history.',
      examples: [
        {
          type: 'encrypted_session_init',
          id: 'init-1',
          session_id: EX.sessionId,
          chain_id: 84532,
          job_id: 12345,
          payload: {
            ephPubHex: EX.ephPubHex,
            ciphertextHex: EX.sessionInitCiphertextHex,
            signatureHex: EX.signatureHex,
            nonceHex: EX.nonceHex[0],
            aadHex: EX.aadSessionInit,
          },
        },
      ],
    },
  ),
)

/** `encrypted_message` — a prompt sealed with the session key. */
export const EncryptedMessageFrame = named(
  'EncryptedMessageFrame',
  Type.Object(
    {
      type: Type.Literal('encrypted_message', { description: 'Frame type.' }),
      id: Type.Optional(RequestId),
      session_id: SessionId,
      payload: EncryptedPayload,
    },
    {
      description:
        'A prompt sealed with the session key, AAD `message_<N>` (N counts from 0 per session). The plaintext is a ' +
        'bare prompt string or a PromptRequest JSON object (chat), or an ActionRequest (`action` image_generation, ' +
        'transcode or ltx_generate; any other action is chat).',
      examples: [
        {
          type: 'encrypted_message',
          id: 'req-1',
          session_id: EX.sessionId,
          payload: { ciphertextHex: EX.ciphertextHex, nonceHex: EX.nonceHex[1], aadHex: EX.aadMessage0 },
        },
      ],
    },
  ),
)

/** `stream_cancel` — asks the node to stop the response currently streaming. */
export const StreamCancelFrame = named(
  'StreamCancelFrame',
  Type.Object(
    {
      type: Type.Literal('stream_cancel', { description: 'Frame type.' }),
      session_id: SessionId,
      id: Type.Optional(RequestId),
    },
    {
      description:
        'Plaintext. Mid-stream the node answers at once with stream_end {reason: "cancelled"}; when idle it is ' +
        'ignored without reply. The only frame the node reads while a response is streaming.',
      examples: [{ type: 'stream_cancel', session_id: EX.sessionId }],
    },
  ),
)

/** `session_init` — deprecated plaintext session start. */
export const SessionInitFrame = named(
  'SessionInitFrame',
  Type.Object(
    {
      type: Type.Literal('session_init', { description: 'Frame type.' }),
      id: Type.Optional(RequestId),
      session_id: SessionId,
      job_id: Type.Optional(describe(WireJobId, 'On-chain job id of the session.')),
      chain_id: Type.Optional(ChainId),
    },
    {
      description:
        'Deprecated plaintext session start. Use only with encryption disabled by the caller, or after ' +
        'ENCRYPTION_NOT_SUPPORTED when the caller allowed plaintext fallback.',
      examples: [
        { type: 'session_init', id: 'init-1', session_id: EX.sessionId, job_id: 12345, chain_id: 84532 },
      ],
    },
  ),
)

/** `prompt` — deprecated plaintext prompt. */
export const PromptFrame = named(
  'PromptFrame',
  Type.Object(
    {
      type: Type.Literal('prompt', { description: 'Frame type.' }),
      id: Type.Optional(RequestId),
      session_id: SessionId,
      prompt: Type.Optional(
        Type.String({
          description:
            'The prompt text, in clear. Flat fields are read only without `request`; a missing prompt becomes "" ' +
            '(a shape B validation error).',
        }),
      ),
      max_tokens: Type.Optional(
        Type.Integer({
          description: 'Maximum tokens to generate (u32, node default 4000).',
          minimum: 0,
          maximum: U32_MAX,
        }),
      ),
      temperature: Type.Optional(
        Type.Number({
          description: 'Sampling temperature, 0 to 2 (node default 0.7).',
          minimum: 0,
          maximum: 2,
        }),
      ),
      model: Type.Optional(Type.String({ description: 'Model name (default: the node default model).' })),
      stream: Type.Optional(Type.Boolean({ description: 'Ignored: output always streams.' })),
      thinking: Type.Optional(Thinking),
      job_id: Type.Optional(
        U64('Job id (u64); taken only while the connection has none (also read as jobId).'),
      ),
      images: Type.Optional(
        Type.Array(PromptImage, {
          description: 'Images for vision models (outer frame, never inside request).',
        }),
      ),
      request: Type.Optional(
        describe(
          InferenceRequest,
          'Nested request, used instead of the flat fields; the node overwrites its job_id/session_id with the ' +
            "connection's values.",
        ),
      ),
    },
    {
      description: 'Deprecated plaintext prompt; answered with stream_chunk frames and stream_end.',
      examples: [
        { type: 'prompt', id: 'req-1', session_id: EX.sessionId, prompt: 'Hello!', max_tokens: 256 },
      ],
    },
  ),
)
