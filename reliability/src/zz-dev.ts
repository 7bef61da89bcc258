import { referenceClient } from './simulation/reference-client.js'
import { runSchedule } from './simulation/run-schedule.js'
const n = Number(process.argv[2] ?? 50)
const from = Number(process.argv[3] ?? 1)
const t = performance.now()
let fails = 0, events = 0
const codes: Record<string, number> = {}
for (let s = from; s < from + n; s++) {
  const r = await runSchedule(s, referenceClient, { keepTrace: n === 1 })
  events += r.events
  for (const [k, v] of Object.entries(r.calls.codes)) codes[k] = (codes[k] ?? 0) + v
  codes.resolved = (codes.resolved ?? 0) + r.calls.resolved
  if (r.violations.length) { fails++; if (fails < 6) console.log(s, r.features, r.violations) }
  if (n === 1) console.log(r.trace!.join('\n'))
}
const ms = performance.now() - t
console.log({ n, fails, ms: Math.round(ms), perSchedule: (ms / n).toFixed(2), eventsPer: events / n })
console.log(codes)
