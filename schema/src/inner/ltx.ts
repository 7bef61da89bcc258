import { Type } from '@sinclair/typebox'
import { named, Pattern, U32, U64 } from '../keywords.js'
import { ActionError } from './action-error.js'

const RequestIdEcho = Type.Optional(
  Type.String({ description: 'The request requestId, echoed when it was sent.' }),
)
const CapabilityCid = Type.String({
  description: 'Capability CID: "u" + base64url (no padding) of the encrypted-blob envelope.',
})

/** Output resolution of an LTX job. */
export const LtxResolution = named(
  'LtxResolution',
  Type.Object(
    { w: U32('Width in pixels (u32).'), h: U32('Height in pixels (u32).') },
    {
      description:
        'Resolution; must equal one listed pair of the allow-list exactly (as shipped: 768×512, 1280×720, ' +
        '1920×1080, 2560×1440, 3840×2160, 512×768, 720×1280, 1080×1920, 1024×1024, 1920×1088, 1088×1920, ' +
        '2560×1408, 1408×2560, 1536×1024, 1024×1536, 3840×2176, 2176×3840).',
      examples: [{ w: 1280, h: 720 }],
    },
  ),
)

/** `ltx_generate` request: the decrypted JSON of an `encrypted_message`. */
export const LtxGenerateRequest = named(
  'LtxGenerateRequest',
  Type.Object(
    {
      action: Type.Literal('ltx_generate', { description: 'Selects the LTX handler.' }),
      requestId: RequestIdEcho,
      templateId: Type.String({
        description: "Template id; must be in the node's allow-list (e.g. ltx-t2v-hdr).",
      }),
      templateHash: Pattern(
        'Pinned template hash "0x" + hex(keccak256(sorted compact template JSON)); compared case-insensitively, ' +
          'including the 0x prefix.',
        '^0[xX][0-9a-fA-F]{64}$',
        'a 0x-prefixed 32-byte hex hash',
      ),
      prompt: Type.String({ description: 'Prompt; no length limit and no safety filter.' }),
      seed: Pattern(
        'Seed as a decimal **string**, 0 … 2^64 − 1 (a JSON number or hex is VALIDATION_FAILED).',
        '^[0-9]{1,20}$',
        'a decimal string of at most 20 digits',
      ),
      frames: U32(
        'Frame count (u32). Allow-list v16: 121 … 751, and (frames − 1) / fps must be a whole 5 … 15 seconds.',
      ),
      fps: U32('Frames per second (u32); allow-list v16: 24, 25, 48 or 50.'),
      resolution: LtxResolution,
      lora: Type.String({ description: 'LoRA name; not validated (only bound into the attestation).' }),
      output: Type.Literal('exr-sequence', { description: 'Output kind; only "exr-sequence" parses.' }),
      images: Type.Optional(
        Type.Array(CapabilityCid, {
          description:
            "Ordered input-image capability CIDs; the count must equal the template's imageInputs.",
        }),
      ),
      videos: Type.Optional(
        Type.Array(CapabilityCid, {
          description:
            "Ordered input-video capability CIDs; the count must equal the template's videoInputs.",
        }),
      ),
    },
    {
      description:
        'LTX 2.3 video generation job, sealed in an encrypted_message. Replies: LtxResponse under AAD ' +
        '`encrypted_ltx_response`.',
      examples: [
        {
          action: 'ltx_generate',
          requestId: 'ltx-1',
          templateId: 'ltx-t2v-hdr',
          templateHash: '0xd67dfae8ea7da02516af56bd39d7bf4dedebb65da09d0e520e7cc1c7bb5fe078',
          prompt: 'waves at dawn',
          seed: '42',
          frames: 121,
          fps: 24,
          resolution: { w: 1280, h: 720 },
          lora: 'none',
          output: 'exr-sequence',
        },
      ],
    },
  ),
)

/** `ltx_accepted` (carries the request `id` on the envelope). */
export const LtxAccepted = named(
  'LtxAccepted',
  Type.Object(
    {
      type: Type.Literal('ltx_accepted', { description: 'Message type.' }),
      status: Type.Literal('processing', { description: 'Always "processing".' }),
      sessionId: Type.String({ description: 'The outer session id.' }),
      allowListVersion: U32('Version of the allow-list bundle the node validated against (16 as shipped).'),
      requestId: RequestIdEcho,
    },
    {
      description: 'The job was accepted; the connection enters the LTX loop.',
      examples: [
        {
          type: 'ltx_accepted',
          status: 'processing',
          sessionId: 'sess-7f3c2a',
          allowListVersion: 16,
          requestId: 'ltx-1',
        },
      ],
    },
  ),
)

