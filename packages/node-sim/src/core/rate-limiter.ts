const WINDOW_MS = 60_000

/**
 * The node's sliding-window rate limiter. The real node keys it by client IP, and every WebSocket request uses the
 * same key, so one window is shared by all connections. Only admitted requests are counted.
 */
export class RateLimiter {
  private stamps: number[] = []

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {}

  /** Admit one request (and count it), or return false when `limit` requests happened in the last 60 s. */
  tryAcquire(): boolean {
    const t = this.now()
    this.stamps = this.stamps.filter((s) => s > t - WINDOW_MS)
    if (this.stamps.length >= this.limit) return false
    this.stamps.push(t)
    return true
  }

  /** Forget every request (node restart). */
  reset(): void {
    this.stamps = []
  }
}
