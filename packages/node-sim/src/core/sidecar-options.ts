import { NodeSimError } from '../errors.js'

/** The fake diffusion sidecar (image generation). */
export interface DiffusionSidecarOptions {
  /** Model name reported when the request names none. Default `flux-klein`. */
  model?: string
  /**
   * Simulated generation time in ms (the socket is blocked meanwhile; frames queue). Above the node's 120 s sidecar
   * timeout the generation fails after 120 s with `IMAGE_GENERATION_FAILED`. Default 0.
   */
  delayMs?: number
  /** Make every generation fail: `IMAGE_GENERATION_FAILED` / `Generation failed: <failWith>`. */
  failWith?: string
}

/** The fake transcoder sidecar. */
export interface TranscoderSidecarOptions {
  /** Concurrent transcodes the sidecar reports as `max_concurrent` (node-wide). Default 2. */
  maxConcurrent?: number
  /** `/status` cannot be fetched (and nothing is cached): every submit gets `TRANSCODE_CAPACITY_FULL`. */
  statusUnreachable?: boolean
  /** The sidecar rejects submits: `SUBMIT_FAILED` / `Failed to submit transcode: <submitFailure>`. */
  submitFailure?: string
  /** Integer percent the sidecar reports at poll 1, 2, … (the last value repeats). Default `[0, 25, 50, 75, 100]`. */
  progress?: readonly number[]
  /** Poll interval (`TRANSCODE_POLL_INTERVAL_MS`); the first poll is one interval after accept. Default 0. */
  pollIntervalMs?: number
  /** Media duration the sidecar reports, in seconds (`null`: none, so no `gopInfo` and 0 billing). Default 10. */
  durationSeconds?: number | null
  /**
   * The sidecar's output metadata text. Default: one `{"format_index":i,"cid":"u…","dest":"s5"}` per media format.
   * Text that does not start with `[` is re-polled 5 times, then parsed anyway (`[]` if unparsable).
   */
  metadata?: string
  /** Re-polls (after 100 %) during which the metadata is not ready yet (`processing`); more than 5 means never. */
  metadataDelayPolls?: number
  /** The poll with this number (1-based) fails: `POLL_FAILED` / `Failed to poll transcoder status: HTTP 500`. */
  pollFailureAt?: number
  /** `TRANSCODE_TIMEOUT_SECONDS`. Default 1800. */
  timeoutSeconds?: number
}

/** The fake ComfyUI sidecar (LTX video). */
export interface ComfyUiSidecarOptions {
  /** Sampler stages and their step counts; one `generating` progress per step. Default `[4]`. */
  samplerSteps?: readonly number[]
  /** Delay before each progress event and before completion, in ms. Default 0. */
  stepDelayMs?: number
  /** Output files the template renders (one capability CID each in `frames`). Default 1. */
  outputFiles?: number
  /** `MAX_CONCURRENT_GENERATIONS` (node-wide render slots). Default 1. */
  maxConcurrentGenerations?: number
  /** `false`: the template store did not load (`LTX template store not configured`). Default true. */
  templateStore?: boolean
  /** `LTX_PRICE_PER_TOKEN`, a decimal string. Default `"0"`. */
  pricePerToken?: string
  /**
   * Fail after this many progress events with `message` (`GENERATION_FAILED`, or `TIMEOUT` when the text contains
   * "timed out"). The message should start with one of the node's prefixes, e.g. `generation failed: …`.
   */
  failure?: {
    /** Progress events sent before the failure. */
    afterEvents: number
    /** The `ltx_error` message. */
    message: string
  }
  /**
   * The sidecar client disappears between accept and spawn: after `ltx_accepted` comes an `ltx_error`
   * `SIDECAR_UNAVAILABLE` / `LTX sidecar became unavailable`, both with the request id, and no loop is entered.
   */
  vanishesAfterAccept?: boolean
}

/** The node's moderation gate for transcode outputs (`MODERATION_ENFORCE`). */
export interface ModerationOptions {
  /** Enforce the gate. Default false. */
  enforce?: boolean
  /** Verdict per job id (decimal string). A job without a verdict is held (`MODERATION_UNAVAILABLE`). */
  verdicts?: Readonly<
    Record<
      string,
      {
        /** The moderation verdict; only `Cleared` lets outputs through. */
        verdict: 'Cleared' | 'Flagged' | 'Blocked'
        /** The error message for `Flagged`/`Blocked` (default `flagged by moderation` / `blocked by moderation`). */
        reason?: string
      }
    >
  >
}

/** Every sidecar and per-session limit of the simulated node (all optional). */
export interface SidecarOptions {
  /** Diffusion sidecar, or `false` for a node without one (`DIFFUSION_SERVICE_UNAVAILABLE`). Default present. */
  diffusion?: DiffusionSidecarOptions | false
  /** Transcoder sidecar, or `false` (`SIDECAR_UNAVAILABLE`). Default present. */
  transcoder?: TranscoderSidecarOptions | false
  /** ComfyUI sidecar, or `false` (`SIDECAR_UNAVAILABLE`). Default present. */
  comfyui?: ComfyUiSidecarOptions | false
  /** VLM sidecar for vision `images`; `false` ignores images silently. Default true. */
  vlm?: boolean
  /** Web search service. Default false (answers then depend only on the prompt); the node's default is on. */
  webSearch?: boolean
  /** Auto image routing of encrypted chat (§6). Default: on iff a diffusion sidecar is present. */
  autoImageRouting?: boolean
  /** Moderation gate. Default off. */
  moderation?: ModerationOptions
  /** `IMAGE_GEN_RATE_LIMIT` per session per 60 s. Default 5. */
  imageRateLimit?: number
  /** `TRANSCODE_RATE_LIMIT` per session per 300 s. Default 3. */
  transcodeRateLimit?: number
  /** `LTX_RATE_LIMIT` per session per 300 s. Default 3. */
  ltxRateLimit?: number
  /**
   * Time the VLM analysis and web search of a chat prompt take, when they run. The socket is blocked meanwhile:
   * frames queue, and a queued `stream_cancel` cancels the stream as soon as it starts. Default 0.
   */
  chatPreprocessingMs?: number
  /** Vectors per RAG store. Default 100,000 (the node's fixed capacity; lower it only to test the limit quickly). */
  ragCapacity?: number
}

