import { FabstirBaseError } from '@fabstir/wire'
/**
 * Thrown by a responder, before it yields anything, when generation cannot start at all (the upstream model is
 * unreachable or refused the request). The node answers with the shape B error
 * `Internal error: Streaming inference failed: <message>` followed by `stream_end {reason:"error"}`.
 */
export class ResponderStartError extends FabstirBaseError {
  /** Always `'ResponderStartError'`. */
  override readonly name: string = 'ResponderStartError'
  /** Stable code. */
  declare readonly code: 'RESPONDER_START_FAILED'

  constructor(message: string, options?: { cause?: unknown }) {
    super('RESPONDER_START_FAILED', message, options)
  }
}
