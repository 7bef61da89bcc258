import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import {
  FabstirBaseError,
  FabstirError,
  TROUBLESHOOTING_URL,
  troubleshootingUrl,
} from '../../packages/protocol/dist/index.js'
import { ERROR_CODES, PACKAGE_ERROR_CODES } from '../../packages/wire/src/generated/error-codes.js'
import { TROUBLESHOOTING } from '../../schema/src/troubleshooting.js'
import {
  coverage,
  isUserVisible,
  renderTroubleshooting,
  TROUBLESHOOTING_HEADER,
  TROUBLESHOOTING_PATH,
} from '../release/gen-troubleshooting.js'

const toolsDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const repoRoot = join(toolsDir, '..')
const temp = mkdtempSync(join(tmpdir(), 'fabstir-troubleshooting-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

/** GitHub's heading anchor: lowercase, punctuation except `-` and `_` dropped, spaces to `-`. */
function githubAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-')
}

describe('troubleshooting entries (schema/src/troubleshooting.ts)', () => {
  it('every code a user can see has exactly one entry with three causes and a fix, and nothing else does', () => {
    expect(coverage()).toEqual({ missing: [], extra: [] })
    const visible = Object.values(ERROR_CODES).filter(isUserVisible)
    expect(visible.length).toBeGreaterThanOrEqual(30)
    for (const info of visible) {
      const entry = TROUBLESHOOTING[info.code]!
      expect(entry.causes, info.code).toHaveLength(3)
      for (const cause of entry.causes) expect(cause.trim().length, info.code).toBeGreaterThan(10)
      expect(new Set(entry.causes).size, info.code).toBe(3)
      expect(entry.fix.trim().length, info.code).toBeGreaterThan(20)
    }
    expect(coverage(ERROR_CODES, { ...TROUBLESHOOTING, NOT_A_CODE: TROUBLESHOOTING.TIMEOUT! }).extra).toEqual(
      ['NOT_A_CODE'],
    )
    const { TIMEOUT: _gone, ...withoutTimeout } = TROUBLESHOOTING
    expect(coverage(ERROR_CODES, withoutTimeout).missing).toEqual(['TIMEOUT'])
    expect(() => renderTroubleshooting(ERROR_CODES, withoutTimeout)).toThrow(/missing TIMEOUT/)
  })
})

describe('docs/troubleshooting.md', () => {
  const doc = renderTroubleshooting()

  it('is generated, deterministic, and the committed file is up to date', () => {
    expect(doc.split('\n')[0]).toBe(TROUBLESHOOTING_HEADER)
    expect(renderTroubleshooting()).toBe(doc)
    expect(readFileSync(join(repoRoot, TROUBLESHOOTING_PATH), 'utf8')).toBe(doc)
  })

  it("has a heading for every code, whose anchor is exactly the fragment of that code's docsUrl", () => {
    const anchors = new Set(
      doc
        .split('\n')
        .filter((l) => l.startsWith('### '))
        .map((l) => githubAnchor(l.slice(4))),
    )
    const every = [...Object.keys(ERROR_CODES), ...PACKAGE_ERROR_CODES] as (keyof typeof ERROR_CODES)[]
    for (const code of every) {
      const url = new FabstirBaseError(code, 'x').docsUrl
      expect(url).toBe(troubleshootingUrl(code))
      expect(url.startsWith(`${TROUBLESHOOTING_URL}#`)).toBe(true)
      expect(anchors.has(url.split('#')[1]!), code).toBe(true)
    }
    expect(anchors.size).toBe(every.length)
    expect(TROUBLESHOOTING_URL.endsWith(`/${TROUBLESHOOTING_PATH}`)).toBe(true)
  })

  it('renders meaning, numbered causes and the fix of each entry', () => {
    const section = doc.slice(doc.indexOf('### `NODE_KEY_MISMATCH`'))
    const entry = TROUBLESHOOTING.NODE_KEY_MISMATCH!
    expect(section).toContain(`**What it means.** ${ERROR_CODES.NODE_KEY_MISMATCH.description}`)
    entry.causes.forEach((c, i) => {
      expect(section).toContain(`${i + 1}. ${c}`)
    })
    expect(section).toContain(`**What to do.** ${entry.fix}`)
  })

  it('every FabstirError links to its entry', () => {
    for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
      expect(new FabstirError(code, 'x').docsUrl).toBe(troubleshootingUrl(code))
    }
  })

  it('--check fails on a stale or missing file and names the command; passes after writing', () => {
    const out = join(temp, 'troubleshooting.md')
    const tsx = join(toolsDir, 'node_modules/.bin/tsx')
    const run = (...args: string[]) =>
      spawnSync(tsx, ['release/gen-troubleshooting.ts', ...args, '--out', out], {
        cwd: toolsDir,
        encoding: 'utf8',
      })
    expect(run('--check').status).toBe(1)
    expect(run().status).toBe(0)
    expect(run('--check').status).toBe(0)
    writeFileSync(out, `${readFileSync(out, 'utf8')}edited\n`)
    const stale = run('--check')
    expect(stale.status).toBe(1)
    expect(stale.stderr).toContain('out of date')
    expect(stale.stderr).toContain('release/gen-troubleshooting.ts')
  })
})
