import { isNodeErrorCode, parseJsonUnlocated } from '@fabstir/wire'
import { FabstirError } from '../errors.js'
import { capNodeText } from '../node-text.js'
import type { FlowKind } from './flow.js'

/**
 * Map an inner action error `{code, message}` (PROTOCOL-SURFACE §2.2) to a {@link FabstirError} with that code.
 * The node's message is capped. Node codes pass through; `TIMEOUT` too (the node sends it for jobs over 1,800 s).
 * Any other code (including the SDK's own client codes, which a node must not be able to forge) becomes
 * `NODE_ERROR` with `details.nodeCode`.
 */
export function actionError(
  kind: FlowKind,
  error: { code: string; message: string },
  requestId: string,
  sessionId: string,
): FabstirError {
  const code = error.code
  const shownCode = capNodeText(code, 64)
  const message = capNodeText(error.message)
  const known = isNodeErrorCode(code) || code === 'TIMEOUT'
  return new FabstirError(known ? code : 'NODE_ERROR', `${kind} failed: ${shownCode}: ${message}`, {
    requestId,
    sessionId,
    nodeMessage: message,
    details: known ? { kind } : { kind, nodeCode: shownCode },
  })
}

/** A reply the node authenticated but that does not follow the flow's rules (wrong shape, order or correlation). */
export function flowViolation(
  kind: FlowKind,
  message: string,
  requestId: string,
  sessionId: string,
  details?: Record<string, unknown>,
): FabstirError {
  return new FabstirError('INVALID_FRAME', `${kind}: ${message}`, {
    requestId,
    sessionId,
    details: { kind, ...details },
  })
}

/** `INVALID_PROMPT` for a request refused before sending, with the offending field. */
export function invalidRequest(
  kind: FlowKind,
  message: string,
  field?: string,
  issues?: unknown,
): FabstirError {
  return new FabstirError('INVALID_PROMPT', `${kind} request: ${message}`, {
    details: { kind, ...(field === undefined ? {} : { field }), ...(issues === undefined ? {} : { issues }) },
  })
}

/** Parse an inner JSON message; undefined when it is not a JSON object. */
export function parseInner(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = parseJsonUnlocated(text)
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