/** Resolved sidecar settings. */
export interface Sidecars {
  diffusion: (Required<Omit<DiffusionSidecarOptions, 'failWith'>> & { failWith?: string | undefined }) | null
  transcoder:
    | (Required<Omit<TranscoderSidecarOptions, 'metadata' | 'pollFailureAt' | 'submitFailure'>> &
        Pick<TranscoderSidecarOptions, 'metadata' | 'pollFailureAt' | 'submitFailure'>)
    | null
  comfyui: (Required<Omit<ComfyUiSidecarOptions, 'failure'>> & Pick<ComfyUiSidecarOptions, 'failure'>) | null
  vlm: boolean
  webSearch: boolean
  autoImageRouting: boolean
  moderation: { enforce: boolean; verdicts: NonNullable<ModerationOptions['verdicts']> }
  imageRateLimit: number
  transcodeRateLimit: number
  ltxRateLimit: number
  ragCapacity: number
  chatPreprocessingMs: number
}

function bad(option: string, expected: string): never {
  throw new NodeSimError('INVALID_OPTION', `${option} must be ${expected}`, { option })
}

function count(v: number | undefined, fallback: number, option: string, min = 0): number {
  if (v === undefined) return fallback
  if (!Number.isSafeInteger(v) || v < min) bad(option, `an integer ≥ ${min}`)
  return v
}

function ms(v: number | undefined, option: string): number {
  if (v === undefined) return 0
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) bad(option, 'a non-negative number')
  return v
}

/** Apply defaults and check values; throws `INVALID_OPTION`. */
export function resolveSidecars(o: SidecarOptions): Sidecars {
  const d = o.diffusion === false ? null : (o.diffusion ?? {})
  const t = o.transcoder === false ? null : (o.transcoder ?? {})
  const c = o.comfyui === false ? null : (o.comfyui ?? {})
  const progress = t?.progress ?? [0, 25, 50, 75, 100]
  if (t && (progress.length === 0 || progress.some((p) => !Number.isSafeInteger(p) || p < 0))) {
    bad('transcoder.progress', 'a non-empty list of non-negative integers')
  }
  const steps = c?.samplerSteps ?? [4]
  if (c && (steps.length === 0 || steps.some((s) => !Number.isSafeInteger(s) || s < 1))) {
    bad('comfyui.samplerSteps', 'a non-empty list of positive integers')
  }
  const duration = t?.durationSeconds === undefined ? 10 : t.durationSeconds
  if (duration !== null && !(Number.isFinite(duration) && duration >= 0)) {
    bad('transcoder.durationSeconds', 'a non-negative number or null')
  }
  const price = c?.pricePerToken ?? '0'
  if (!/^[0-9]+(\.[0-9]+)?$/.test(price)) bad('comfyui.pricePerToken', 'a decimal string')
  return {
    diffusion: d && {
      model: d.model ?? 'flux-klein',
      delayMs: ms(d.delayMs, 'diffusion.delayMs'),
      failWith: d.failWith,
    },
    transcoder: t && {
      maxConcurrent: count(t.maxConcurrent, 2, 'transcoder.maxConcurrent'),
      statusUnreachable: t.statusUnreachable === true,
      submitFailure: t.submitFailure,
      progress: [...progress],
      pollIntervalMs: ms(t.pollIntervalMs, 'transcoder.pollIntervalMs'),
      durationSeconds: duration,
      metadata: t.metadata,
      metadataDelayPolls: count(t.metadataDelayPolls, 0, 'transcoder.metadataDelayPolls'),
      pollFailureAt:
        t.pollFailureAt === undefined ? undefined : count(t.pollFailureAt, 1, 'pollFailureAt', 1),
      timeoutSeconds: count(t.timeoutSeconds, 1800, 'transcoder.timeoutSeconds', 1),
    },
    comfyui: c && {
      samplerSteps: [...steps],
      stepDelayMs: ms(c.stepDelayMs, 'comfyui.stepDelayMs'),
      outputFiles: count(c.outputFiles, 1, 'comfyui.outputFiles', 1),
      maxConcurrentGenerations: count(c.maxConcurrentGenerations, 1, 'comfyui.maxConcurrentGenerations'),
      templateStore: c.templateStore !== false,
      pricePerToken: price,
      failure: c.failure,
      vanishesAfterAccept: c.vanishesAfterAccept === true,
    },
    vlm: o.vlm !== false,
    webSearch: o.webSearch === true,
    autoImageRouting: d !== null && o.autoImageRouting !== false,
    moderation: { enforce: o.moderation?.enforce === true, verdicts: o.moderation?.verdicts ?? {} },
    imageRateLimit: count(o.imageRateLimit, 5, 'imageRateLimit', 1),
    transcodeRateLimit: count(o.transcodeRateLimit, 3, 'transcodeRateLimit', 1),
    ltxRateLimit: count(o.ltxRateLimit, 3, 'ltxRateLimit', 1),
    ragCapacity: count(o.ragCapacity, 100_000, 'ragCapacity', 0),
    chatPreprocessingMs: ms(o.chatPreprocessingMs, 'chatPreprocessingMs'),
  }
}
