import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { apiEntries, buildReport } from '../release/api-report.js'

const temp = mkdtempSync(join(tmpdir(), 'fabstir-api-report-test-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

/** A one-package fake repository whose entry point declares `source`. */
function fakeRepo(name: string, source: string): string {
  const root = join(temp, name)
  const pkg = join(root, 'packages', 'demo')
  mkdirSync(join(pkg, 'dist'), { recursive: true })
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: '@fabstir/demo',
      version: '0.0.0',
      exports: {
        '.': { types: './dist/index.d.ts', import: './dist/index.js' },
        './package.json': './package.json',
      },
    }),
  )
  writeFileSync(join(pkg, 'dist', 'index.d.ts'), source)
  return root
}

describe('API reports', () => {
  it('cover every types entry of every published package, one report file each', () => {
    const entries = apiEntries()
    const names = new Set(entries.map((e) => e.packageName))
    for (const pkg of [
      '@fabstir/wire',
      '@fabstir/crypto',
      '@fabstir/protocol',
      '@fabstir/transport-ws',
      '@fabstir/signer-viem',
      '@fabstir/signer-ethers',
      '@fabstir/node-sim',
    ]) {
      expect(names, pkg).toContain(pkg)
    }
    expect(new Set(entries.map((e) => e.reportFile)).size).toBe(entries.length)
    // Sub-path entries get their own report (e.g. @fabstir/crypto/node).
    expect(entries.some((e) => e.packageName === '@fabstir/crypto' && e.subpath === './node')).toBe(true)
  })

  it('every committed report matches the built declarations', { timeout: 120_000 }, () => {
    const scratch = join(temp, 'scratch-real')
    for (const entry of apiEntries()) {
      expect(buildReport(entry, scratch), entry.reportFile).toBe(readFileSync(entry.reportFile, 'utf8'))
    }
  })

  it('a changed signature changes the report (so --check fails until it is reviewed)', () => {
    const before = apiEntries(fakeRepo('before', 'export declare function greet(name: string): string;\n'))
    const after = apiEntries(
      fakeRepo('after', 'export declare function greet(name: string, loud?: boolean): string;\n'),
    )
    const a = buildReport(before[0]!, join(temp, 'scratch-a'))
    const b = buildReport(after[0]!, join(temp, 'scratch-b'))
    expect(a).toContain('export function greet(name: string): string;')
    expect(b).toContain('loud?: boolean')
    expect(a).not.toBe(b)
  })
})
