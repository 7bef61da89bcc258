import type { BatchJob, BatchReport, Failure } from './batch.js'

/** The command that replays one seed exactly (same plan, same virtual-time trace). */
export function replayCommand(seed: number, job: Pick<BatchJob, 'client' | 'bug'>): string {
  const extra = `${job.client === 'sdk' ? '' : ` --client ${job.client}`}${job.bug ? ` --bug ${job.bug}` : ''}`
  return `pnpm simulate --seed ${seed}${extra}`
}

/** One failure: its seed, what broke, and how to replay it. */
export function formatFailure(f: Failure, job: Pick<BatchJob, 'client' | 'bug'>): string {
  const lines = [
    `seed ${f.seed} [${f.features.join(', ') || 'calm'}] — replay: ${replayCommand(f.seed, job)}`,
  ]
  for (const v of f.violations) lines.push(`  ${v.invariant}: ${v.detail}`)
  return lines.join('\n')
}

/** A run's summary (schedules, outcomes, faults, failures with their replay commands). */
export function formatReport(r: BatchReport, job: BatchJob, workers: number): string {
  const codes = Object.entries(r.codes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
  const features = Object.entries(r.features)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
  const lines = [
    `simulation: ${r.schedules} schedules (seeds ${job.from}…${job.from + job.count - 1}, client ${job.client}${job.bug ? `, planted bug ${job.bug}` : ''}) in ${(r.wallMs / 1000).toFixed(1)} s on ${workers} worker(s)`,
    `  ${r.events} events, ${(r.virtualMs / 3_600_000).toFixed(1)} virtual hours; calls resolved ${r.resolved}, rejected ${r.rejected}`,
    `  schedules with: ${features || 'no faults'}`,
    `  network: ${Object.entries(r.network)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  rejections: ${codes || 'none'}`,
    `  invariant failures: ${r.failureCount}`,
  ]
  for (const f of r.failures) lines.push(formatFailure(f, job))
  if (r.failureCount > r.failures.length) lines.push(`  … and ${r.failureCount - r.failures.length} more`)
  return lines.join('\n')
}
