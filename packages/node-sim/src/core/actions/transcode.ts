import { utf8ToBytes } from '@fabstir/crypto'
import { asBool, asStr, asU64, getField, type JsonValue, tryParseJsonLossless } from '../../json-lossless.js'
import { blobCid } from '../cid.js'
import type { OutFrame } from '../frames.js'
import { decodeAs, type StructSpec } from '../serde-like.js'
import type { SessionWindow } from '../session-window.js'
import type { Sidecars } from '../sidecar-options.js'
import { StopSignal } from '../stop-signal.js'
import { f64 } from '../wire-values.js'
import { type ActionEnv, innerError } from './action-env.js'

const ERROR = 'transcode_error'
/** Extra polls while the sidecar's metadata is not a JSON array yet (node transcode.rs:112–130). */
const METADATA_REPOLLS = 5

/** VideoFormat (node src/transcoder/types.rs:9–56); snake_case keys, only `id` and `ext` required. */
export const VIDEO_FORMAT: StructSpec = {
  name: 'VideoFormat',
  fields: [
    { name: 'id', kind: 'u32' },
    { name: 'ext', kind: 'string' },
    ...(
      [
        'label',
        'type',
        'vcodec',
        'acodec',
        'preset',
        'profile',
        'vf',
        'b_v',
        'ar',
        'b_a',
        'c_a',
        'minrate',
        'maxrate',
        'bufsize',
        'dest',
      ] as const
    ).map((name) => ({ name, kind: 'string' as const, optional: true })),
    ...(['ch', 'compression_level', 'trim_percent', 'hls_time'] as const).map((name) => ({
      name,
      kind: 'u32' as const,
      optional: true,
    })),
    ...(['gpu', 'encrypt', 'hls'] as const).map((name) => ({ name, kind: 'bool' as const, optional: true })),
  ],
}

/** Node-wide transcoder sidecar state. */
export interface TranscoderState {
  active: number
  nextTask: number
}

/** Billing factor of the output resolution (from `vf` = `scale=WxH` or `scale=W:H`). */
function resolutionFactor(vf: string | undefined): number {
  const m = vf === undefined ? null : /scale=(\d+)[x:](\d+)/.exec(vf)
  if (!m) return 1.0
  const h = Number(m[2])
  if (h <= 480) return 0.25
  if (h <= 720) return 0.5
  if (h <= 1080) return 1.0
  return 2.0
}

function codecFactor(vcodec: string | undefined): number {
  if (vcodec?.startsWith('av1')) return 1.5
  if (vcodec?.startsWith('hevc') || vcodec?.startsWith('h265')) return 1.2
  return 1.0
}

type Format = { [key: string]: unknown }

/** Transcode billing (node src/transcoder/billing.rs:14–51). */
export function transcodeBilling(formats: readonly Format[], duration: number, encrypted: boolean) {
  let units = 0
  const enc = encrypted ? 1.1 : 1.0
  for (const f of formats) {
    units +=
      duration *
      resolutionFactor(f.vf as string | undefined) *
      codecFactor(f.vcodec as string | undefined) *
      enc
  }
  return { units, tokens: Math.ceil(units * 1000) }
}

function defaultMetadata(taskId: string, formats: readonly Format[]): string {
  return JSON.stringify(
    formats.map((f, i) =>
      f.hls === true
        ? {
            id: f.id,
            hls: true,
            initSegmentCid: blobCid(utf8ToBytes(`${taskId}/${i}/init`)),
            segments: [
              { index: 0, cid: blobCid(utf8ToBytes(`${taskId}/${i}/0`)), duration: 6.006, encrypted: false },
            ],
            previewSegments: 1,
            totalSegments: 1,
            totalDuration: 6.006,
          }
        : { format_index: i, cid: blobCid(utf8ToBytes(`${taskId}/${i}`)), dest: 's5' },
    ),
  )
}

/** A running transcode poller as its connection sees it. */
export interface TranscodeJob {
  /** `transcode_cancel` or close: stop delivering (the poller notices at its next progress change). */
  detach(): void
  /** Resolves when the poller has ended. */
  readonly done: Promise<void>
}

/**
 * Run the pre-accept checks of `transcode` (PROTOCOL-SURFACE §7.2). On failure sends one `transcode_error` with the
 * request `id` and returns `undefined`; on success sends `transcode_accepted` and starts the background poller.
 */
