import type { ProtocolEvent } from '../events.js'
import { errorFromNodeFrame } from '../node-errors.js'
import { capNodeText } from '../node-text.js'
import { parseInner } from './action-error.js'

/**
 * The events of a chat prompt the node answered with one image reply (PROTOCOL-SURFACE §6): the image error's code
 * (mapped like an outer error frame's: node codes pass, others become `NODE_ERROR`; the message capped), or an `end`
 * event (reason `image`) carrying the authenticated JSON in `image`, which `decodeImageReply` decodes and validates
 * (so that chat-only apps do not ship the image validators). Kept small: it is part of every chat bundle.
 */
export function routedImageEvents(json: string, id: string): ProtocolEvent[] {
  const inner = parseInner(json)
  const error = inner?.error as { code?: unknown; message?: unknown } | undefined
  if (inner?.type === 'image_generation_error' && typeof error?.code === 'string') {
    const message = capNodeText(String(error.message ?? ''))
    return [{ type: 'error', error: errorFromNodeFrame({ type: 'error', code: error.code, message }, id) }]
  }
  return [{ type: 'end', id, reason: 'image', tokensUsed: 0, image: json }]
}
