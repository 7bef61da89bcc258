import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'vitest'

/** The monorepo root: the first directory above this file that holds `pnpm-workspace.yaml`. */
export function findRepoRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from)
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`)
    dir = parent
  }
}

/**
 * Where the Wycheproof files live: `$FABSTIR_SHARED_DIR/vectors/wycheproof` when the variable is set, else
 * `<repo root>/../shared/vectors/wycheproof`. The files are read in place and never copied into the repository.
 */
export function wycheproofDir(): string {
  const shared = process.env.FABSTIR_SHARED_DIR
  const base = shared && shared.length > 0 ? resolve(shared) : resolve(findRepoRoot(), '..', 'shared')
  return join(base, 'vectors', 'wycheproof')
}

/** True when CI demands the vectors (`FABSTIR_REQUIRE_VECTORS=1`): a missing directory then fails the run. */
export function vectorsRequired(): boolean {
  return process.env.FABSTIR_REQUIRE_VECTORS === '1'
}

/**
 * `describe` for a suite that needs one Wycheproof file. When the file is there, `body` receives its parsed JSON.
 * When it is missing the suite is skipped with the reason printed — unless `FABSTIR_REQUIRE_VECTORS=1`, in which
 * case the suite contains a single failing test that names the missing path.
 */
export function describeWycheproof<T extends WycheproofFile<unknown>>(
  title: string,
  fileName: string,
  body: (file: T) => void,
): void {
  const path = join(wycheproofDir(), fileName)
  if (existsSync(path)) {
    const file = JSON.parse(readFileSync(path, 'utf8')) as T
    describe(title, () => body(file))
    return
  }
  const reason = `Wycheproof file not found at ${path} (set FABSTIR_SHARED_DIR to the directory holding vectors/)`
  if (vectorsRequired()) {
    describe(title, () => {
      it('has its Wycheproof vectors (FABSTIR_REQUIRE_VECTORS=1)', () => {
        throw new Error(reason)
      })
    })
    return
  }
  console.warn(`[skip] ${title}: ${reason}`)
  describe.skip(`${title} — skipped: ${reason}`, () => {
    it('runs the Wycheproof cases', () => {})
  })
}

/** The common envelope of every Wycheproof JSON file. */
export interface WycheproofFile<G> {
  algorithm: string
  numberOfTests: number
  testGroups: G[]
}

/** Fields every Wycheproof test case has. */
export interface WycheproofCase {
  tcId: number
  comment: string
  flags: string[]
  result: 'valid' | 'acceptable' | 'invalid'
}

/** All cases of a file, each with the group it belongs to. */
export function allCases<G extends { tests: unknown[] }>(
  file: WycheproofFile<G>,
): Array<{ group: G; test: G['tests'][number] }> {
  return file.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })))
}

/** Test name for a case: `tcId 12 [valid] comment (Flag, Flag)`. */
export function caseName(test: WycheproofCase): string {
  const flags = test.flags.length > 0 ? ` (${test.flags.join(', ')})` : ''
  return `tcId ${test.tcId} [${test.result}] ${test.comment || 'no comment'}${flags}`
}
