/** How one fuzz case ended when nothing was wrong. */
export type CaseOutcome = 'accepted' | 'rejected' | 'ignored'

/** Kinds of findings: each one is a defect in the code under test (the expected count is zero). */
export type FindingKind =
  /** A call threw although it must never throw (e.g. `receive`, a validator, the node core). */
  | 'uncaught'
  /** A call threw, as allowed, but not a typed error with a stable `code`. */
  | 'untyped'
  /** The code under test caught an internal error in its own safety net (`internal error …`). */
  | 'internal'
  /** Bytes reached the caller that are not the authentic answer. */
  | 'unauthenticated'
  /** An invariant of the state machine or of a differential oracle was broken. */
  | 'invariant'
  /** A case ran longer than the per-case bound (or never ended). */
  | 'hang'
  /** Authentic bytes of an earlier answer were accepted as part of the current one (cross-prompt replay). */
  | 'replay'

/** One finding, with enough context to reproduce it (never key material). Equal findings are counted once. */
export interface Finding {
  kind: FindingKind
  detail: string
  /** A short, truncated rendering of the first input that produced it. */
  input?: string
  /** How many cases produced this same finding (same kind and detail). */
  count: number
}

/** The per-target report. */
export interface TargetReport {
  target: string
  cases: number
  accepted: number
  rejected: number
  ignored: number
  /** Rejections by typed code (or `issues` for validator rejections). */
  codes: Record<string, number>
  /** The distinct findings, first seen first (at most {@link MAX_KEPT_FINDINGS}). */
  findings: Finding[]
  /** Number of findings, including those not kept. */
  findingCount: number
  /** Slowest single case, in milliseconds. */
  maxCaseMs: number
  /** Wall time of the target, in milliseconds. */
  ms: number
  /** fast-check seed of the first batch; batch `i` uses `seed + i`. */
  seed: number
  /** Why the target ran fewer cases than asked (time budget, too many hangs). */
  stoppedEarly?: string
  /** Where the first finding happened: batch seed and case number within the batch (regenerate to replay). */
  firstFinding?: { seed: number; run: number }
}

/** Findings kept per target (all are counted). */
export const MAX_KEPT_FINDINGS = 25

/** Counts outcomes and collects findings for one target. */
export class Tally {
  cases = 0
  accepted = 0
  rejected = 0
  ignored = 0
  readonly codes: Record<string, number> = {}
  readonly findings: Finding[] = []
  findingCount = 0
  maxCaseMs = 0

  /** Record a clean outcome (with the rejection code, if any). */
  outcome(outcome: CaseOutcome, code?: string): void {
    this[outcome]++
    if (code !== undefined) this.codes[code] = (this.codes[code] ?? 0) + 1
  }

  /** Record a finding. */
  find(kind: FindingKind, detail: string, input?: unknown): void {
    this.findingCount++
    this.keep({ kind, detail, count: 1, ...(input === undefined ? {} : { input: preview(input) }) })
  }

  /** Count a finding into its distinct entry, or add it. */
  keep(f: Finding): void {
    const same = this.findings.find((x) => x.kind === f.kind && x.detail === f.detail)
    if (same) same.count += f.count
    else if (this.findings.length < MAX_KEPT_FINDINGS) this.findings.push({ ...f })
  }

  /** Merge another tally's counts (used when a target runs in batches). */
  merge(other: Tally): void {
    this.cases += other.cases
    this.accepted += other.accepted
    this.rejected += other.rejected
    this.ignored += other.ignored
    for (const [k, v] of Object.entries(other.codes)) this.codes[k] = (this.codes[k] ?? 0) + v
    for (const f of other.findings) this.keep(f)
    this.findingCount += other.findingCount
    this.maxCaseMs = Math.max(this.maxCaseMs, other.maxCaseMs)
  }
}

const PREVIEW_CHARS = 300

/** A bounded, printable rendering of any fuzz input (strings are cut; bigints and cycles survive). */
export function preview(value: unknown): string {
  let text: string
  if (typeof value === 'string')
    text = JSON.stringify(value.length > PREVIEW_CHARS ? value.slice(0, PREVIEW_CHARS) : value)
  else {
    try {
      text =
        JSON.stringify(value, (_k, v: unknown) => {
          if (typeof v === 'bigint') return `${v}n`
          if (typeof v === 'string' && v.length > 80) return `${v.slice(0, 80)}…(${v.length} chars)`
          return v
        }) ?? String(value)
    } catch {
      text = Object.prototype.toString.call(value)
    }
  }
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…(${text.length} chars)` : text
}
