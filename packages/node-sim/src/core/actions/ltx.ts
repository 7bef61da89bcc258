import { bytesToHex, utf8ToBytes } from '@fabstir/crypto'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { type JsonValue, U64_MAX } from '../../json-lossless.js'
import { blobCid, decodeCapabilityCid, fakeCapabilityCid } from '../cid.js'
import type { OutFrame } from '../frames.js'
import { decodeStruct, type StructSpec } from '../serde-like.js'
import type { SessionWindow } from '../session-window.js'
import type { Sidecars } from '../sidecar-options.js'
import { StopSignal } from '../stop-signal.js'
import { type ActionEnv, innerError } from './action-env.js'
import {
  ALLOW_LIST_VERSION,
  ALLOWED_FPS,
  ALLOWED_RESOLUTIONS,
  IMAGE_MAX_BYTES,
  LTX_TEMPLATES,
  MAX_FRAMES,
  MAX_SECONDS,
  MIN_FRAMES,
  MIN_SECONDS,
  VIDEO_MAX_BYTES,
} from './ltx-allowlist.js'

const ERROR = 'ltx_error'
const U128_MAX = 2n ** 128n - 1n

/** The LTX job struct (node src/ltx/types.rs:27–55), camelCase, in declaration order. */
export const LTX_JOB: StructSpec = {
  name: 'LtxJob',
  fields: [
    { name: 'requestId', kind: 'string', optional: true },
    { name: 'templateId', kind: 'string' },
    { name: 'templateHash', kind: 'string' },
    { name: 'prompt', kind: 'string' },
    { name: 'seed', kind: 'string' },
    { name: 'frames', kind: 'u32' },
    { name: 'fps', kind: 'u32' },
    {
      name: 'resolution',
      kind: {
        struct: {
          name: 'Resolution',
          fields: [
            { name: 'w', kind: 'u32' },
            { name: 'h', kind: 'u32' },
          ],
        },
      },
    },
    { name: 'lora', kind: 'string' },
    { name: 'output', kind: { unitEnum: ['exr-sequence'] } },
    { name: 'images', kind: { seq: 'string' }, optional: true },
    { name: 'videos', kind: { seq: 'string' }, optional: true },
  ],
}

/** Node-wide LTX state: render slots in use and the settlement latch per job id. */
export interface LtxState {
  activeGenerations: number
  /** Renders in progress on the (node-wide) ComfyUI sidecar; ComfyUI's `/interrupt` hits all of them. */
  renders: Set<{ interrupt(): void }>
  /** Job id → time (ms) until which a disconnect-triggered settlement blocks new jobs. */
  settling: Map<string, number>
}

/** Rust's `str::parse::<u128>()` error text, or the value. */
function parseU128(text: string): bigint | string {
  const digits = text.startsWith('+') ? text.slice(1) : text
  if (text === '') return 'cannot parse integer from empty string'
  if (!/^[0-9]+$/.test(digits)) return 'invalid digit found in string'
  const n = BigInt(digits)
  return n > U128_MAX ? 'number too large to fit in target type' : n
}

interface LtxJob {
  requestId?: string
  templateId: string
  templateHash: string
  prompt: string
  seed: string
  frames: number
  fps: number
  resolution: { w: number; h: number }
  images?: string[]
  videos?: string[]
}

/** A running LTX job as its connection sees it. */
export interface LtxRun {
  /** Close: stop delivering; the task abandons at its next stage gate. */
  detach(): void
  /**
   * `ltx_cancel`: ComfyUI `/interrupt` (sidecar-global: every other render still generating fails with
   * `generation failed: execution interrupted`), then {@link LtxRun.detach}.
   */
  cancel(): void
  /** Resolves when the generation task ended; `abandoned` is true when it stopped at a gate without billing. */
  readonly done: Promise<{ abandoned: boolean }>
}

function checkInputs(
  kind: 'image' | 'video',
  cids: readonly string[] | undefined,
  expected: number,
  templateId: string,
  maxBytes: number,
): string | undefined {
  const got = cids?.length ?? 0
  if (got !== expected) return `template "${templateId}" expects ${expected} input ${kind}(s), got ${got}`
  for (const cid of cids ?? []) {
    const parsed = decodeCapabilityCid(cid)
    if ('error' in parsed) return `invalid ${kind} capability CID: ${parsed.error}`
    if (parsed.size > BigInt(maxBytes)) {
      return `input ${kind} is ${parsed.size} bytes, exceeds ${kind}MaxBytes ${maxBytes}`
    }
  }
  return undefined
}

