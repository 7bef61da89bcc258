import { Type } from '@sinclair/typebox'
import { named, U32, U32_MAX } from './keywords.js'

/** Image formats the SDK sends (the node pastes any format unchecked into a data: URL). */
export const IMAGE_FORMATS = ['png', 'jpeg', 'webp', 'gif'] as const
/** Largest base64 image the SDK sends, in characters (~10 MB of image bytes). */
export const MAX_IMAGE_BASE64_CHARS = 13_333_334

/** Reasoning mode of thinking models. */
export const Thinking = Type.Union(
  [
    Type.Literal('enabled', { description: 'Thinking on, model default effort.' }),
    Type.Literal('disabled', { description: 'Thinking off.' }),
    Type.Literal('low', { description: 'Low reasoning effort.' }),
    Type.Literal('medium', { description: 'Medium reasoning effort.' }),
    Type.Literal('high', { description: 'High reasoning effort.' }),
  ],
  { description: 'Reasoning mode of thinking models.' },
)

/** An image attached to a prompt. */
export const PromptImage = named(
  'PromptImage',
  Type.Object(
    {
      data: Type.String({
        description:
          `Image bytes, base64 without a data: prefix; at most ${MAX_IMAGE_BASE64_CHARS} characters (~10 MB). The ` +
          'node skips entries with empty data and enforces no limit itself (only the 16 MiB frame limit).',
        minLength: 1,
        maxLength: MAX_IMAGE_BASE64_CHARS,
      }),
      format: Type.Optional(
        Type.Union(
          IMAGE_FORMATS.map((f) => Type.Literal(f)),
          {
            description:
              'Image format. The node defaults to png and pastes the value unchecked into a data: URL, so only ' +
              'these four are sent.',
            default: 'png',
          },
        ),
      ),
    },
    {
      description:
        'An image for vision models. Processed only when the node has a VLM sidecar (else silently ignored); each ' +
        'image costs two VLM calls, billed as vlm_tokens on stream_end.',
      examples: [{ data: 'iVBORw0KGgo=', format: 'png' }],
    },
  ),
)

/** The decrypted prompt object: the JSON plaintext of `encrypted_message` (snake_case only). */
export const PromptRequest = named(
  'PromptRequest',
  Type.Object(
    {
      prompt: Type.String({ description: 'The prompt text.' }),
      model: Type.Optional(Type.String({ description: 'Model name (default: the node default model).' })),
      max_tokens: Type.Optional(
        Type.Integer({
          description: 'Maximum tokens to generate (u32, default 4000). Out of range gets no reply at all.',
          minimum: 0,
          maximum: U32_MAX,
        }),
      ),
      temperature: Type.Optional(
        Type.Number({ description: 'Sampling temperature, 0 to 2 (default 0.7).', minimum: 0, maximum: 2 }),
      ),
      thinking: Type.Optional(Thinking),
      stream: Type.Optional(Type.Boolean({ description: 'Ignored: output always streams.' })),
      web_search: Type.Optional(
        Type.Boolean({
          description:
            'Force a web search (the node may also auto-detect one). Put it here, inside the ciphertext: the node ' +
            'falls back to the outer frame, which would leak it. No frame reports the search.',
        }),
      ),
      max_searches: Type.Optional(
        U32(
          'Upper bound on web searches (default 5; the node runs at most min(max_searches, 20); 0 disables ' +
            'search). Outside 0 … 2^32 − 1 the node drops the prompt without reply.',
        ),
      ),
      search_queries: Type.Optional(
        Type.Array(Type.String({ description: 'A search query.' }), {
          description:
            'Explicit web search queries (default: the last user query). Inside the ciphertext only.',
        }),
      ),
      images: Type.Optional(
        Type.Array(PromptImage, {
          description: 'Images for vision models (encrypted chat: inside the ciphertext).',
        }),
      ),
    },
    {
      description:
        'Prompt object sealed inside encrypted_message (the plaintext may also be a bare prompt string). ' +
        'snake_case only; the node ignores unknown keys.',
      examples: [
        { prompt: 'What is the capital of France?', max_tokens: 256, temperature: 0.7 },
        {
          prompt: 'Describe this image.',
          thinking: 'low',
          images: [{ data: 'iVBORw0KGgo=', format: 'png' }],
        },
      ],
    },
  ),
)
