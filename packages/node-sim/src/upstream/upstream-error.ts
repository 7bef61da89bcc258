import { FabstirBaseError } from '@fabstir/wire'

/**
 * An upstream model failed after it started answering (an event that is not JSON, an `error` event, an event over
 * 64 MiB). The simulator ends the stream as the node does when its engine fails mid-answer.
 */
export class UpstreamError extends FabstirBaseError {
  /** Always `'UpstreamError'`. */
  override readonly name: string = 'UpstreamError'
  /** Stable code. */
  declare readonly code: 'UPSTREAM_FAILED'

  constructor(message: string, options?: { cause?: unknown }) {
    super('UPSTREAM_FAILED', message, options)
  }
}
