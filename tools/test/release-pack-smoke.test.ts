import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { PackSmokeReport } from '../release/pack-smoke.js'

const toolsDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const tsx = join(toolsDir, 'node_modules/.bin/tsx')
const temp = mkdtempSync(join(tmpdir(), 'fabstir-pack-smoke-test-'))
const FIVE_MINUTES = 5 * 60_000

afterAll(() => rmSync(temp, { recursive: true, force: true }))

/** Run the CLI exactly as a maintainer would; resolves with its exit status, output and JSON report. */
function packSmoke(): Promise<{ status: number; output: string; report: PackSmokeReport }> {
  const reportPath = join(temp, 'report.json')
  return new Promise((resolve, reject) => {
    execFile(
      tsx,
      ['release/pack-smoke.ts', '--report', reportPath],
      { cwd: toolsDir, timeout: FIVE_MINUTES - 10_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        try {
          const report = JSON.parse(readFileSync(reportPath, 'utf8')) as PackSmokeReport
          resolve({ status, output: `${stdout}${stderr}`, report })
        } catch (cause) {
          reject(new Error(`pack-smoke wrote no report (status ${status}):\n${stdout}${stderr}`, { cause }))
        }
      },
    )
  })
}

// Packs the built packages, installs them with npm (registry access for ws, viem and their dependencies) and runs
// them from a fresh project. Needs `pnpm build` first, as every test run of this repository does.
describe('release readiness: pack-smoke', () => {
  it(
    'packs, lints and installs every publishable package, and the installed packages work',
    async () => {
      const { status, output, report } = await packSmoke()
      const failed = report.checks.filter((c) => !c.ok)
      expect(failed, output).toEqual([])
      expect(status).toBe(0)
      expect(report.ok).toBe(true)
      expect(report.packages.map((p) => p.name).sort()).toEqual([
        '@fabstir/conformance',
        '@fabstir/crypto',
        '@fabstir/node-sim',
        '@fabstir/protocol',
        '@fabstir/signer-ethers',
        '@fabstir/signer-viem',
        '@fabstir/transport-ws',
        '@fabstir/wire',
      ])
      for (const p of report.packages) {
        expect(p.files, p.name).toContain('dist/index.js')
        // No sources, test files or source maps; a deliberate `./testing` entry (node-sim's fake upstream) is fine.
        const stray = p.files.filter(
          (f) =>
            f.startsWith('src/') ||
            /(^|\/)(test|tests|__tests__)\/|\.(test|spec)\./.test(f) ||
            f.endsWith('.map'),
        )
        expect(stray, p.name).toEqual([])
      }
      const names = report.checks.map((c) => c.check)
      for (const expected of [
        '@fabstir/transport-ws: publint',
        '@fabstir/transport-ws: attw --profile esm-only',
        'every @fabstir package comes from a local tarball (none from the registry, no duplicates)',
        'smoke.mjs: encrypted session via the published entry points answers "2 + 2 = 4."',
        'quickstart.mjs (docs/getting-started.md) runs',
        'require() of every package fails as ESM-only (ERR_REQUIRE_ESM or similar)',
        'npx fabstir-node-sim --help',
      ]) {
        expect(names).toContain(expected)
      }
    },
    FIVE_MINUTES,
  )
})