/**
 * Run the pre-accept checks of `ltx_generate` in the node's order (PROTOCOL-SURFACE §8.3). On failure sends one
 * `ltx_error` with the request `id`; on success sends `ltx_accepted` and starts the fake ComfyUI render.
 */
export function startLtx(
  env: ActionEnv,
  payload: JsonValue,
  sidecars: Sidecars,
  limiter: SessionWindow,
  state: LtxState,
): LtxRun | undefined {
  let requestId: string | undefined
  const fail = (code: string, message: string): undefined => {
    env.logger?.info('ltx job refused', { code })
    env.replier.send(
      { ...innerError(ERROR, code, message), requestId },
      { id: env.requestId, terminal: true },
    )
    return undefined
  }
  const decoded = decodeStruct(payload, LTX_JOB)
  if (!decoded.ok) return fail('VALIDATION_FAILED', `invalid ltx job: ${decoded.message}`)
  const job = decoded.value as unknown as LtxJob
  requestId = job.requestId
  if (!limiter.allows(env.sessionId)) return fail('CAPACITY', 'LTX generation rate limit exceeded')
  const comfy = sidecars.comfyui
  if (comfy === null) return fail('SIDECAR_UNAVAILABLE', 'LTX sidecar not configured (503)')
  if (!comfy.templateStore) return fail('VALIDATION_FAILED', 'LTX template store not configured')
  const template = Object.hasOwn(LTX_TEMPLATES, job.templateId) ? LTX_TEMPLATES[job.templateId] : undefined
  if (template === undefined) {
    return fail('VALIDATION_FAILED', `template rejected: unknown templateId "${job.templateId}"`)
  }
  if (job.templateHash.toLowerCase() !== template.hash.toLowerCase()) {
    return fail('VALIDATION_FAILED', `template rejected: templateHash mismatch for "${job.templateId}"`)
  }
  const { w, h } = job.resolution
  if (
    job.frames < MIN_FRAMES ||
    job.frames > MAX_FRAMES ||
    !ALLOWED_FPS.includes(job.fps) ||
    !ALLOWED_RESOLUTIONS.some(([rw, rh]) => rw === w && rh === h)
  ) {
    return fail('VALIDATION_FAILED', 'job params out of allow-list bounds')
  }
  if ((job.frames - 1) % job.fps !== 0) {
    return fail(
      'VALIDATION_FAILED',
      `frames ${job.frames} is not a whole number of seconds at ${job.fps} fps`,
    )
  }
  const seconds = (job.frames - 1) / job.fps
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    return fail('VALIDATION_FAILED', `clip duration ${seconds}s is out of range (must be 5..=15s)`)
  }
  const inputError =
    checkInputs('image', job.images, template.imageInputs, job.templateId, IMAGE_MAX_BYTES) ??
    checkInputs('video', job.videos, template.videoInputs, job.templateId, VIDEO_MAX_BYTES)
  if (inputError !== undefined) return fail('VALIDATION_FAILED', inputError)
  const seed = parseU128(job.seed)
  if (typeof seed === 'string')
    return fail('VALIDATION_FAILED', `patch failed: invalid seed "${job.seed}": ${seed}`)
  if (seed > U64_MAX)
    return fail('VALIDATION_FAILED', `patch failed: seed ${job.seed} exceeds the sampler's u64 range`)
  if (state.activeGenerations >= comfy.maxConcurrentGenerations) {
    return fail('CAPACITY', 'all generation slots are in use')
  }
  const jobKey = env.jobId?.toString()
  if (jobKey !== undefined && (state.settling.get(jobKey) ?? Number.NEGATIVE_INFINITY) > env.now()) {
    return fail('CAPACITY', 'session settlement in progress — retry shortly')
  }
  limiter.record(env.sessionId)
  state.activeGenerations++
  env.replier.send(
    {
      type: 'ltx_accepted',
      status: 'processing',
      sessionId: env.sessionId,
      allowListVersion: ALLOW_LIST_VERSION,
      requestId,
    },
    { id: env.requestId },
  )
  env.logger?.info('ltx job accepted', { template: job.templateId, frames: job.frames })
  if (comfy.vanishesAfterAccept) {
    state.activeGenerations--
    env.replier.send(
      { ...innerError(ERROR, 'SIDECAR_UNAVAILABLE', 'LTX sidecar became unavailable'), requestId },
      { id: env.requestId, terminal: true },
    )
    return undefined
  }

  const detached = new StopSignal()
  let interrupted = false
  const render = {
    interrupt: () => {
      interrupted = true
    },
  }
  state.renders.add(render)
  let events = 0
  /** Send one progress message (dropped once the loop was left). */
  const progress = (stage: string, pct: number): void => {
    if (detached.isStopped) return
    env.replier.send({ type: 'ltx_progress', stage, pct, requestId })
    events++
  }
  const failed = (): boolean => comfy.failure !== undefined && events >= comfy.failure.afterEvents
  /** Send the injected post-accept failure; the job then ends (not abandoned). */
  const sendFailure = (): { abandoned: boolean } => {
    const text = comfy.failure!.message
    const code = text.includes('timed out') ? 'TIMEOUT' : 'GENERATION_FAILED'
    if (!detached.isStopped)
      env.replier.send({ ...innerError(ERROR, code, text), requestId }, { terminal: true })
    return { abandoned: false }
  }
  const step = (): Promise<boolean> => detached.wait(env.sleep, comfy.stepDelayMs)

  const task = async (): Promise<{ abandoned: boolean }> => {
    // generating: one event per sampler step of every sampler stage
    for (const max of comfy.samplerSteps) {
      for (let value = 1; value <= max; value++) {
        if (!(await step())) return { abandoned: true }
        if (interrupted) {
          // Another session's ltx_cancel interrupted the sidecar; the watch of this render fails.
          if (!detached.isStopped) {
            env.replier.send(
              {
                ...innerError(ERROR, 'GENERATION_FAILED', 'generation failed: execution interrupted'),
                requestId,
              },
              { terminal: true },
            )
          }
          return { abandoned: false }
        }
        if (failed()) return sendFailure()
        progress('generating', Math.floor((value * 100) / max))
      }
    }
    const files = comfy.outputFiles
    const stages: [string, number][] = [['encrypting', 0]]
    for (let i = 0; i < files; i++) stages.push(['encrypting', Math.floor(((i + 1) * 100) / files)])
    stages.push(['uploading', 0], ['finalising', 0])
    for (const [stage, pct] of stages) {
      // stage gate: a cancel or disconnect is noticed here and the clip is abandoned without billing
      if (!(await step())) return { abandoned: true }
      if (failed()) return sendFailure()
      progress(stage, pct)
    }
    // Past the finalising gate the proof is submitted (billed) even if the client is gone.
    await step()
    if (failed()) return sendFailure()
    const tokens = Math.ceil((job.frames * w * h) / 1000)
    env.bill({ kind: 'ltx', tokens })
    const label = `${env.sessionId}/${job.templateId}/${job.seed}/${job.prompt}`
    const cipherHashes = Array.from({ length: files }, (_, i) =>
      keccak_256(utf8ToBytes(`ciphertext:${label}/${i}`)),
    )
    let root = cipherHashes[0]!
    for (const hsh of cipherHashes.slice(1)) root = keccak_256(new Uint8Array([...root, ...hsh]))
    const complete: OutFrame = {
      type: 'ltx_complete',
      outputCID: blobCid(utf8ToBytes(`manifest:${label}`)),
      proofCID: blobCid(utf8ToBytes(`attestation:${label}`)),
      frames: cipherHashes.map((_, i) => fakeCapabilityCid(`${label}/${i}`, 1_000_000 + i)),
      manifest: {
        frameCount: files,
        fps: job.fps,
        resolution: { w, h },
        colourEncoding: 'linear-HDR-from-LogC3',
        frameHashes: cipherHashes.map((x) => `0x${bytesToHex(x)}`),
        merkleRoot: `0x${bytesToHex(root)}`,
      },
      billing: { unit: 'megapixel-frame', tokens, pricePerToken: comfy.pricePerToken },
      requestId,
    }
    if (!detached.isStopped) env.replier.send(complete, { terminal: true })
    env.logger?.info('ltx job complete', { files })
    return { abandoned: false }
  }
  const done = task()
    .catch((e: unknown) => {
      env.logger?.error('ltx task failed', { error: String(e) })
      return { abandoned: true }
    })
    .finally(() => {
      state.activeGenerations--
      state.renders.delete(render)
    })
  return {
    detach() {
      detached.stop()
    },
    cancel() {
      for (const other of state.renders) if (other !== render) other.interrupt()
      detached.stop()
    },
    done,
  }
}
