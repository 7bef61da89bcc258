/** Nearest-rank percentile (`p` in 0…100) of `values`; `NaN` for an empty list. Does not modify `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1]!
}

/** Round to `digits` decimals (for reports). */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** Bytes → mebibytes, rounded to one decimal. */
export function mib(bytes: number): number {
  return round(bytes / (1024 * 1024), 1)
}

/** Samples `process.memoryUsage().rss` on an interval and keeps the peak. The timer is unref'd. */
export class RssSampler {
  private peakBytes = process.memoryUsage().rss
  private readonly timer: ReturnType<typeof setInterval>

  constructor(intervalMs = 50) {
    this.timer = setInterval(() => this.sample(), intervalMs)
    this.timer.unref()
  }

  /** Take one sample now. */
  sample(): void {
    const rss = process.memoryUsage().rss
    if (rss > this.peakBytes) this.peakBytes = rss
  }

  /** Peak resident set size seen so far, in bytes. */
  get peak(): number {
    return this.peakBytes
  }

  /** Stop sampling (takes a last sample). */
  stop(): number {
    this.sample()
    clearInterval(this.timer)
    return this.peakBytes
  }
}
