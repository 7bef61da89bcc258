import { cpus, totalmem, type } from 'node:os'
import type { Figure, TargetCheck } from './report-types.js'

/** Where and how the run happened. */
export interface Environment {
  date: string
  node: string
  openssl: string | undefined
  platform: string
  cpu: string
  cores: number
  memoryGiB: number
  profile: string
  backend: string
  command: string
}

export function environment(profile: string, backend: string): Environment {
  const cpu = cpus()[0]
  return {
    date: new Date().toISOString(),
    node: process.version,
    openssl: process.versions.openssl,
    platform: `${type()} ${process.arch}`,
    cpu: cpu?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    profile,
    backend,
    command: `pnpm bench${profile === 'quick' ? ' --quick' : ''}`,
  }
}

/** A latency in the most readable unit. */
export function formatTime(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} µs`
  return `${ms.toFixed(ms < 10 ? 3 : 1)} ms`
}

function throughput(figure: Figure, ms: number): string {
  if (!figure.bytes) return ''
  const mbPerSecond = figure.bytes / 1e6 / (ms / 1000)
  return `${mbPerSecond >= 100 ? mbPerSecond.toFixed(0) : mbPerSecond.toFixed(1)} MB/s`
}

/** Rows of a plain-text table with aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export function figuresTable(figures: Figure[]): string {
  return table(
    ['suite', 'ours', 'median', 'baseline', 'median', 'ratio', 'ours MB/s', 'note'],
    figures.map((f) => [
      f.suite,
      f.ours,
      formatTime(f.oursMs),
      f.baseline,
      formatTime(f.baselineMs),
      `${f.ratio.toFixed(2)}×`,
      throughput(f, f.oursMs),
      f.note ?? '',
    ]),
  )
}

/** PASS / MISS / NOT RUN / reported for a goal. */
export function verdict(t: TargetCheck): string {
  if (t.pass === 'info') return 'reported'
  return t.pass === null ? 'NOT RUN' : t.pass ? 'PASS' : 'MISS'
}

export function targetsTable(targets: TargetCheck[]): string {
  return table(
    ['id', 'target', 'measured', 'result'],
    targets.map((t) => [t.id, t.target, t.measured, verdict(t)]),
  )
}

/** The figures and targets as a Markdown table (for docs/benchmarks.md). */
export function markdown(figures: Figure[], targets: TargetCheck[]): string {
  const rows = figures.map(
    (f) =>
      `| ${f.suite} | ${f.ours} | ${formatTime(f.oursMs)} | ${f.baseline} | ${formatTime(f.baselineMs)} | ` +
      `**${f.ratio.toFixed(2)}×** | ${throughput(f, f.oursMs)} | ${f.note ?? ''} |`,
  )
  const checks = targets.map((t) => `| ${t.id} | ${t.target} | ${t.measured} | ${verdict(t)} |`)
  return [
    '| suite | ours | median | baseline | median | ratio | ours MB/s | note |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '| id | target | measured | result |',
    '|---|---|---|---|',
    ...checks,
  ].join('\n')
}
