import type { ProtocolEvent } from '../events.js'
import { actionError, flowViolation, parseInner } from './action-error.js'

/**
 * The events of a chat prompt the node answered with one image reply (PROTOCOL-SURFACE §6): an `image` event that
 * carries the authenticated JSON (decoded and validated by `decodeImageReply`, so that chat-only apps do not ship
 * the image validators), or the image error's code. Kept small: it is part of every chat bundle.
 */
export function routedImageEvents(json: string, id: string, sessionId: string): ProtocolEvent[] {
  const inner = parseInner(json)
  if (inner?.type === 'image_generation_result' && typeof inner.image === 'string') {
    return [{ type: 'image', id, json }]
  }
  const error = inner?.error as { code?: unknown; message?: unknown } | undefined
  if (inner?.type === 'image_generation_error' && typeof error?.code === 'string') {
    const message = typeof error.message === 'string' ? error.message : ''
    return [{ type: 'error', error: actionError('image', { code: error.code, message }, id, sessionId) }]
  }
  return [
    {
      type: 'error',
      error: flowViolation(
        'image',
        'the image reply to a chat prompt is not an image message',
        id,
        sessionId,
      ),
    },
  ]
}
