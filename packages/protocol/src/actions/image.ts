import {
  checkImageGenerationRequest,
  checkImageResponse,
  type EncryptedMessageFrame,
  type ImageBilling,
  type ImageGenerationRequest,
  type ImageSafety,
  stringifyJson,
} from '@fabstir/wire'
import type { EncryptedSession } from '../encrypted-session.js'
import type { FabstirError } from '../errors.js'
import { actionError, flowViolation, invalidRequest, parseInner } from './action-error.js'
import type { Flow, FlowOutcome } from './flow.js'
import {
  assertSlotFree,
  type FlowStartOptions,
  flowRequestId,
  IMAGE_DEADLINE_MS,
  requireEncrypted,
} from './slot.js'

/** The family AAD of every image reply (PROTOCOL-SURFACE §4.3). */
export const IMAGE_RESPONSE_AAD = 'encrypted_image_response'

/** What to generate (PROTOCOL-SURFACE §5.1). `sessionId`/`jobId` are not offered: the node ignores them. */
export type ImageRequest = Omit<ImageGenerationRequest, 'action' | 'sessionId' | 'jobId'>

/** The node's image billing block plus the tokens it charges to the connection's job (§5.4; not on the wire). */
export interface ImageResultBilling extends ImageBilling {
  /** `ceil(generationUnits × 1000)`. */
  tokens: number
}

/** A generated image: the decoded bytes plus the node's metadata and billing. */
export interface ImageResult {
  /** The image file (PNG in practice), decoded from the node's base64. */
  bytes: Uint8Array
  /** Media type sniffed from the bytes (`image/png`, `image/jpeg`, `image/webp`, `image/gif`, else octet-stream). */
  mimeType: string
  /** Model the sidecar used. */
  model: string
  /** The requested size string (not measured). */
  size: string
  /** Diffusion steps. */
  steps: number
  /** The request seed, or 0 when none was sent (not the sidecar's actual seed). */
  seed: number | bigint
  /** Wall time of the sidecar call. */
  processingTimeMs: number
  /** The node's safety block (always true: the node has no output check; `safetyLevel` is only echoed). */
  safety: ImageSafety
  /** The node's billing block plus the token-equivalents it charges. */
  billing: ImageResultBilling
  /** `"host"`. */
  provider: string
  /** Chain of the result's `chainName`/`nativeToken` (84532 unless the request named another). */
  chainId: number
  /** e.g. `Base Sepolia`. */
  chainName: string
  /** e.g. `ETH`. */
  nativeToken: string
}

/**
 * Start an image generation on `session` (sans-IO): validates the request (`INVALID_PROMPT`), seals it and takes the
 * session's request slot until the node's single reply (`PROMPT_IN_FLIGHT` while another request is in flight).
 * Deadline: 120 s from `now` (the node's sidecar timeout). The node offers no cancel for images.
 */
export function startImage(
  session: EncryptedSession,
  request: ImageRequest,
  options: FlowStartOptions,
): EncryptedMessageFrame {
  requireEncrypted(session, 'image')
  assertSlotFree(session, 'image')
  const inner = { ...request, action: 'image_generation' }
  const checked = checkImageGenerationRequest(inner)
  if (!checked.ok) {
    const issue = checked.issues[0]
    throw invalidRequest('image', `${issue?.path || '/'}: ${issue?.message}`, issue?.path, checked.issues)
  }
  const id = flowRequestId(session, options.id)
  const frame = session.sealAction(stringifyJson(checked.value), id)
  session.beginFlow(
    id,
    imageFlow(id, session.sessionId, options.now + (options.deadlineMs ?? IMAGE_DEADLINE_MS)),
  )
  return frame
}

function imageFlow(id: string, sessionId: string, deadlineAt: number): Flow {
  return {
    kind: 'image',
    aad: IMAGE_RESPONSE_AAD,
    plainTypes: [],
    deadlineAt,
    inLoop: false,
    onInner(text): FlowOutcome {
      try {
        return {
          events: [{ type: 'result', id, kind: 'image', result: decodeImageReply(text, id, sessionId) }],
          done: true,
        }
      } catch (e) {
        return { events: [{ type: 'error', error: e as FabstirError }], done: true }
      }
    },
    onPlain: () => ({ events: [], done: false }),
    onError: () => undefined,
    cancelFrame: () => undefined,
  }
}

/**
 * Decode and validate an image reply (the inner JSON of an `encrypted_image_response`): the result as an
 * {@link ImageResult}; an `image_generation_error` throws a {@link FabstirError} with the node's code
 * (`RATE_LIMIT_EXCEEDED`, `PROMPT_BLOCKED`, `VALIDATION_FAILED`, …) and its capped message; anything else throws
 * `INVALID_FRAME`. Also decodes the image of a chat prompt the node diverted to image generation (§6).
 */
export function decodeImageReply(json: string, requestId = '', sessionId = ''): ImageResult {
  const checked = checkImageResponse(parseInner(json))
  if (!checked.ok)
    throw flowViolation('image', 'the reply is not an image message', requestId, sessionId, {
      issues: checked.issues,
    })
  const reply = checked.value
  if (reply.type === 'image_generation_error') throw actionError('image', reply.error, requestId, sessionId)
  const bytes = base64ToBytes(reply.image)
  if (!bytes) throw flowViolation('image', 'the image is not valid base64', requestId, sessionId)
  return {
    bytes,
    mimeType: sniffImageType(bytes),
    model: reply.model,
    size: reply.size,
    steps: reply.steps,
    seed: reply.seed,
    processingTimeMs: reply.processingTimeMs,
    safety: reply.safety,
    billing: { ...reply.billing, tokens: Math.ceil(reply.billing.generationUnits * 1000) },
    provider: reply.provider,
    chainId: reply.chainId,
    chainName: reply.chainName,
    nativeToken: reply.nativeToken,
  }
}

function base64ToBytes(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined
  const bin = atob(text)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

function sniffImageType(b: Uint8Array): string {
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png'
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg'
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return 'image/gif'
  if (b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45) return 'image/webp'
  return 'application/octet-stream'
}
