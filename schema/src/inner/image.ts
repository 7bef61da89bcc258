import { Type } from '@sinclair/typebox'
import { ChainId } from '../common.js'
import { Count, named, Pattern, U32, U64 } from '../keywords.js'
import { ActionError } from './action-error.js'

/** The image sizes the node accepts (node src/diffusion/client.rs). */
export const IMAGE_SIZES = ['256x256', '512x512', '768x768', '1024x1024', '1024x768', '768x1024'] as const

const F32_MAX = 3.4028234663852886e38

/** `image_generation` request: the decrypted JSON of an `encrypted_message`. */
export const ImageGenerationRequest = named(
  'ImageGenerationRequest',
  Type.Object(
    {
      action: Type.Literal('image_generation', { description: 'Selects the image handler.' }),
      prompt: Pattern(
        'What to draw. Must not be blank after trimming; the node has no length limit (the node team SDK caps it ' +
          'at 2000 characters). Substring keyword filter: PROMPT_BLOCKED.',
        '\\S',
        'a non-blank string',
      ),
      model: Type.Optional(
        Type.String({ description: "Diffusion model; default: the sidecar's configured model." }),
      ),
      size: Type.Optional(
        Type.Union(
          IMAGE_SIZES.map((s) => Type.Literal(s)),
          { description: 'Image size, width x height.', default: '1024x1024' },
        ),
      ),
      steps: Type.Optional(
        Type.Integer({
          description: 'Diffusion steps (u32), 1 to 100.',
          minimum: 1,
          maximum: 100,
          default: 4,
        }),
      ),
      seed: Type.Optional(U64('Seed (u64); default: the sidecar picks one (the result then reports 0).')),
      negativePrompt: Type.Optional(Type.String({ description: 'What to avoid; not safety-checked.' })),
      guidanceScale: Type.Optional(
        Type.Number({
          description: 'Classifier-free guidance scale (f32); no range check on the node.',
          minimum: -F32_MAX,
          maximum: F32_MAX,
          default: 3.5,
        }),
      ),
      safetyLevel: Type.Optional(
        Type.String({
          description: 'Echoed in the result only; has no effect on filtering.',
          default: 'strict',
        }),
      ),
      chainId: Type.Optional(
        Type.Integer({
          description:
            'Chain id (u64); only selects chainName/nativeToken of the result (5611 → opBNB Testnet/BNB, anything ' +
            'else → Base Sepolia/ETH).',
          minimum: 0,
          maximum: Number.MAX_SAFE_INTEGER,
          default: 84532,
        }),
      ),
      sessionId: Type.Optional(
        Type.String({ description: 'Accepted but ignored: the outer session id is used.' }),
      ),
      jobId: Type.Optional(
        U64(
          'Accepted but ignored (billing uses the connection job id). Must be an integer: a string here is ' +
            'VALIDATION_FAILED.',
        ),
      ),
    },
    {
      description:
        'Text-to-image request, sealed in an encrypted_message (any request AAD). Answered by exactly one ' +
        'encrypted_response with AAD `encrypted_image_response` (ImageResponse), carrying the request id. A wrong ' +
        'JSON type on any field is VALIDATION_FAILED "Invalid request: …".',
      examples: [{ action: 'image_generation', prompt: 'a lighthouse at dusk', size: '512x512', steps: 4 }],
    },
  ),
)

/** Safety block of an image result. */
export const ImageSafety = named(
  'ImageSafety',
  Type.Object(
    {
      promptSafe: Type.Boolean({ description: 'Always true (blocked prompts fail with PROMPT_BLOCKED).' }),
      outputSafe: Type.Boolean({ description: 'Always true: the node has no output check.' }),
      safetyLevel: Type.String({ description: 'The request safetyLevel, echoed ("strict" by default).' }),
    },
    {
      description: 'Safety flags of an image result (informational only).',
      examples: [{ promptSafe: true, outputSafe: true, safetyLevel: 'strict' }],
    },
  ),
)

/** Billing block of an image result. */
export const ImageBilling = named(
  'ImageBilling',
  Type.Object(
    {
      generationUnits: Type.Number({
        description:
          'megapixels × (steps / 20) × modelMultiplier (f64). The job is charged ceil(generationUnits × 1000) tokens.',
        minimum: 0,
      }),
      modelMultiplier: Type.Number({ description: 'Always 1.0.', minimum: 0 }),
      megapixels: Type.Number({ description: '(width × height) / 1048576.', minimum: 0 }),
      steps: Count('Steps billed.'),
    },
    {
      description: 'How the image was billed (no token count appears on the wire).',
      examples: [{ generationUnits: 0.05, modelMultiplier: 1, megapixels: 0.25, steps: 4 }],
    },
  ),
)

/** `image_generation_result` (AAD `encrypted_image_response`). */
export const ImageGenerationResult = named(
  'ImageGenerationResult',
  Type.Object(
    {
      type: Type.Literal('image_generation_result', { description: 'Message type.' }),
      image: Type.String({ description: 'Base64 image (PNG in practice), without a data: prefix.' }),
      model: Type.String({ description: "The request model, else the sidecar's configured model." }),
      size: Type.String({ description: 'The requested (or default) size string; not measured.' }),
      steps: U32('Requested (or default) steps.'),
      seed: U64('The request seed, or 0 when none was sent (not the seed the sidecar actually used).'),
      processingTimeMs: Count('Wall time of the sidecar call, ms.'),
      safety: ImageSafety,
      billing: ImageBilling,
      provider: Type.String({ description: 'Always "host".' }),
      chainId: ChainId,
      chainName: Type.String({
        description: '"Base Sepolia" (84532 and unknown ids) or "opBNB Testnet" (5611).',
      }),
      nativeToken: Type.String({ description: '"ETH" or "BNB".' }),
    },
    {
      description:
        'The generated image. Also the reply to a chat prompt the node auto-routed to image generation (no chunks, ' +
        'no stream_end follow).',
      examples: [
        {
          type: 'image_generation_result',
          image: 'iVBORw0KGgo=',
          model: 'flux-klein',
          size: '512x512',
          steps: 4,
          seed: 0,
          processingTimeMs: 2310,
          safety: { promptSafe: true, outputSafe: true, safetyLevel: 'strict' },
          billing: { generationUnits: 0.05, modelMultiplier: 1, megapixels: 0.25, steps: 4 },
          provider: 'host',
          chainId: 84532,
          chainName: 'Base Sepolia',
          nativeToken: 'ETH',
        },
      ],
    },
  ),
)

/** `image_generation_error` (AAD `encrypted_image_response`). */
export const ImageGenerationError = named(
  'ImageGenerationError',
  Type.Object(
    {
      type: Type.Literal('image_generation_error', { description: 'Message type.' }),
      error: ActionError,
    },
    {
      description:
        'Image failure: RATE_LIMIT_EXCEEDED (checked first), VALIDATION_FAILED, PROMPT_BLOCKED, ' +
        'DIFFUSION_SERVICE_UNAVAILABLE or IMAGE_GENERATION_FAILED.',
      examples: [
        {
          type: 'image_generation_error',
          error: { code: 'PROMPT_BLOCKED', message: 'Blocked keyword detected: gore' },
        },
      ],
    },
  ),
)

/** Any plaintext sealed with AAD `encrypted_image_response`. */
export const ImageResponse = named(
  'ImageResponse',
  Type.Union([ImageGenerationResult, ImageGenerationError], {
    description: 'Decrypted plaintext of an encrypted_response with AAD `encrypted_image_response`.',
  }),
)
