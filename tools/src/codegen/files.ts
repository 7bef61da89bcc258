/** Writing generated files and comparing them with the tree. */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { GENERATED_DIRS } from './generate.js'

/** One difference between the expected output and the tree. */
export interface Staleness {
  path: string
  problem: 'missing' | 'stale' | 'unexpected'
}

function listFiles(root: string, dir: string): string[] {
  const abs = join(root, dir)
  if (!existsSync(abs)) return []
  return readdirSync(abs, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(root, `${dir}/${e.name}`) : [`${dir}/${e.name}`],
  )
}

/** Compares `files` with the tree at `root`: missing, different, and unexpected files in generated directories. */
export function findStale(root: string, files: Map<string, string>): Staleness[] {
  const out: Staleness[] = []
  for (const [path, content] of files) {
    const abs = join(root, path)
    if (!existsSync(abs)) out.push({ path, problem: 'missing' })
    else if (readFileSync(abs, 'utf8') !== content) out.push({ path, problem: 'stale' })
  }
  for (const dir of GENERATED_DIRS) {
    for (const path of listFiles(root, dir)) if (!files.has(path)) out.push({ path, problem: 'unexpected' })
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** Writes `files` under `root` and deletes unexpected files in the generated directories. Returns changed paths. */
export function writeAll(root: string, files: Map<string, string>): string[] {
  const changed: string[] = []
  for (const s of findStale(root, files)) {
    const abs = join(root, s.path)
    if (s.problem === 'unexpected') rmSync(abs)
    else {
      mkdirSync(dirname(abs), { recursive: true })
      writeFileSync(abs, files.get(s.path)!)
    }
    changed.push(s.path)
  }
  return changed
}
