import { Type } from '@sinclair/typebox'
import { named } from '../keywords.js'
import {
  EncryptedMessageFrame,
  EncryptedSessionInitFrame,
  PromptFrame,
  SessionInitFrame,
  StreamCancelFrame,
} from './client.js'
import {
  ConnectedFrame,
  EncryptedChunkFrame,
  EncryptedResponseFrame,
  ErrorFrame,
  SessionInitAckFrame,
  StreamChunkFrame,
  StreamEndFrame,
} from './node.js'

/** Every frame a client sends, discriminated by `type`. */
export const ClientFrame = named(
  'ClientFrame',
  Type.Union(
    [EncryptedSessionInitFrame, EncryptedMessageFrame, StreamCancelFrame, SessionInitFrame, PromptFrame],
    {
      description: 'Any client → node frame, discriminated by `type`.',
    },
  ),
)

/** Every frame the node sends, discriminated by `type` (`error` has two shapes). */
export const NodeFrame = named(
  'NodeFrame',
  Type.Union(
    [
      ConnectedFrame,
      SessionInitAckFrame,
      EncryptedChunkFrame,
      EncryptedResponseFrame,
      StreamEndFrame,
      StreamChunkFrame,
      ErrorFrame,
    ],
    { description: 'Any node → client frame, discriminated by `type`.' },
  ),
)
