#!/usr/bin/env node
// Reads every workspace package's vitest JSON report (test-results.json) and prints one line per suite plus the
// monorepo total as "N passed, N failed, N skipped". Exits non-zero when a report is missing or anything failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dirs = ['packages', 'examples']
  .flatMap((d) => (existsSync(join(root, d)) ? readdirSync(join(root, d)).map((n) => join(d, n)) : []))
  .concat(['tools', 'bench', 'reliability'])
let passed = 0
let failed = 0
let skipped = 0
let missing = 0
for (const dir of dirs) {
  const pkgFile = join(root, dir, 'package.json')
  if (!existsSync(pkgFile)) continue
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'))
  if (!pkg.scripts?.test) continue
  const report = join(root, dir, 'test-results.json')
  if (!existsSync(report)) {
    console.log(`${pkg.name}: no test report (did its tests run?)`)
    missing++
    continue
  }
  const r = JSON.parse(readFileSync(report, 'utf8'))
  const s = r.numPendingTests + (r.numTodoTests ?? 0)
  console.log(`${pkg.name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${s} skipped`)
  passed += r.numPassedTests
  failed += r.numFailedTests
  skipped += s
}
console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || missing > 0 ? 1 : 0)
