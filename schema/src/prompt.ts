import { Type } from '@sinclair/typebox'
import { Count, named, U32_MAX } from './keywords.js'

/** An image attached to a prompt. */
export const PromptImage = named(
  'PromptImage',
  Type.Object(
    {
      data: Type.String({ description: 'Image bytes, base64.' }),
      format: Type.String({ description: 'Image format, e.g. "png", "jpeg" or "webp".' }),
    },
    {
      description: 'An image for vision models.',
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
      thinking: Type.Optional(
        Type.Union(
          [
            Type.Literal('enabled', { description: 'Thinking on, model default effort.' }),
            Type.Literal('disabled', { description: 'Thinking off.' }),
            Type.Literal('low', { description: 'Low reasoning effort.' }),
            Type.Literal('medium', { description: 'Medium reasoning effort.' }),
            Type.Literal('high', { description: 'High reasoning effort.' }),
          ],
          { description: 'Reasoning mode of thinking models.' },
        ),
      ),
      web_search: Type.Optional(Type.Boolean({ description: 'Let the node search the web for context.' })),
      max_searches: Type.Optional(Count('Upper bound on web searches.')),
      search_queries: Type.Optional(
        Type.Array(Type.String({ description: 'A search query.' }), {
          description: 'Explicit web search queries.',
        }),
      ),
      images: Type.Optional(Type.Array(PromptImage, { description: 'Images for vision models.' })),
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
