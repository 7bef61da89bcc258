/** Schedule `f` after the current event-loop turn has processed its pending I/O (`setImmediate` where it exists). */
export const nextTurn: (f: () => void) => void =
  typeof setImmediate === 'function' ? (f) => void setImmediate(f) : (f) => void setTimeout(f, 0)

/**
 * Hands out event-loop turns one at a time: each waiter of {@link TurnQueue.next} resumes in its own turn, with
 * pending I/O and timers processed in between. Spreads CPU bursts (a handshake's key agreement and signature)
 * so that many sessions starting together never run back to back in one turn.
 */
export class TurnQueue {
  private readonly waiting: (() => void)[] = []
  private scheduled = false

  /** Waiters not yet resumed. */
  get pending(): number {
    return this.waiting.length
  }

  /** Resolves in a later turn of its own (FIFO). */
  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve)
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    nextTurn(() => {
      this.scheduled = false
      this.waiting.shift()?.()
      if (this.waiting.length > 0) this.schedule()
    })
  }
}

let shared: TurnQueue | undefined

/** The process-wide queue of handshake CPU turns. */
export function handshakeTurns(): TurnQueue {
  shared ??= new TurnQueue()
  return shared
}
