import { sha256, utf8ToBytes } from '@fabstir/crypto'
import type { JsonValue } from '../../json-lossless.js'
import { encodePng } from '../png.js'
import { decodeStruct, type StructSpec } from '../serde-like.js'
import type { SessionWindow } from '../session-window.js'
import type { Sidecars } from '../sidecar-options.js'
import { f64 } from '../wire-values.js'
import { type ActionEnv, innerError } from './action-env.js'

/** Sizes the diffusion client accepts (node src/diffusion/client.rs:12–19). */
export const IMAGE_SIZES = ['256x256', '512x512', '768x768', '1024x1024', '1024x768', '768x1024'] as const
/** Prompt keyword blocklist, matched by substring on the lower-cased prompt (node src/diffusion/prompt_safety.rs). */
export const BLOCKED_KEYWORDS = [
  'nude',
  'naked',
  'pornographic',
  'explicit sexual',
  'gore',
  'dismember',
  'graphic violence',
  'suicide',
  'self-harm',
  'bomb making',
  'illegal drugs',
  'child exploitation',
] as const
/** HTTP timeout of the diffusion sidecar call (node src/diffusion/client.rs:167). */
const SIDECAR_TIMEOUT_MS = 120_000
/** Default chain when the request names none. */
const DEFAULT_CHAIN = 84532n
/** Chain id → name and native token; every other id maps to Base Sepolia (node generate_image/response.rs:76–80). */
function chainInfo(chainId: bigint): [string, string] {
  return chainId === 5611n ? ['opBNB Testnet', 'BNB'] : ['Base Sepolia', 'ETH']
}

/** The image request struct (node src/api/generate_image/request.rs), camelCase. */
export const IMAGE_REQUEST: StructSpec = {
  name: 'ImageGenerationRequest',
  fields: [
    { name: 'prompt', kind: 'string' },
    { name: 'model', kind: 'string', optional: true },
    { name: 'size', kind: 'string', optional: true },
    { name: 'steps', kind: 'u32', optional: true },
    { name: 'seed', kind: 'u64', optional: true },
    { name: 'negativePrompt', kind: 'string', optional: true },
    { name: 'guidanceScale', kind: 'f32', optional: true },
    { name: 'safetyLevel', kind: 'string', optional: true },
    { name: 'chainId', kind: 'u64', optional: true },
    { name: 'sessionId', kind: 'string', optional: true },
    { name: 'jobId', kind: 'u64', optional: true },
  ],
}

const ERROR = 'image_generation_error'

/** Billing of one image (node src/diffusion/billing.rs): f64 arithmetic in the node's order. */
export function imageBilling(width: number, height: number, steps: number) {
  const megapixels = (width * height) / 1048576
  const generationUnits = megapixels * (steps / 20) * 1.0
  return { megapixels, generationUnits, tokens: Math.ceil(generationUnits * 1000) }
}

/** A deterministic PNG for a prompt and seed: (w/64)×(h/64) pixels, colours from sha256 of the inputs. */
export function fakeImagePng(prompt: string, seed: bigint, size: string): Uint8Array {
  const [w, h] = size.split('x').map(Number) as [number, number]
  const width = Math.max(1, Math.round(w / 64))
  const height = Math.max(1, Math.round(h / 64))
  const rgb = new Uint8Array(width * height * 3)
  let block = sha256(utf8ToBytes(`${seed}\n${size}\n${prompt}`))
  for (let i = 0; i < rgb.length; i++) {
    if (i > 0 && i % 32 === 0) block = sha256(block)
    rgb[i] = block[i % 32]!
  }
  return encodePng(width, height, rgb)
}

function base64(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin)
}

interface ImageRequest {
  prompt: string
  model: string | undefined
  size: string
  steps: number
  seed: bigint | undefined
  safetyLevel: string
  chainId: bigint
}

/**
 * Run `image_generation` (PROTOCOL-SURFACE §5) and send its one reply. Returns a promise while the fake sidecar is
 * "generating" (a configured delay); `undefined` when everything finished synchronously.
 */
