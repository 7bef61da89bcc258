import { decodeImageReply, type ImageRequest, type ImageResult, startImage } from '../../actions/image.js'
import type { Reply } from '../../driver/replies.js'
import type { EncryptedSession } from '../../encrypted-session.js'
import type { ClientSession } from '../client-session.js'
import { type FlowOptions, ProgressJob } from './job.js'

/**
 * Generate an image (PROTOCOL-SURFACE §5) on an encrypted session: resolves with the decoded bytes, the node's
 * metadata and billing. Rejects with the node's code (`RATE_LIMIT_EXCEEDED`, `PROMPT_BLOCKED`, `VALIDATION_FAILED`,
 * `DIFFUSION_SERVICE_UNAVAILABLE`, `IMAGE_GENERATION_FAILED`) and its capped message, `INVALID_PROMPT` for a request
 * refused before sending, `TIMEOUT` after 120 s, `ABORTED` on abort (the node has no image cancel: it still
 * generates and bills), `CONNECTION_LOST`. Waits for any prompt or flow in flight on the session.
 *
 * ```ts
 * import { generateImage } from '@fabstir/transport-ws/image'
 * const image = await generateImage(session, { prompt: 'a lighthouse at dusk', size: '512x512' })
 * ```
 */
export function generateImage(
  session: ClientSession,
  request: ImageRequest,
  options: FlowOptions = {},
): Promise<ImageResult> {
  const job = new ProgressJob<never, ImageResult>(
    (protocol, now) =>
      startImage(protocol as EncryptedSession, request, {
        now,
        ...(options.timeoutMs === undefined ? {} : { deadlineMs: options.timeoutMs }),
      }),
    options,
  )
  return job.submit(session, options.signal).result
}

/**
 * The image of a chat reply the node diverted to image generation (`reply.image`, PROTOCOL-SURFACE §6), decoded and
 * validated; `undefined` for an ordinary text reply. Throws `INVALID_FRAME` for a malformed image message.
 */
export function imageOf(reply: Reply): ImageResult | undefined {
  return reply.image === undefined ? undefined : decodeImageReply(reply.image.json, reply.id)
}
