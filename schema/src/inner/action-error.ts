import { Type } from '@sinclair/typebox'
import { named } from '../keywords.js'

/** `error` of an inner `<family>_error` message: `{code, message}` (an object, not a string). */
export const ActionError = named(
  'ActionError',
  Type.Object(
    {
      code: Type.String({
        description:
          'Stable error code of the action family (see the error code table, e.g. VALIDATION_FAILED); unknown codes ' +
          'may appear.',
      }),
      message: Type.String({ description: 'Human-readable node message.' }),
    },
    {
      description:
        'The error object of image_generation_error, transcode_error and ltx_error. It is an object: reading it as ' +
        'a string (as the node team SDK does) loses the code.',
      examples: [{ code: 'VALIDATION_FAILED', message: 'prompt must not be empty' }],
    },
  ),
)

/** The bare plaintext of the chat `encrypted_response` (AAD `encrypted_response_final`). */
export const ChatFinalReason = named(
  'ChatFinalReason',
  Type.Union(
    [
      Type.Literal('stop', { description: 'The answer ended normally.' }),
      Type.Literal('error', { description: 'Generation failed; the last chunk carried the error text.' }),
    ],
    {
      description:
        'Plaintext of the chat encrypted_response: the bare finish reason (not JSON), sealed with AAD ' +
        '`encrypted_response_final`.',
    },
  ),
)
