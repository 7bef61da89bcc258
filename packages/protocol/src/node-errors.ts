import { type ErrorFrame, isNodeErrorCode } from '@fabstir/wire'
import { FabstirError } from './errors.js'
import { capNodeText } from './node-text.js'

/** Node error codes are short identifiers; a longer one is cut to this many characters for display. */
const MAX_CODE_CHARS = 64

const RETRY_AFTER = /retry after (\d+) seconds?/i
const DEFAULT_RETRY_AFTER_MS = 60_000

/**
 * Map a node `error` frame (shape A with `code`, or shape B with only `error`) to a typed {@link FabstirError}.
 * Shape B rate-limit messages become `RATE_LIMITED` with `retryAfterMs`; other shape B messages `NODE_ERROR`.
 * Unknown shape A codes are kept verbatim in `details.nodeCode` under `NODE_ERROR`.
 */
export function errorFromNodeFrame(frame: ErrorFrame, fallbackRequestId?: string): FabstirError {
  const frameId = (frame as { id?: unknown }).id
  const requestId = typeof frameId === 'string' ? frameId : fallbackRequestId
  if ('code' in frame) {
    const sessionId = frame.session_id
    const details: Record<string, unknown> = {}
    if ('prompt_tokens' in frame && frame.prompt_tokens !== undefined)
      details.promptTokens = frame.prompt_tokens
    if ('context_window_size' in frame && frame.context_window_size !== undefined) {
      details.contextWindowSize = frame.context_window_size
    }
    // Only node-origin codes pass through: a node cannot make the SDK report one of its own client-side codes.
    const shown = capNodeText(frame.message)
    if (isNodeErrorCode(frame.code)) {
      return new FabstirError(frame.code, `node error ${frame.code}: ${shown}`, {
        requestId,
        sessionId,
        nodeMessage: frame.message,
        details,
      })
    }
    const code = capNodeText(frame.code, MAX_CODE_CHARS)
    return new FabstirError('NODE_ERROR', `node error ${code}: ${shown}`, {
      requestId,
      sessionId,
      nodeMessage: frame.message,
      details: { ...details, nodeCode: code },
    })
  }
  const message = frame.error
  const shown = capNodeText(message)
  if (/rate limit/i.test(shown)) {
    const m = RETRY_AFTER.exec(shown)
    const retryAfterMs = m ? Number(m[1]) * 1000 : DEFAULT_RETRY_AFTER_MS
    return new FabstirError('RATE_LIMITED', `node rate limit reached: ${shown}`, {
      requestId,
      nodeMessage: message,
      retryAfterMs,
      retryable: true,
    })
  }
  return new FabstirError('NODE_ERROR', `node error: ${shown}`, { requestId, nodeMessage: message })
}
