/** One reported figure: our code path against a baseline timed in the same process run. */
export interface Figure {
  /** Suite number and name, e.g. `1 seal+frame prompt`. */
  suite: string
  /** What "ours" measures. */
  ours: string
  /** What the baseline measures. */
  baseline: string
  /** Median latency per operation, ms. */
  oursMs: number
  baselineMs: number
  /** Median over rounds of ours / baseline time (lower is better; < 1 means ours is faster). */
  ratio: number
  /** Bytes processed per operation, for throughput columns (optional). */
  bytes?: number
  /** Operations counted per sample (frames per call), for rates (default 1). */
  opsPerSample?: number
  /** Free-form note. */
  note?: string
}

/** A target from the issue, checked against this run. Misses are reported, never fatal. */
export interface TargetCheck {
  id: string
  target: string
  measured: string
  /** `null` when the suite could not run; `'info'` for a figure reported without a goal. */
  pass: boolean | null | 'info'
}

/** What each suite returns. */
export interface SuiteResult {
  figures: Figure[]
  targets: TargetCheck[]
  /** Additional facts to record (breakdowns, heap numbers). */
  notes: Record<string, unknown>
}
