import { Type } from '@sinclair/typebox'
import { AnyJson, Count, named, Pattern, U32, U64 } from '../keywords.js'
import { ActionError } from './action-error.js'

const str = (description: string) => Type.Optional(Type.String({ description }))

/** One output format of a transcode job (snake_case keys; unknown keys are ignored by the node). */
export const VideoFormat = named(
  'VideoFormat',
  Type.Object(
    {
      id: U32('Format id (u32).'),
      ext: Type.String({ description: 'Output file extension, e.g. "mp4".' }),
      label: str('Label.'),
      type: str('Media type.'),
      vcodec: str('Video codec; prefix av1 bills 1.5×, hevc/h265 1.2×, anything else 1.0×.'),
      acodec: str('Audio codec.'),
      preset: str('Encoder preset.'),
      profile: str('Encoder profile.'),
      ch: Type.Optional(U32('Audio channels (u32).')),
      vf: str(
        'Video filter, e.g. "scale=1920x1080"; its height selects the billing factor (≤480 0.25 … >1080 2.0).',
      ),
      b_v: str('Video bitrate.'),
      ar: str('Audio sample rate.'),
      b_a: str('Audio bitrate.'),
      c_a: str('Audio codec option.'),
      minrate: str('Minimum bitrate.'),
      maxrate: str('Maximum bitrate.'),
      bufsize: str('Rate-control buffer size.'),
      gpu: Type.Optional(Type.Boolean({ description: 'Encode on the GPU.' })),
      compression_level: Type.Optional(U32('Compression level (u32).')),
      dest: str('Destination (e.g. "s5").'),
      encrypt: Type.Optional(Type.Boolean({ description: 'Encrypt the output.' })),
      trim_percent: Type.Optional(U32('Trim percentage (u32).')),
      hls: Type.Optional(Type.Boolean({ description: 'Produce HLS segments.' })),
      hls_time: Type.Optional(U32('HLS segment length, seconds (u32).')),
    },
    {
      description: 'A transcode output format (node src/transcoder/types.rs). Only id and ext are required.',
      examples: [{ id: 1, ext: 'mp4', vcodec: 'h264', vf: 'scale=1280x720' }],
    },
  ),
)

/** `transcode` request: the decrypted JSON of an `encrypted_message`. */
export const TranscodeRequest = named(
  'TranscodeRequest',
  Type.Object(
    {
      action: Type.Literal('transcode', { description: 'Selects the transcode handler.' }),
      sourceCid: Type.String({
        description: 'Source media CID, non-empty; passed to the sidecar unvalidated.',
        minLength: 1,
      }),
      mediaFormats: Type.Array(VideoFormat, {
        description: 'Output formats; must not be empty.',
        minItems: 1,
      }),
      isGpu: Type.Optional(
        Type.Boolean({ description: 'Use the GPU; a non-boolean counts as absent.', default: true }),
      ),
      isEncrypted: Type.Optional(
        Type.Boolean({
          description: 'Encrypted output; also selects the billing factor (1.1×).',
          default: true,
        }),
      ),
      previewPercent: Type.Optional(
        Count('HLS preview percentage; a non-negative integer (else ignored), no range check.'),
      ),
    },
    {
      description:
        'Video/audio transcode job, sealed in an encrypted_message. jobId/chainId are ignored by the node (billing ' +
        'uses the connection job id), so they are not part of the request. Replies: TranscodeResponse under AAD ' +
        '`encrypted_transcode_response`. After a terminal reply the node keeps the socket captured until ' +
        'transcode_cancel or close.',
      examples: [
        { action: 'transcode', sourceCid: 'uJh9…', mediaFormats: [{ id: 1, ext: 'mp4' }], isGpu: true },
      ],
    },
  ),
)

const TaskId = Type.String({ description: 'Sidecar task id.' })

/** `transcode_accepted` (carries the request `id` on the envelope). */
export const TranscodeAccepted = named(
  'TranscodeAccepted',
  Type.Object(
    {
      type: Type.Literal('transcode_accepted', { description: 'Message type.' }),
      taskId: TaskId,
      status: Type.Literal('accepted', { description: 'Always "accepted".' }),
    },
    {
      description: 'The job was submitted; the connection enters the transcode loop.',
      examples: [{ type: 'transcode_accepted', taskId: 'task-42', status: 'accepted' }],
    },
  ),
)

