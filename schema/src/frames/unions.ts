import { Type } from '@sinclair/typebox'
import { named } from '../keywords.js'
import { LtxCancelFrame, TranscodeCancelFrame } from './cancel.js'
import {
  EncryptedMessageFrame,
  EncryptedSessionInitFrame,
  PromptFrame,
  SessionInitFrame,
  StreamCancelFrame,
} from './client.js'
import { InferenceFrame } from './inference.js'
import {
  ConnectedFrame,
  EncryptedChunkFrame,
  EncryptedResponseFrame,
  ErrorFrame,
  SessionInitAckFrame,
  StreamChunkFrame,
  StreamEndFrame,
} from './node.js'
import {
  SearchVectorsFrame,
  SearchVectorsResponseFrame,
  UploadVectorsFrame,
  UploadVectorsResponseFrame,
} from './rag.js'

const CHAT_CLIENT_FRAMES = [
  EncryptedSessionInitFrame,
  EncryptedMessageFrame,
  StreamCancelFrame,
  SessionInitFrame,
  PromptFrame,
]
const CHAT_NODE_FRAMES = [
  ConnectedFrame,
  SessionInitAckFrame,
  EncryptedChunkFrame,
  EncryptedResponseFrame,
  StreamEndFrame,
  StreamChunkFrame,
  ErrorFrame,
]

/** The client frames of a chat session (encrypted or plaintext), discriminated by `type`. */
export const ChatClientFrame = named(
  'ChatClientFrame',
  Type.Union(CHAT_CLIENT_FRAMES, {
    description: 'A client → node frame of a chat session, discriminated by `type`.',
  }),
)

/** The node frames of a chat session, discriminated by `type` (`error` has two shapes). */
export const ChatNodeFrame = named(
  'ChatNodeFrame',
  Type.Union(CHAT_NODE_FRAMES, {
    description:
      'A node → client frame of a chat session, discriminated by `type`. Action replies (image, transcode, LTX) ' +
      'arrive as encrypted_response too; RAG replies are the only other outer node frames.',
  }),
)

/** Every frame a client can send on `/v1/ws`, discriminated by `type`. */
export const ClientFrame = named(
  'ClientFrame',
  Type.Union(
    [
      ...CHAT_CLIENT_FRAMES,
      InferenceFrame,
      UploadVectorsFrame,
      SearchVectorsFrame,
      TranscodeCancelFrame,
      LtxCancelFrame,
    ],
    { description: 'Any client → node frame of /v1/ws, discriminated by `type`.' },
  ),
)

/** Every frame the node sends on `/v1/ws`, discriminated by `type` (`error` has two shapes). */
export const NodeFrame = named(
  'NodeFrame',
  Type.Union([...CHAT_NODE_FRAMES, UploadVectorsResponseFrame, SearchVectorsResponseFrame], {
    description: 'Any node → client frame of /v1/ws, discriminated by `type`.',
  }),
)
