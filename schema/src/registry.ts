import type { TSchema } from '@sinclair/typebox'
import { EncryptedPayload } from './common.js'
import { ErrorCode } from './errors.js'
import { LtxCancelFrame, TranscodeCancelFrame } from './frames/cancel.js'
import {
  EncryptedMessageFrame,
  EncryptedSessionInitFrame,
  EncryptedSessionInitPayload,
  PromptFrame,
  SessionInitFrame,
  StreamCancelFrame,
} from './frames/client.js'
import { ConversationMessage, InferenceFrame, InferenceRequest } from './frames/inference.js'
import {
  CodedErrorFrame,
  ConnectedFrame,
  EncryptedChunkFrame,
  EncryptedChunkPayload,
  EncryptedResponseFrame,
  ErrorFrame,
  MessageErrorFrame,
  SessionInitAckFrame,
  StreamChunkFrame,
  StreamEndFrame,
  StreamUsage,
} from './frames/node.js'
import {
  RagVector,
  SearchResult,
  SearchVectorsFrame,
  SearchVectorsResponseFrame,
  UploadVectorsFrame,
  UploadVectorsResponseFrame,
} from './frames/rag.js'
import { ChatClientFrame, ChatNodeFrame, ClientFrame, NodeFrame } from './frames/unions.js'
import { ActionError, ChatFinalReason } from './inner/action-error.js'
import { ActionRequest } from './inner/actions.js'
import {
  ImageBilling,
  ImageGenerationError,
  ImageGenerationRequest,
  ImageGenerationResult,
  ImageResponse,
  ImageSafety,
} from './inner/image.js'
import {
  LtxAccepted,
  LtxBilling,
  LtxComplete,
  LtxError,
  LtxGenerateRequest,
  LtxManifest,
  LtxProgress,
  LtxResolution,
  LtxResponse,
} from './inner/ltx.js'
import {
  GopInfo,
  TranscodeAccepted,
  TranscodeBilling,
  TranscodeComplete,
  TranscodeError,
  TranscodeProgress,
  TranscodeRequest,
  TranscodeResponse,
  VideoFormat,
} from './inner/transcode.js'
import { PromptImage, PromptRequest } from './prompt.js'
import { SessionData, VectorDatabase } from './session-data.js'

/** What a registry entry describes; drives the sections of the generated documentation. */
export type SchemaGroup =
  | 'client-frame'
  | 'node-frame'
  | 'frame-union'
  | 'plaintext-object'
  | 'action-request'
  | 'action-reply'
  | 'part'
  | 'enum'

/**
 * Which generated validator module a schema belongs to, so that apps pay only for the families they use: `chat`
 * (encrypted and plaintext chat, always needed), `inference` (plaintext `inference` frame), `image`, `transcode`,
 * `ltx`, `rag`, and `surface` (the unions spanning every family).
 */
export type SchemaFamily = 'chat' | 'inference' | 'image' | 'transcode' | 'ltx' | 'rag' | 'surface'

/** Every family, in module order. */
export const SCHEMA_FAMILIES: readonly SchemaFamily[] = [
  'chat',
  'inference',
  'image',
  'transcode',
  'ltx',
  'rag',
  'surface',
]

/** One named schema the generator emits a type, a checker and a JSON Schema file for. */
export interface SchemaEntry {
  /** Type name; equals the schema `title`. */
  name: string
  /** The TypeBox schema (with `$id` and `title`). */
  schema: TSchema
  /** Documentation group. */
  group: SchemaGroup
  /** When the frame is sent (frames only). */
  when?: string
  /** Validator module. */
  family: SchemaFamily
  /** Action replies: the ASCII AAD label they are sealed with. */
  aad?: string
}

let currentFamily: SchemaFamily = 'chat'

function entry(schema: TSchema, group: SchemaGroup, when?: string): SchemaEntry {
  const name = schema.title
  if (typeof name !== 'string') throw new TypeError('every registered schema needs a title')
  const base = { name, schema, group, family: currentFamily }
  return when === undefined ? base : { ...base, when }
}

/** Entries of one family (sets the family of the entries built by `build`). */
function family(name: SchemaFamily, build: () => SchemaEntry[]): SchemaEntry[] {
  const previous = currentFamily
  currentFamily = name
  try {
    return build()
  } finally {
    currentFamily = previous
  }
}

function reply(schema: TSchema, aad: string): SchemaEntry {
  return { ...entry(schema, 'action-reply'), aad }
}

