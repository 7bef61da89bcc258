import type { TSchema } from '@sinclair/typebox'
import { EncryptedPayload } from './common.js'
import { ErrorCode } from './errors.js'
import {
  EncryptedMessageFrame,
  EncryptedSessionInitFrame,
  EncryptedSessionInitPayload,
  PromptFrame,
  SessionInitFrame,
  StreamCancelFrame,
} from './frames/client.js'
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
import { ClientFrame, NodeFrame } from './frames/unions.js'
import { PromptImage, PromptRequest } from './prompt.js'
import { SessionData, VectorDatabase } from './session-data.js'

/** What a registry entry describes; drives the sections of the generated documentation. */
export type SchemaGroup = 'client-frame' | 'node-frame' | 'frame-union' | 'plaintext-object' | 'part' | 'enum'

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
}

function entry(schema: TSchema, group: SchemaGroup, when?: string): SchemaEntry {
  const name = schema.title
  if (typeof name !== 'string') throw new TypeError('every registered schema needs a title')
  return when === undefined ? { name, schema, group } : { name, schema, group, when }
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
      'failures (shape B, followed by stream_end).',
  ),
  entry(ClientFrame, 'frame-union'),
  entry(NodeFrame, 'frame-union'),
  entry(SessionData, 'plaintext-object'),
  entry(PromptRequest, 'plaintext-object'),
  entry(EncryptedSessionInitPayload, 'part'),
  entry(EncryptedPayload, 'part'),
  entry(EncryptedChunkPayload, 'part'),
  entry(StreamUsage, 'part'),
  entry(CodedErrorFrame, 'part'),
  entry(MessageErrorFrame, 'part'),
  entry(VectorDatabase, 'part'),
  entry(PromptImage, 'part'),
  entry(ErrorCode, 'enum'),
]