/** `ltx_progress` (no `id`). */
export const LtxProgress = named(
  'LtxProgress',
  Type.Object(
    {
      type: Type.Literal('ltx_progress', { description: 'Message type.' }),
      stage: Type.Union(
        [
          Type.Literal('generating', { description: 'One per sampler step; may restart low.' }),
          Type.Literal('encrypting', { description: '0, then one per output file.' }),
          Type.Literal('uploading', { description: 'pct 0.' }),
          Type.Literal('finalising', { description: 'pct 0.' }),
        ],
        { description: 'Render stage, in this order.' },
      ),
      pct: Type.Integer({ description: 'Percent within the stage (u32).', minimum: 0, maximum: 100 }),
      requestId: RequestIdEcho,
    },
    {
      description: 'Render progress.',
      examples: [{ type: 'ltx_progress', stage: 'generating', pct: 40, requestId: 'ltx-1' }],
    },
  ),
)

const Keccak = Pattern('0x + keccak256, hex.', '^0x[0-9a-fA-F]{64}$', 'a 0x-prefixed 32-byte hex hash')

/** Public manifest of an LTX render. */
export const LtxManifest = named(
  'LtxManifest',
  Type.Object(
    {
      frameCount: U32('Number of output files (not rendered frames).'),
      fps: U32('Frames per second.'),
      resolution: LtxResolution,
      colourEncoding: Type.String({ description: 'Always "linear-HDR-from-LogC3".' }),
      frameHashes: Type.Array(Keccak, { description: 'keccak256 of each output ciphertext.' }),
      merkleRoot: Keccak,
    },
    {
      description: 'Manifest of the rendered outputs.',
      examples: [
        {
          frameCount: 1,
          fps: 24,
          resolution: { w: 1280, h: 720 },
          colourEncoding: 'linear-HDR-from-LogC3',
          frameHashes: ['0xd67dfae8ea7da02516af56bd39d7bf4dedebb65da09d0e520e7cc1c7bb5fe078'],
          merkleRoot: '0xd67dfae8ea7da02516af56bd39d7bf4dedebb65da09d0e520e7cc1c7bb5fe078',
        },
      ],
    },
  ),
)

/** Billing of an LTX render. */
export const LtxBilling = named(
  'LtxBilling',
  Type.Object(
    {
      unit: Type.Literal('megapixel-frame', { description: 'Billing unit.' }),
      tokens: U64('ceil(requested frames × w × h / 1000).'),
      pricePerToken: Pattern(
        'LTX_PRICE_PER_TOKEN, decimal string (default "0").',
        '^[0-9]+(?:\\.[0-9]+)?$',
        'a decimal string',
      ),
    },
    {
      description: 'LTX billing (uses the requested frame count).',
      examples: [{ unit: 'megapixel-frame', tokens: 111514, pricePerToken: '0' }],
    },
  ),
)

/** `ltx_complete` (no `id`). */
export const LtxComplete = named(
  'LtxComplete',
  Type.Object(
    {
      type: Type.Literal('ltx_complete', { description: 'Message type.' }),
      outputCID: Type.String({ description: 'S5 CID of the public manifest JSON.' }),
      proofCID: Type.String({ description: 'S5 CID of the plaintext attestation.' }),
      frames: Type.Array(CapabilityCid, {
        description: 'One capability CID per output file (1 for a single video file, not one per frame).',
      }),
      manifest: LtxManifest,
      billing: LtxBilling,
      requestId: RequestIdEcho,
    },
    {
      description: 'The render finished; the socket is released.',
      examples: [
        {
          type: 'ltx_complete',
          outputCID: 'uManifest',
          proofCID: 'uProof',
          frames: ['uFrame0'],
          manifest: {
            frameCount: 1,
            fps: 24,
            resolution: { w: 1280, h: 720 },
            colourEncoding: 'linear-HDR-from-LogC3',
            frameHashes: ['0xd67dfae8ea7da02516af56bd39d7bf4dedebb65da09d0e520e7cc1c7bb5fe078'],
            merkleRoot: '0xd67dfae8ea7da02516af56bd39d7bf4dedebb65da09d0e520e7cc1c7bb5fe078',
          },
          billing: { unit: 'megapixel-frame', tokens: 111514, pricePerToken: '0' },
          requestId: 'ltx-1',
        },
      ],
    },
  ),
)

/** `ltx_error` (with `id` when immediate, without after accept). */
export const LtxError = named(
  'LtxError',
  Type.Object(
    {
      type: Type.Literal('ltx_error', { description: 'Message type.' }),
      error: ActionError,
      requestId: RequestIdEcho,
    },
    {
      description:
        'LTX failure: VALIDATION_FAILED, CAPACITY, SIDECAR_UNAVAILABLE (immediate) or GENERATION_FAILED, TIMEOUT ' +
        '(after accept).',
      examples: [
        { type: 'ltx_error', error: { code: 'CAPACITY', message: 'all generation slots are in use' } },
      ],
    },
  ),
)

/** Any plaintext sealed with AAD `encrypted_ltx_response`. */
export const LtxResponse = named(
  'LtxResponse',
  Type.Union([LtxAccepted, LtxProgress, LtxComplete, LtxError], {
    description: 'Decrypted plaintext of an encrypted_response with AAD `encrypted_ltx_response`.',
  }),
)
