import type { RecordedFrame } from '../node/probe.js'

/** The outcome of one case. */
export interface CaseResult {
  /** Stable case number, e.g. `3.07`. */
  id: string
  /** Its group id. */
  group: string
  /** What the case checks. */
  title: string
  /** The rule the case checks, with its section. */
  spec: string
  /** `pass`; `fail` (the implementation broke the rule); `not-served` (it does not offer the flow); `skipped`. */
  status: 'pass' | 'fail' | 'not-served' | 'skipped'
  /** Why it failed, was not served or was skipped. */
  message?: string
  /** Wall time of the case. */
  durationMs: number
  /** Every frame exchanged, both directions, in order. */
  frames: RecordedFrame[]
}

/** A whole run, as written to `report.json`. */
export interface SuiteReport {
  /** Which suite ran. */
  mode: 'node' | 'client'
  /** The node URL (node mode) or the server address (client mode). */
  target: string
  /** ISO 8601 start time. */
  startedAt: string
  /** Wall time of the run. */
  durationMs: number
  /** What the run learned about the implementation. */
  capabilities: Record<string, boolean>
  /** Group id → description. */
  groups: Readonly<Record<string, string>>
  /** One result per case, in run order. */
  results: CaseResult[]
}

/** Counts per status. */
export interface Summary {
  /** Cases in the report. */
  total: number
  /** Passed. */
  pass: number
  /** Failed: the implementation broke a rule. */
  fail: number
  /** The implementation does not offer the flow. */
  notServed: number
  /** Missing input, or the case could not reach its state. */
  skipped: number
}

/** Count a report's results by status. */
export function summarize(report: SuiteReport): Summary {
  const s: Summary = { total: report.results.length, pass: 0, fail: 0, notServed: 0, skipped: 0 }
  for (const r of report.results) {
    if (r.status === 'pass') s.pass++
    else if (r.status === 'fail') s.fail++
    else if (r.status === 'not-served') s.notServed++
    else s.skipped++
  }
  return s
}
