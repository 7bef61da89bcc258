/**
 * A sliding-window counter keyed by session id, like the node's per-session image, transcode and LTX limiters:
 * `limit` events per `windowMs`. Callers check first and record separately, because the node records only
 * successes (image) or accepted submits (transcode, LTX).
 */
export class SessionWindow {
  private readonly stamps = new Map<string, number[]>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** True when another event is allowed now for `key`. */
  allows(key: string): boolean {
    return this.live(key).length < this.limit
  }

  /** Record one event for `key` now. */
  record(key: string): void {
    const list = this.live(key)
    list.push(this.now())
    this.stamps.set(key, list)
  }

  /** Forget everything (node restart). */
  reset(): void {
    this.stamps.clear()
  }

  private live(key: string): number[] {
    const cutoff = this.now() - this.windowMs
    const list = (this.stamps.get(key) ?? []).filter((t) => t > cutoff)
    if (list.length === 0) this.stamps.delete(key)
    else this.stamps.set(key, list)
    return list
  }
}