/** Every named schema, in documentation order. Names are unique. */
export const SCHEMAS: readonly SchemaEntry[] = [
  entry(
    EncryptedSessionInitFrame,
    'client-frame',
    'To open an encrypted session (after `connected`), and again to re-key it (e.g. after SESSION_KEY_NOT_FOUND).',
  ),
  entry(EncryptedMessageFrame, 'client-frame', 'For each prompt, once the session is acknowledged and idle.'),
  entry(StreamCancelFrame, 'client-frame', 'To stop the response currently streaming.'),
  entry(SessionInitFrame, 'client-frame', 'Deprecated plaintext mode: to open a session.'),
  entry(PromptFrame, 'client-frame', 'Deprecated plaintext mode: for each prompt.'),
  entry(ConnectedFrame, 'node-frame', 'Immediately after the WebSocket upgrade.'),
  entry(
    SessionInitAckFrame,
    'node-frame',
    'In reply to a successful encrypted_session_init or session_init.',
  ),
  entry(EncryptedChunkFrame, 'node-frame', 'Streamed in reply to encrypted_message, one per token or so.'),
  entry(
    EncryptedResponseFrame,
    'node-frame',
    'After the final encrypted_chunk of a response that was not cancelled.',
  ),
  entry(StreamEndFrame, 'node-frame', 'Last frame of every response: complete, cancelled or failed.'),
  entry(StreamChunkFrame, 'node-frame', 'Deprecated plaintext mode: streamed in reply to prompt.'),
  entry(
    ErrorFrame,
    'node-frame',
    'Instead of the normal reply when a request fails (shape A), or for rate limiting, validation and engine ' +
      'failures (shape B, followed by stream_end) and RAG failures (shape B, uncorrelated).',
  ),
  entry(ChatClientFrame, 'frame-union'),
  entry(ChatNodeFrame, 'frame-union'),
  entry(SessionData, 'plaintext-object'),
  entry(PromptRequest, 'plaintext-object'),
  entry(ChatFinalReason, 'plaintext-object'),
  entry(EncryptedSessionInitPayload, 'part'),
  entry(EncryptedPayload, 'part'),
  entry(EncryptedChunkPayload, 'part'),
  entry(StreamUsage, 'part'),
  entry(CodedErrorFrame, 'part'),
  entry(MessageErrorFrame, 'part'),
  entry(VectorDatabase, 'part'),
  entry(PromptImage, 'part'),
  entry(InferenceRequest, 'part'),
  entry(ConversationMessage, 'part'),
  entry(ErrorCode, 'enum'),
  ...family('inference', () => [
    entry(
      InferenceFrame,
      'client-frame',
      'Deprecated plaintext mode: a prompt with a nested request object.',
    ),
  ]),
  ...family('image', () => [
    entry(ImageGenerationRequest, 'action-request'),
    reply(ImageGenerationResult, 'encrypted_image_response'),
    reply(ImageGenerationError, 'encrypted_image_response'),
    entry(ImageResponse, 'frame-union'),
    entry(ActionError, 'part'),
    entry(ImageSafety, 'part'),
    entry(ImageBilling, 'part'),
  ]),
  ...family('transcode', () => [
    entry(
      TranscodeCancelFrame,
      'client-frame',
      'Inside the transcode loop: to cancel the job, and after every terminal transcode reply to release the socket.',
    ),
    entry(TranscodeRequest, 'action-request'),
    reply(TranscodeAccepted, 'encrypted_transcode_response'),
    reply(TranscodeProgress, 'encrypted_transcode_response'),
    reply(TranscodeComplete, 'encrypted_transcode_response'),
    reply(TranscodeError, 'encrypted_transcode_response'),
    entry(TranscodeResponse, 'frame-union'),
    entry(VideoFormat, 'part'),
    entry(GopInfo, 'part'),
    entry(TranscodeBilling, 'part'),
  ]),
  ...family('ltx', () => [
    entry(LtxCancelFrame, 'client-frame', 'Inside the LTX loop: to interrupt the render.'),
    entry(LtxGenerateRequest, 'action-request'),
    reply(LtxAccepted, 'encrypted_ltx_response'),
    reply(LtxProgress, 'encrypted_ltx_response'),
    reply(LtxComplete, 'encrypted_ltx_response'),
    reply(LtxError, 'encrypted_ltx_response'),
    entry(LtxResponse, 'frame-union'),
    entry(LtxResolution, 'part'),
    entry(LtxManifest, 'part'),
    entry(LtxBilling, 'part'),
  ]),
  ...family('rag', () => [
    entry(
      UploadVectorsFrame,
      'client-frame',
      'To store vectors for RAG (plaintext only; requires an explicit plaintext opt-in).',
    ),
    entry(SearchVectorsFrame, 'client-frame', 'To search the stored vectors (plaintext only).'),
    entry(UploadVectorsResponseFrame, 'node-frame', 'In reply to uploadVectors (shape B error on failure).'),
    entry(SearchVectorsResponseFrame, 'node-frame', 'In reply to searchVectors (shape B error on failure).'),
    entry(RagVector, 'part'),
    entry(SearchResult, 'part'),
  ]),
  ...family('surface', () => [
    entry(ClientFrame, 'frame-union'),
    entry(NodeFrame, 'frame-union'),
    entry(ActionRequest, 'frame-union'),
  ]),
]
