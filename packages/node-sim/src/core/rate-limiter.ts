const WINDOW_MS = 60_000
/** Dropped stamps are compacted away once this many (and at least half the buffer) pile up at the front. */
const COMPACT_AT = 1024

/**
 * The node's sliding-window rate limiter. The real node keys it by client IP, and every WebSocket request uses the
 * same key, so one window is shared by all connections. Only admitted requests are counted.
 *
 * The admitted requests' times are kept in arrival order; each call drops the ones that left the window from the
 * front, so a call costs O(1) amortised (each stamp is added and dropped once) however full the window is.
 */
export class RateLimiter {
  private stamps: number[] = []
  /** Index of the oldest stamp still in the window. */
  private head = 0

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {}

  /** Admit one request (and count it), or return false when `limit` requests happened in the last 60 s. */
  tryAcquire(): boolean {
    const t = this.now()
    const stamps = this.stamps
    let head = this.head
    while (head < stamps.length && stamps[head]! <= t - WINDOW_MS) head++
    if (head >= COMPACT_AT && head * 2 >= stamps.length) {
      stamps.splice(0, head)
      head = 0
    }
    this.head = head
    if (stamps.length - head >= this.limit) return false
    // A clock that stepped back must not hide older stamps behind this one: keep the times in order.
    stamps.push(stamps.length > head ? Math.max(t, stamps[stamps.length - 1]!) : t)
    return true
  }

  /** Requests counted in the window as of the last call. */
  get inWindow(): number {
    return this.stamps.length - this.head
  }

  /** Forget every request (node restart). */
  reset(): void {
    this.stamps = []
    this.head = 0
  }
}
