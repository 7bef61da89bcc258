import type { RequestId } from './frames.js'

/** Marker resolved by {@link ActiveStream.stopped} when a stream is cancelled or its connection closes. */
export const STOPPED: unique symbol = Symbol('stopped')

/** Bookkeeping of the one response a connection may be streaming. */
export class ActiveStream {
  /** Content chunks produced so far (each worth one token). */
  tokensUsed = 0
  private stoppedFlag = false
  private resolveStop!: (v: typeof STOPPED) => void
  /** Resolves once the stream is stopped (cancel or close). */
  readonly stopped: Promise<typeof STOPPED>

  constructor(
    /** The request id to echo. */
    readonly requestId: RequestId,
    /** The session id of the request (for encrypted streams), or the connection's (plaintext). */
    readonly sessionId: string | null,
    /** Encrypted (`encrypted_chunk`) or plaintext (`stream_chunk`) stream: their `stream_end` fields differ. */
    readonly encrypted = true,
  ) {
    this.stopped = new Promise((resolve) => {
      this.resolveStop = resolve
    })
  }

  /** True once cancelled or closed: nothing more may be sent for this stream. */
  get isStopped(): boolean {
    return this.stoppedFlag
  }

  /** Stop the stream; pending waits resolve immediately. */
  stop(): void {
    if (this.stoppedFlag) return
    this.stoppedFlag = true
    this.resolveStop(STOPPED)
  }

  /** Await `p` unless the stream stops first. A late rejection of `p` is swallowed. */
  async race<T>(p: Promise<T>): Promise<T | typeof STOPPED> {
    p.catch(() => {})
    if (this.stoppedFlag) return STOPPED
    return Promise.race([p, this.stopped])
  }
}
