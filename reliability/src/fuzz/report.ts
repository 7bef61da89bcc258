import type { NonceReport } from '../nonce/nonce-uniqueness.js'
import type { FindingKind, TargetReport } from './tally.js'

/** The whole run, as printed and as written with `--json`. */
export interface FuzzSummary {
  totalCases: number
  findings: number
  findingsByKind: Partial<Record<FindingKind, number>>
  targets: TargetReport[]
  nonce: NonceReport | undefined
  wallMs: number
  outcome: 'PASS' | 'FAIL'
}

/** Totals and outcome of a set of target reports. */
export function summarize(
  targets: TargetReport[],
  nonce: NonceReport | undefined,
  wallMs: number,
): FuzzSummary {
  const findingsByKind: Partial<Record<FindingKind, number>> = {}
  for (const t of targets)
    for (const f of t.findings) findingsByKind[f.kind] = (findingsByKind[f.kind] ?? 0) + 1
  const findings = targets.reduce((s, t) => s + t.findingCount, 0)
  const nonceOk = nonce === undefined || (nonce.duplicates === 0 && nonce.wrongLength === 0)
  return {
    totalCases: targets.reduce((s, t) => s + t.cases, 0),
    findings,
    findingsByKind,
    targets,
    nonce,
    wallMs,
    outcome: findings === 0 && nonceOk ? 'PASS' : 'FAIL',
  }
}

const n = (x: number): string => x.toLocaleString('en-US')

/** A fixed-width text table of the run (one line per target, totals, outcome, findings). */
export function formatSummary(s: FuzzSummary): string {
  const head = ['target', 'cases', 'accepted', 'rejected', 'ignored', 'findings', 'max case ms', 'time s']
  const rows = s.targets.map((t) => [
    t.target,
    n(t.cases),
    n(t.accepted),
    n(t.rejected),
    n(t.ignored),
    n(t.findingCount),
    t.maxCaseMs.toFixed(1),
    (t.ms / 1000).toFixed(1),
  ])
  rows.push(['TOTAL', n(s.totalCases), '', '', '', n(s.findings), '', (s.wallMs / 1000).toFixed(1)])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const fmt = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  const lines = [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)]
  if (s.nonce) {
    lines.push(
      '',
      `nonce uniqueness: ${n(s.nonce.seals)} seals, ${n(s.nonce.duplicates)} repeated, ${n(s.nonce.wrongLength)} not 24 bytes, ${(s.nonce.ms / 1000).toFixed(1)} s, ${(s.nonce.memoryBytes / 1048576).toFixed(1)} MiB`,
    )
  }
  lines.push('')
  for (const t of s.targets) {
    if (t.stoppedEarly) lines.push(`${t.target}: ${t.stoppedEarly}`)
    for (const f of t.findings) {
      lines.push(
        `${t.target}: [${f.kind}] ×${f.count} ${f.detail}${f.input ? `\n    first input: ${f.input}` : ''}`,
      )
    }
    if (t.firstFinding) {
      const { seed, run } = t.firstFinding
      lines.push(
        `${t.target}: first finding at batch seed ${seed}, case ${run} — replay: pnpm fuzz --replay ${t.target}:${seed}:${run} --run`,
      )
    }
  }
  const kinds = Object.entries(s.findingsByKind).map(([k, v]) => `${k} ${v}`)
  lines.push(
    `Outcome: ${s.outcome} — ${n(s.totalCases)} cases, ${n(s.findings)} findings${kinds.length ? ` (${kinds.join(', ')})` : ''}.`,
  )
  if (s.outcome === 'PASS') {
    lines.push(
      'Zero uncaught exceptions, zero hangs; every rejection was a typed error (code) or an ignored frame.',
    )
  }
  return lines.join('\n')
}