export function runImageGeneration(
  env: ActionEnv,
  payload: JsonValue,
  sidecars: Sidecars,
  limiter: SessionWindow,
): Promise<void> | undefined {
  const fail = (code: string, message: string): undefined => {
    env.logger?.info('image generation refused', { code })
    env.replier.send(innerError(ERROR, code, message), { id: env.requestId, terminal: true })
    return undefined
  }
  if (!limiter.allows(env.sessionId))
    return fail('RATE_LIMIT_EXCEEDED', 'Image generation rate limit exceeded')
  const decoded = decodeStruct(payload, IMAGE_REQUEST)
  if (!decoded.ok) return fail('VALIDATION_FAILED', `Invalid request: ${decoded.message}`)
  const v = decoded.value
  const req: ImageRequest = {
    prompt: v.prompt as string,
    model: v.model as string | undefined,
    size: (v.size as string | undefined) ?? '1024x1024',
    steps: (v.steps as number | undefined) ?? 4,
    seed: v.seed as bigint | undefined,
    safetyLevel: (v.safetyLevel as string | undefined) ?? 'strict',
    chainId: (v.chainId as bigint | undefined) ?? DEFAULT_CHAIN,
  }
  if (req.prompt.trim() === '') return fail('VALIDATION_FAILED', 'prompt must not be empty')
  if (!(IMAGE_SIZES as readonly string[]).includes(req.size)) {
    return fail('VALIDATION_FAILED', `invalid size '${req.size}'; allowed: ${IMAGE_SIZES.join(', ')}`)
  }
  if (req.steps < 1 || req.steps > 100) {
    return fail('VALIDATION_FAILED', `steps must be between 1 and 100, got ${req.steps}`)
  }
  const lower = req.prompt.toLowerCase()
  const blocked = BLOCKED_KEYWORDS.find((k) => lower.includes(k))
  if (blocked !== undefined) return fail('PROMPT_BLOCKED', `Blocked keyword detected: ${blocked}`)
  const diffusion = sidecars.diffusion
  if (diffusion === null) {
    return fail('DIFFUSION_SERVICE_UNAVAILABLE', 'Image generation service is not available on this host')
  }
  const started = env.now()
  const timedOut = diffusion.delayMs > SIDECAR_TIMEOUT_MS
  const finish = (): void => {
    if (diffusion.failWith !== undefined || timedOut) {
      const detail = timedOut ? 'sidecar request timed out after 120 s' : diffusion.failWith
      fail('IMAGE_GENERATION_FAILED', `Generation failed: ${detail}`)
      return
    }
    limiter.record(env.sessionId)
    const [w, h] = req.size.split('x').map(Number) as [number, number]
    const billing = imageBilling(w, h, req.steps)
    env.bill({ kind: 'image', tokens: billing.tokens })
    const [chainName, nativeToken] = chainInfo(req.chainId)
    env.replier.send(
      {
        type: 'image_generation_result',
        image: base64(fakeImagePng(req.prompt, req.seed ?? 0n, req.size)),
        model: req.model ?? diffusion.model,
        size: req.size,
        steps: req.steps,
        seed: req.seed ?? 0n,
        processingTimeMs: Math.max(0, Math.round(env.now() - started)),
        safety: { promptSafe: true, outputSafe: true, safetyLevel: req.safetyLevel },
        billing: {
          generationUnits: f64(billing.generationUnits),
          modelMultiplier: f64(1),
          megapixels: f64(billing.megapixels),
          steps: req.steps,
        },
        provider: 'host',
        chainId: req.chainId,
        chainName,
        nativeToken,
      },
      { id: env.requestId, terminal: true },
    )
    env.logger?.info('image generated', { size: req.size, steps: req.steps })
  }
  if (diffusion.delayMs > 0) return env.sleep(Math.min(diffusion.delayMs, SIDECAR_TIMEOUT_MS)).then(finish)
  finish()
  return undefined
}
