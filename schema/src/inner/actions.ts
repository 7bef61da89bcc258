import { Type } from '@sinclair/typebox'
import { named } from '../keywords.js'
import { ImageGenerationRequest } from './image.js'
import { LtxGenerateRequest } from './ltx.js'
import { TranscodeRequest } from './transcode.js'

/** Every inner action request, discriminated by `action`. */
export const ActionRequest = named(
  'ActionRequest',
  Type.Union([ImageGenerationRequest, TranscodeRequest, LtxGenerateRequest], {
    description:
      'An action sealed in an encrypted_message, selected by `action`. Any other (or no) action is chat: the ' +
      'plaintext is then a PromptRequest.',
  }),
)