/** GOP estimate of a transcode progress message. */
export const GopInfo = named(
  'GopInfo',
  Type.Object(
    {
      currentGop: U32('floor(progress × totalGops / 100).'),
      totalGops: U32('ceil(duration / 2).'),
      elapsedSeconds: Type.Number({ description: 'Seconds since accept (f64).', minimum: 0 }),
    },
    {
      description: 'Estimated GOP position; present only when the sidecar reports a duration.',
      examples: [{ currentGop: 12, totalGops: 50, elapsedSeconds: 31.5 }],
    },
  ),
)

/** `transcode_progress` (no `id`). */
export const TranscodeProgress = named(
  'TranscodeProgress',
  Type.Object(
    {
      type: Type.Literal('transcode_progress', { description: 'Message type.' }),
      taskId: TaskId,
      progress: Type.Integer({
        description: "The sidecar's integer percent; sent only when it changed and is > 0 (100 is sent too).",
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
      }),
      gopInfo: Type.Optional(GopInfo),
    },
    {
      description: 'Progress of the job, polled every 2 s by the node.',
      examples: [
        {
          type: 'transcode_progress',
          taskId: 'task-42',
          progress: 24,
          gopInfo: { currentGop: 12, totalGops: 50, elapsedSeconds: 31.5 },
        },
      ],
    },
  ),
)

/** Billing of a completed transcode. */
export const TranscodeBilling = named(
  'TranscodeBilling',
  Type.Object(
    {
      units: Type.Number({
        description: 'Σ duration × res × codec × enc over mediaFormats (f64).',
        minimum: 0,
      }),
      tokens: U64('ceil(units × 1000).'),
    },
    { description: 'Transcode billing.', examples: [{ units: 66, tokens: 66000 }] },
  ),
)

/** `transcode_complete` (no `id`). */
export const TranscodeComplete = named(
  'TranscodeComplete',
  Type.Object(
    {
      type: Type.Literal('transcode_complete', { description: 'Message type.' }),
      taskId: TaskId,
      outputs: Type.Array(
        AnyJson('A sidecar output object, passed through verbatim (not defined by the node).'),
        {
          description:
            "The sidecar's output metadata (non-empty: an empty list is MODERATION_UNAVAILABLE instead).",
        },
      ),
      billing: TranscodeBilling,
      duration: Type.Number({
        description: 'Source duration reported by the sidecar, seconds (f64).',
        minimum: 0,
      }),
      qualityMetrics: Type.Null({ description: 'Always null in node 8.38.' }),
      proofTreeCID: Type.Union(
        [
          Type.String({ description: 'S5 CID of the proof tree.' }),
          Type.Null({ description: 'No proof (best effort).' }),
        ],
        {
          description: 'Proof tree CID, or null when no proof was uploaded.',
        },
      ),
      proofTreeRootHash: Type.Union(
        [
          Pattern('0x-prefixed Merkle root.', '^0x[0-9a-fA-F]*$', 'a 0x-prefixed hex string'),
          Type.Null({ description: 'No proof (best effort).' }),
        ],
        { description: 'Merkle root of the proof tree, or null.' },
      ),
    },
    {
      description:
        'Outputs, billing and proof references of a finished job. The transcode loop still captures the socket.',
      examples: [
        {
          type: 'transcode_complete',
          taskId: 'task-42',
          outputs: [{ format_index: 0, cid: 'uAbc', dest: 's5' }],
          billing: { units: 66, tokens: 66000 },
          duration: 60,
          qualityMetrics: null,
          proofTreeCID: null,
          proofTreeRootHash: null,
        },
      ],
    },
  ),
)

/** `transcode_error` (with `id` when immediate, without when from the background poller). */
export const TranscodeError = named(
  'TranscodeError',
  Type.Object(
    {
      type: Type.Literal('transcode_error', { description: 'Message type.' }),
      error: ActionError,
    },
    {
      description:
        'Transcode failure: VALIDATION_FAILED, RATE_LIMIT_EXCEEDED, SIDECAR_UNAVAILABLE, TRANSCODE_CAPACITY_FULL, ' +
        'SUBMIT_FAILED (immediate) or TIMEOUT, POLL_FAILED, MODERATION_UNAVAILABLE, CONTENT_FLAGGED, CONTENT_BLOCKED ' +
        '(background).',
      examples: [
        {
          type: 'transcode_error',
          error: { code: 'VALIDATION_FAILED', message: 'Missing or empty sourceCid' },
        },
      ],
    },
  ),
)

/** Any plaintext sealed with AAD `encrypted_transcode_response`. */
export const TranscodeResponse = named(
  'TranscodeResponse',
  Type.Union([TranscodeAccepted, TranscodeProgress, TranscodeComplete, TranscodeError], {
    description: 'Decrypted plaintext of an encrypted_response with AAD `encrypted_transcode_response`.',
  }),
)
