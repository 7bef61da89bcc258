#!/usr/bin/env node
// Zero-dependency entry point for a fresh clone with only Node 20 + npm:
// installs the pinned pnpm (through npx when it is not on PATH), installs the workspace, then runs the task.
//   node tools/bootstrap.mjs test   — build and run every test suite, print one summary line
//   node tools/bootstrap.mjs demo   — build and run the encrypted chat demo against the embedded node simulator
//   node tools/bootstrap.mjs bench|fuzz|load|simulate — build, then run the benchmarks / fuzzing / load test / simulation
//   node tools/bootstrap.mjs check  — generated files fresh, typecheck, lint, every export documented, API reports current
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1]

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
    ...opts,
  })
  if (r.error) throw r.error
  return r.status ?? 1
}
function must(cmd, args, opts) {
  const status = run(cmd, args, opts)
  if (status !== 0) process.exit(status)
}
function pnpmCommand() {
  const r = spawnSync('pnpm', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' })
  if (r.status === 0 && r.stdout.trim() === pnpmVersion) return ['pnpm', []]
  return ['npx', ['--yes', `pnpm@${pnpmVersion}`]]
}

const task = process.argv[2] ?? 'test'
const rest = process.argv.slice(3)
const [pnpm, pre] = pnpmCommand()
const p = (...args) => must(pnpm, [...pre, ...args])

const frozen = process.env.CI ? ['--frozen-lockfile'] : []
if (process.env.FABSTIR_SKIP_INSTALL !== '1') p('install', ...frozen, '--reporter=append-only')

if (task === 'test') {
  p('exec', 'turbo', 'run', 'build', '--output-logs=errors-only')
  const status = run(pnpm, [
    ...pre,
    'exec',
    'turbo',
    'run',
    'test',
    '--continue',
    '--concurrency=1',
    '--output-logs=full',
    ...rest,
  ])
  const summary = run(process.execPath, [join(root, 'tools/test-summary.mjs')])
  process.exit(status || summary)
} else if (task === 'demo') {
  p('exec', 'turbo', 'run', 'build', '--output-logs=errors-only')
  const demo = join(root, 'examples/cli-chat/dist/main.js')
  if (!existsSync(demo)) {
    console.error('The demo has not been built: examples/cli-chat/dist/main.js is missing.')
    process.exit(1)
  }
  process.exit(run(process.execPath, [demo, ...rest]))
} else if (task === 'bench' || task === 'fuzz' || task === 'load' || task === 'simulate') {
  p('exec', 'turbo', 'run', 'build', '--output-logs=errors-only')
  const filter = task === 'bench' ? '@fabstir/bench' : '@fabstir/reliability'
  process.exit(run(pnpm, [...pre, '--filter', filter, 'run', task, ...rest]))
} else if (task === 'check') {
  p('run', 'codegen:check')
  p('exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only')
  p('exec', 'biome', 'check', '.')
  p('run', 'docs:api:check')
  p('run', 'api:report:check')
} else {
  console.error(`unknown task "${task}" (expected test, demo, bench, fuzz, load, simulate or check)`)
  process.exit(2)
}
