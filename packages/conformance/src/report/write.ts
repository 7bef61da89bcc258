import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type CaseResult, type SuiteReport, summarize } from './types.js'

const ICON: Record<CaseResult['status'], string> = {
  pass: 'PASS',
  fail: 'FAIL',
  'not-served': 'N/S ',
  skipped: 'SKIP',
}

/** One line per case (for progress output). */
export function formatResultLine(r: CaseResult): string {
  return `${ICON[r.status]} ${r.id} ${r.title}${r.message ? `\n       ${r.message}` : ''}`
}

/** The terminal summary: counts per group and overall, then every failure. */
export function formatSummary(report: SuiteReport): string {
  const lines: string[] = []
  const byGroup = new Map<string, CaseResult[]>()
  for (const r of report.results) byGroup.set(r.group, [...(byGroup.get(r.group) ?? []), r])
  lines.push(`fabstir-conformance ${report.mode} mode — ${report.target}`)
  for (const [group, results] of byGroup) {
    const count = (s: CaseResult['status']) => results.filter((r) => r.status === s).length
    lines.push(
      `  ${(report.groups[group] ?? group).padEnd(72)} ${count('pass')} pass, ${count('fail')} fail, ` +
        `${count('not-served')} not served, ${count('skipped')} skipped`,
    )
  }
  const s = summarize(report)
  const failures = report.results.filter((r) => r.status === 'fail')
  if (failures.length > 0) {
    lines.push('', 'Failures:')
    for (const f of failures) lines.push(`  ${f.id} ${f.title}\n      ${f.message ?? ''}`)
  }
  lines.push(
    '',
    `${s.total} cases: ${s.pass} passed, ${s.fail} failed, ${s.notServed} not served, ${s.skipped} skipped ` +
      `(${(report.durationMs / 1000).toFixed(1)} s)`,
  )
  return lines.join('\n')
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** A self-contained HTML page: one row per case, the frames exchanged folded under it. No scripts, no external assets. */
export function renderHtml(report: SuiteReport): string {
  const s = summarize(report)
  const rows = report.results
    .map((r) => {
      const frames = r.frames
        .map(
          (f) =>
            `<div class="f"><span class="d">${escapeHtml(f.dir)}</span><span class="t">${f.at} ms</span><code>${escapeHtml(f.text)}</code></div>`,
        )
        .join('')
      return (
        `<tr class="${r.status}"><td>${escapeHtml(r.id)}</td><td>${escapeHtml(r.status)}</td>` +
        `<td><details><summary>${escapeHtml(r.title)}</summary><p class="spec">${escapeHtml(r.spec)}</p>` +
        `${r.message ? `<p class="msg">${escapeHtml(r.message)}</p>` : ''}${frames}</details></td>` +
        `<td>${r.durationMs}</td></tr>`
      )
    })
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fabstir conformance — ${escapeHtml(report.target)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}
tr.pass td:nth-child(2){color:#1a7f37}tr.fail td:nth-child(2){color:#cf222e;font-weight:bold}
tr.not-served td:nth-child(2),tr.skipped td:nth-child(2){color:#777}
.f{font:12px ui-monospace,monospace;white-space:pre-wrap;word-break:break-all;margin:2px 0}
.d{display:inline-block;width:1.5em}.t{display:inline-block;width:6em;color:#777}.msg{color:#cf222e}.spec{color:#555}
</style></head><body>
<h1>Fabstir conformance report (${escapeHtml(report.mode)} mode)</h1>
<p>Target <code>${escapeHtml(report.target)}</code>, started ${escapeHtml(report.startedAt)}, ${(report.durationMs / 1000).toFixed(1)} s.
Capabilities: ${escapeHtml(JSON.stringify(report.capabilities))}.</p>
<p><strong>${s.total}</strong> cases: <strong>${s.pass}</strong> passed, <strong>${s.fail}</strong> failed,
${s.notServed} not served, ${s.skipped} skipped.</p>
<table><thead><tr><th>case</th><th>result</th><th>what it checks (click for the frames)</th><th>ms</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`
}

/** Where {@link writeReport} wrote the two files. */
export interface ReportPaths {
  /** `report.json` */
  json: string
  /** `report.html` */
  html: string
}

/** Write `report.json` and `report.html` into `dir` (created when missing). Returns the two paths. */
export function writeReport(report: SuiteReport, dir: string): ReportPaths {
  mkdirSync(dir, { recursive: true })
  const json = join(dir, 'report.json')
  const html = join(dir, 'report.html')
  writeFileSync(json, `${JSON.stringify({ ...report, summary: summarize(report) }, null, 2)}\n`)
  writeFileSync(html, renderHtml(report))
  return { json, html }
}