export function startTranscode(
  env: ActionEnv,
  payload: JsonValue,
  sidecars: Sidecars,
  limiter: SessionWindow,
  state: TranscoderState,
  moderationVerdict: (jobId: bigint | null) => { verdict: string; reason?: string | undefined } | undefined,
): TranscodeJob | undefined {
  const fail = (code: string, message: string): undefined => {
    env.logger?.info('transcode refused', { code })
    env.replier.send(innerError(ERROR, code, message), { id: env.requestId, terminal: true })
    return undefined
  }
  const source = asStr(getField(payload, 'sourceCid'))
  if (source === undefined || source === '') return fail('VALIDATION_FAILED', 'Missing or empty sourceCid')
  const rawFormats = getField(payload, 'mediaFormats')
  if (rawFormats === undefined) return fail('VALIDATION_FAILED', 'Missing mediaFormats')
  const decoded = decodeAs(rawFormats, { seq: { struct: VIDEO_FORMAT } })
  if (!decoded.ok) return fail('VALIDATION_FAILED', `Invalid mediaFormats: ${decoded.message}`)
  const formats = decoded.value as Format[]
  if (formats.length === 0) return fail('VALIDATION_FAILED', 'mediaFormats must not be empty')
  if (!limiter.allows(env.sessionId)) return fail('RATE_LIMIT_EXCEEDED', 'Transcoding rate limit exceeded')
  const sidecar = sidecars.transcoder
  if (sidecar === null) return fail('SIDECAR_UNAVAILABLE', 'Transcoder sidecar not configured (503)')
  if (sidecar.statusUnreachable || state.active >= sidecar.maxConcurrent) {
    return fail('TRANSCODE_CAPACITY_FULL', 'All transcode slots are in use — try again later')
  }
  if (sidecar.submitFailure !== undefined) {
    return fail('SUBMIT_FAILED', `Failed to submit transcode: ${sidecar.submitFailure}`)
  }
  const encrypted = asBool(getField(payload, 'isEncrypted')) ?? true
  // previewPercent (a non-negative integer, else ignored) only shapes HLS previews on a real sidecar.
  void asU64(getField(payload, 'previewPercent'))
  limiter.record(env.sessionId)
  state.active++
  const taskId = `task-${(state.nextTask++).toString().padStart(6, '0')}`
  env.replier.send({ type: 'transcode_accepted', taskId, status: 'accepted' }, { id: env.requestId })
  env.logger?.info('transcode accepted', { taskId, formats: formats.length })

  const acceptedAt = env.now()
  const detached = new StopSignal()
  let delivering = true
  const deliver = (inner: OutFrame, terminal = false): boolean => {
    if (!delivering) return false
    return env.replier.send(inner, { terminal }) || terminal
  }
  const elapsedMs = (): number => env.now() - acceptedAt
  const timeoutMs = sidecar.timeoutSeconds * 1000
  const duration = sidecar.durationSeconds

  const poller = async (): Promise<void> => {
    let last = 0
    for (let poll = 1; ; poll++) {
      const index = poll - 1
      const p = sidecar.progress[Math.min(index, sidecar.progress.length - 1)]!
      const stuck = index >= sidecar.progress.length - 1 && p === last && p < 100
      // Past the end of the list nothing changes any more: the next observable event is the timeout.
      const wait = stuck
        ? Math.max(sidecar.pollIntervalMs, timeoutMs - elapsedMs() + 1)
        : sidecar.pollIntervalMs
      await detached.wait(env.sleep, wait)
      // Detached before 100 % was reported: the next progress change would fail to send, which ends the poller.
      if (!delivering) return
      if (elapsedMs() > timeoutMs) {
        deliver(innerError(ERROR, 'TIMEOUT', 'Transcoding timed out'), true)
        return
      }
      if (sidecar.pollFailureAt === poll) {
        deliver(innerError(ERROR, 'POLL_FAILED', 'Failed to poll transcoder status: HTTP status 500'), true)
        return
      }
      if (p !== last && p > 0) {
        const progress: OutFrame = {
          type: 'transcode_progress',
          taskId,
          progress: p,
          gopInfo:
            duration === null
              ? undefined
              : (() => {
                  const totalGops = Math.ceil(duration / 2)
                  return {
                    currentGop: Math.floor((p * totalGops) / 100),
                    totalGops,
                    elapsedSeconds: f64(elapsedMs() / 1000),
                  }
                })(),
        }
        // The node learns that the client is gone only when a progress send fails.
        if (!deliver(progress)) return
      }
      last = p
      if (p >= 100) break
    }
    // The sidecar may report 100 % before its metadata is ready; the node re-polls up to 5 times. This runs even
    // after a cancel or disconnect (delivery then fails, billing still happens).
    const ready = sidecar.metadata ?? defaultMetadata(taskId, formats)
    let metadata = sidecar.metadataDelayPolls > 0 ? 'processing' : ready
    for (let i = 0; i < METADATA_REPOLLS && !metadata.startsWith('['); i++) {
      await detached.wait(env.sleep, sidecar.pollIntervalMs)
      metadata = i + 1 >= sidecar.metadataDelayPolls ? ready : 'processing'
    }
    const outputs = tryParseJsonLossless(metadata) ?? []
    if (!Array.isArray(outputs) || outputs.length === 0) {
      deliver(innerError(ERROR, 'MODERATION_UNAVAILABLE', 'transcode held: no publishable outputs'), true)
      return
    }
    if (sidecars.moderation.enforce) {
      const v = moderationVerdict(env.jobId)
      if (v?.verdict !== 'Cleared') {
        const [code, text] =
          v?.verdict === 'Flagged'
            ? ['CONTENT_FLAGGED', v.reason ?? 'flagged by moderation']
            : v?.verdict === 'Blocked'
              ? ['CONTENT_BLOCKED', v.reason ?? 'blocked by moderation']
              : ['MODERATION_UNAVAILABLE', 'Held: moderation verdict unavailable']
        deliver(innerError(ERROR, code, text), true)
        return
      }
    }
    const billing = transcodeBilling(formats, duration ?? 0, encrypted)
    env.bill({ kind: 'transcode', tokens: billing.tokens })
    const proof = env.jobId !== null
    deliver(
      {
        type: 'transcode_complete',
        taskId,
        outputs: outputs as JsonValue,
        billing: { units: f64(billing.units), tokens: billing.tokens },
        duration: f64(duration ?? 0),
        qualityMetrics: null,
        proofTreeCID: proof ? blobCid(utf8ToBytes(`proof-tree:${taskId}`)) : null,
        proofTreeRootHash: proof ? `0x${'ab'.repeat(32)}` : null,
      },
      true,
    )
    env.logger?.info('transcode complete', { taskId })
  }
  const done = poller()
    .catch((e: unknown) => env.logger?.error('transcode poller failed', { error: String(e) }))
    .finally(() => {
      state.active--
    })
  return {
    detach() {
      delivering = false
      detached.stop()
    },
    done,
  }
}
