/**
 * Builds the API reference with the root `typedoc.json` into a temporary directory and lists every TypeDoc warning
 * — above all exports without TSDoc — with the `file:line` to fix. Exit 1 when there is any warning.
 *
 *   tsx release/api-docs.ts
 *
 * `pnpm exec typedoc` (warnings are errors there) writes the real site to `docs/api/`.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Repository root (this file lives in `tools/release/`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** The parts of TypeDoc's JSON output this script reads. */
export interface JsonReflection {
  name: string
  sources?: Array<{ fileName: string; line: number }>
  children?: JsonReflection[]
  signatures?: JsonReflection[]
  getSignature?: JsonReflection
  setSignature?: JsonReflection
  type?: {
    type: string
    declaration?: JsonReflection
    types?: Array<{ type: string; declaration?: JsonReflection }>
  }
}

/** One TypeDoc warning, located when possible. */
export interface ApiDocIssue {
  /** `path:line` (repository-relative), or the file TypeDoc named when it gave no line. */
  location: string
  /** The reflection's full name, e.g. `@fabstir/protocol.FabstirError.code`. */
  name: string
  /** TypeDoc's message. */
  message: string
}

/** Full reflection name → first source location, for every reflection of a TypeDoc JSON project. */
export function sourceIndex(project: JsonReflection): Map<string, string> {
  const index = new Map<string, string>()
  const add = (name: string, node: JsonReflection | undefined): void => {
    const source = node?.sources?.[0]
    if (source && !index.has(name)) index.set(name, `${source.fileName}:${source.line}`)
  }
  const walk = (node: JsonReflection, prefix: string): void => {
    const full = prefix ? `${prefix}.${node.name}` : node.name
    add(full, node)
    for (const child of node.children ?? []) walk(child, full)
    for (const signature of node.signatures ?? []) add(full, signature)
    add(full, node.getSignature)
    add(full, node.setSignature)
    const declarations = [node.type?.declaration, ...(node.type?.types ?? []).map((t) => t.declaration)]
    for (const declaration of declarations) if (declaration) walk(declaration, full)
  }
  for (const pkg of project.children ?? []) walk(pkg, '')
  return index
}

/** ANSI colour sequences (TypeDoc colours its log when it thinks it writes to a terminal). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')
const UNDOCUMENTED = /^(\S+) \((\w+)\), defined in (\S+), does not have any documentation$/
const NOT_INCLUDED = /^(\S+), defined in (\S+), is referenced by (\S+) but not included in the documentation$/

/** Turn TypeDoc's log into located issues (deduplicated). */
export function locateWarnings(log: string, index: ReadonlyMap<string, string>): ApiDocIssue[] {
  const issues = new Map<string, ApiDocIssue>()
  for (const raw of log.split('\n')) {
    const line = raw.replace(ANSI, '').trim()
    if (!line.startsWith('[warning] ') || /^\[warning\] Found \d+ errors/.test(line)) continue
    const text = line.slice('[warning] '.length)
    const undocumented = UNDOCUMENTED.exec(text)
    const notIncluded = NOT_INCLUDED.exec(text)
    let issue: ApiDocIssue
    if (undocumented) {
      const [, name, kind, file] = undocumented
      issue = { location: index.get(name!) ?? file!, name: name!, message: `${kind} without documentation` }
    } else if (notIncluded) {
      const [, name, file, by] = notIncluded
      issue = { location: file!, name: name!, message: `not exported, but referenced by ${by}` }
    } else {
      issue = { location: '', name: '', message: text }
    }
    issues.set(`${issue.location} ${issue.name} ${issue.message}`, issue)
  }
  return [...issues.values()].sort((a, b) => a.location.localeCompare(b.location, 'en', { numeric: true }))
}

/** Run TypeDoc and collect every warning. */
export function checkApiDocs(root = REPO_ROOT): ApiDocIssue[] {
  const temp = mkdtempSync(join(tmpdir(), 'fabstir-api-docs-'))
  try {
    const typedoc = join(root, 'node_modules/typedoc/bin/typedoc')
    if (!existsSync(typedoc))
      throw new Error('typedoc is not installed at the repository root (pnpm install)')
    const json = join(temp, 'api.json')
    const r = spawnSync(
      process.execPath,
      [typedoc, '--treatWarningsAsErrors', 'false', '--out', join(temp, 'html'), '--json', json],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 },
    )
    const log = `${r.stdout}${r.stderr}`
    if (!existsSync(json)) throw new Error(`typedoc failed (status ${r.status}):\n${log}`)
    return locateWarnings(log, sourceIndex(JSON.parse(readFileSync(json, 'utf8')) as JsonReflection))
  } finally {
    rmSync(temp, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const issues = checkApiDocs()
  for (const i of issues) console.log(`${i.location}  ${i.name}${i.name ? ': ' : ''}${i.message}`)
  console.log(`api-docs: ${issues.length} warning${issues.length === 1 ? '' : 's'}`)
  process.exitCode = issues.length === 0 ? 0 : 1
}
