/**
 * Every code block of the documentation is a test. This module finds the fenced blocks of `README.md` and
 * `docs/*.md`, keeps the verified copies identical to their files, and type-checks every TypeScript block against the
 * built packages — all blocks in one compiler run.
 *
 * A block is marked by an HTML comment on the line right before its fence (documented in docs/README.md):
 *
 * - no marker: a complete TypeScript program. Every name must be imported or declared.
 * - `<!-- fragment -->`: deliberately partial. Still type-checked; names it uses without declaring are imported from
 *   the `@fabstir/*` package that exports them, or else declared as `any`.
 * - `<!-- fragment: not-sdk -->`: a partial quote of code that does not use the SDK (the node team's guide samples,
 *   shown as "Before"). Type-checked with every free name declared as `any`, so SDK names are not imported into it.
 * - `<!-- verified: <path> -->`: a copy of a file the test suite runs (workspace imports shown with the package
 *   names, {@link publishedSource}); `--sync` rewrites stale copies. A TypeScript copy is type-checked too, under its
 *   file name, so other blocks of the same page can import it (`./port-client.js`).
 * - `<!-- run -->`: a complete program that `tools/test/doc-blocks.test.ts` also runs against the node simulator.
 *
 *   tsx release/doc-blocks.ts            rewrite stale verified copies
 *   tsx release/doc-blocks.ts --check    exit 1 when a copy is stale or missing, or a TypeScript block fails to check
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { publishedSource } from './published-source.js'

/** Repository root (this file lives in `tools/release/`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** The packages whose exports a fragment may use without importing them, in lookup order. */
export const FRAGMENT_PACKAGES = [
  '@fabstir/transport-ws',
  '@fabstir/protocol',
  '@fabstir/node-sim',
  '@fabstir/signer-viem',
  '@fabstir/signer-ethers',
  '@fabstir/crypto',
  '@fabstir/wire',
] as const

/**
 * Blocks that fail the check today and are waiting for a fix by the owner of their document. The check still runs on
 * them and fails when one of them *passes*, so an entry cannot outlive its fix. Never add a block you can fix.
 */
export const KNOWN_FAILING: readonly { doc: string; line: number; why: string }[] = []

/** True when `problem` belongs to a block listed in {@link KNOWN_FAILING}. */
export function isKnownFailing(problem: BlockProblem): boolean {
  return KNOWN_FAILING.some((k) => k.doc === problem.block?.doc && k.line === problem.block.line)
}

/** The {@link KNOWN_FAILING} entries that no longer fail, given all problems of a run. */
export function fixedKnownFailures(problems: readonly BlockProblem[]): string[] {
  return KNOWN_FAILING.filter(
    (k) => !problems.some((p) => p.block?.doc === k.doc && p.block.line === k.line),
  ).map((k) => `${k.doc}:${k.line}`)
}

/** Info strings of the blocks that are type-checked. */
const TYPESCRIPT = new Set(['ts', 'typescript'])

/** How a block is checked. */
export type BlockKind = 'program' | 'fragment' | 'not-sdk' | 'verified' | 'run'

/** One fenced code block of a document. */
export interface DocBlock {
  /** Document path relative to the repository root. */
  doc: string
  /** 1-based line of the first line of the block's content. */
  line: number
  /** The fence's info string (`ts`, `sh`, …). */
  lang: string
  kind: BlockKind
  /** For `verified` blocks: the source file, relative to the repository root. */
  source?: string
  /** The block's content (ends with a newline unless empty). */
  body: string
}

const FENCE = /^(`{3,})([^`\s]*)[^\n`]*$/
const MARKER = /^<!-- (fragment: not-sdk|fragment|run|verified: (\S+)) -->$/

function kindOf(marker: RegExpExecArray | null): BlockKind {
  if (marker === null) return 'program'
  if (marker[2] !== undefined) return 'verified'
  return marker[1] === 'fragment: not-sdk' ? 'not-sdk' : (marker[1] as 'fragment' | 'run')
}

/** The fenced code blocks of `text`, with the marker of each (an HTML comment on the line before the fence). */
export function findBlocks(doc: string, text: string): DocBlock[] {
  const lines = text.split('\n')
  const blocks: DocBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!)
    if (!open) continue
    const fence = open[1]!
    let end = i + 1
    while (end < lines.length && lines[end]!.trimEnd() !== fence) end++
    const marker = i > 0 ? MARKER.exec(lines[i - 1]!.trim()) : null
    const block: DocBlock = {
      doc,
      line: i + 2,
      lang: open[2]!,
      kind: kindOf(marker),
      body: lines.slice(i + 1, end).join('\n') + (end > i + 1 ? '\n' : ''),
    }
    if (marker?.[2] !== undefined) block.source = marker[2]
    blocks.push(block)
    i = end
  }
  return blocks
}

/** The documents whose blocks are checked: `README.md` and every Markdown file below `docs/`, relative to `root`. */
export function documentPaths(root = REPO_ROOT): string[] {
  const docs = (readdirSync(join(root, 'docs'), { recursive: true }) as string[])
    .map((n) => n.split('\\').join('/'))
    .filter((n) => n.endsWith('.md') && !n.startsWith('api/'))
    .sort()
    .map((n) => `docs/${n}`)
  return [...(existsSync(join(root, 'README.md')) ? ['README.md'] : []), ...docs]
}

/** One verified copy found in a document. */
export interface DocSample {
  /** Document path relative to the repository root. */
  doc: string
  /** Source file path relative to the repository root. */
  source: string
  /** True when the block already equals the published form of the source. */
  fresh: boolean
  /** Why it is not fresh, when it is not. */
  problem?: string
}

const SAMPLE = /<!-- verified: ([^\s]+) -->\n(```[a-z]*\n)([\s\S]*?)```/g

/** The document text with every verified block replaced by its source, and what was found. */
export function syncDocument(
  root: string,
  doc: string,
  text: string,
): { text: string; samples: DocSample[] } {
  const samples: DocSample[] = []
  const synced = text.replace(SAMPLE, (whole, source: string, fence: string, body: string) => {
    const path = join(root, source)
    if (!existsSync(path)) {
      samples.push({ doc, source, fresh: false, problem: `${source} does not exist` })
      return whole
    }
    const expected = publishedSource(readFileSync(path, 'utf8'))
    const fresh = body === expected
    samples.push(
      fresh ? { doc, source, fresh } : { doc, source, fresh, problem: 'differs from the source file' },
    )
    return `<!-- verified: ${source} -->\n${fence}${expected}\`\`\``
  })
  return { text: synced, samples }
}

/** Check (or rewrite) every verified copy in the documents. */
export function syncDocExamples(root = REPO_ROOT, write = false): DocSample[] {
  const all: DocSample[] = []
  for (const doc of documentPaths(root)) {
    const path = join(root, doc)
    const text = readFileSync(path, 'utf8')
    const result = syncDocument(root, doc, text)
    all.push(...result.samples)
    if (write && result.text !== text) writeFileSync(path, result.text)
  }
  return all
}

/** A compiler error in a documentation block, located in the document. */
export interface BlockProblem {
  /** The block the error is in (`doc` and the line of its first content line), if any. */
  block?: { doc: string; line: number }
  /** `doc:line:column` of the error in the Markdown file. */
  at: string
  /** Compiler message (one line). */
  message: string
}

/** Names a fragment uses without declaring them (the compiler's "cannot find name" family). */
const UNDECLARED = new Set([2304, 2552, 18004, 2580, 2591])

interface BlockFile {
  block: DocBlock
  path: string
  /** Lines added before the block's content. */
  prelude: string[]
}

function fileNameOf(block: DocBlock, taken: Set<string>): string {
  if (block.kind === 'verified' && block.source !== undefined) {
    const name = basename(block.source)
    if (!taken.has(name)) return name
  }
  return `block-${block.line}.ts`
}

function layout(blocks: readonly DocBlock[], dir: string): BlockFile[] {
  const files: BlockFile[] = []
  const taken = new Map<string, Set<string>>()
  for (const block of blocks) {
    const folder = join(dir, block.doc.replace(/[^A-Za-z0-9]+/g, '-'))
    const names = taken.get(folder) ?? new Set<string>()
    taken.set(folder, names)
    const name = fileNameOf(block, names)
    names.add(name)
    files.push({ block, path: join(folder, name), prelude: [] })
  }
  return files
}

function write(file: BlockFile): void {
  mkdirSync(dirname(file.path), { recursive: true })
  // `export {}` makes every block a module: top-level await works and blocks do not share globals.
  writeFileSync(file.path, `${[...file.prelude, file.block.body].join('\n')}\nexport {}\n`)
}

function compilerOptions(dir: string): ts.CompilerOptions {
  const config = ts.parseJsonConfigFileContent(
    {
      extends: join(REPO_ROOT, 'tsconfig.base.json'),
      compilerOptions: {
        noEmit: true,
        declaration: false,
        types: ['node'],
        typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      },
      files: [],
    },
    ts.sys,
    dir,
  )
  return config.options
}

/** Every export of the fragment packages, name → package and whether it is a value. */
function packageExports(
  program: ts.Program,
  indexFile: string,
): Map<string, { from: string; value: boolean }> {
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(indexFile)
  const found = new Map<string, { from: string; value: boolean }>()
  if (!source) return found
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement)) continue
    const from = (statement.moduleSpecifier as ts.StringLiteral).text
    const symbol = checker.getSymbolAtLocation(statement.moduleSpecifier)
    if (!symbol) throw new Error(`${from} does not resolve: build the packages first (pnpm build)`)
    for (const exported of checker.getExportsOfModule(symbol)) {
      if (found.has(exported.name)) continue
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      found.set(exported.name, { from, value: (target.flags & ts.SymbolFlags.Value) !== 0 })
    }
  }
  return found
}

function undeclaredNames(diagnostics: readonly ts.Diagnostic[]): string[] {
  const names = new Set<string>()
  for (const d of diagnostics) {
    if (!UNDECLARED.has(d.code) || d.file === undefined || d.start === undefined) continue
    names.add(d.file.text.slice(d.start, d.start + (d.length ?? 0)))
  }
  return [...names].filter((n) => /^[A-Za-z_$][\w$]*$/.test(n)).sort()
}

function preludeFor(
  names: readonly string[],
  exports: Map<string, { from: string; value: boolean }>,
): string[] {
  const imports = new Map<string, string[]>()
  const lines: string[] = []
  for (const name of names) {
    const found = exports.get(name)
    if (found) {
      const list = imports.get(found.from) ?? []
      list.push(found.value ? name : `type ${name}`)
      imports.set(found.from, list)
    } else {
      lines.push(`declare const ${name}: any; type ${name} = any`)
    }
  }
  return [...[...imports].map(([from, list]) => `import { ${list.join(', ')} } from '${from}'`), ...lines]
}

function located(file: BlockFile, d: ts.Diagnostic): BlockProblem {
  const message = ts.flattenDiagnosticMessageText(d.messageText, ' ')
  const block = { doc: file.block.doc, line: file.block.line }
  if (d.file === undefined || d.start === undefined) return { block, at: file.block.doc, message }
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start)
  const inBlock = line - file.prelude.length
  const where =
    inBlock >= 0
      ? `${file.block.doc}:${file.block.line + inBlock}:${character + 1}`
      : `${file.block.doc}:${file.block.line} (fragment prelude)`
  return { block, at: where, message: `TS${d.code}: ${message}` }
}

/**
 * Type-check every TypeScript block of `blocks` against the built packages in one compiler run (plus one cheap
 * incremental re-run when fragments need declarations). Returns the problems, located in the documents.
 */
export function typecheckBlocks(blocks: readonly DocBlock[]): BlockProblem[] {
  const cache = join(REPO_ROOT, 'tools/node_modules/.cache')
  mkdirSync(cache, { recursive: true })
  // Inside tools/: module resolution finds @fabstir/*, viem and ethers in tools/node_modules.
  const dir = mkdtempSync(join(cache, 'doc-blocks-'))
  try {
    const files = layout(
      blocks.filter((b) => TYPESCRIPT.has(b.lang)),
      dir,
    )
    for (const f of files) write(f)
    const index = join(dir, 'fragment-packages.ts')
    writeFileSync(
      index,
      `${FRAGMENT_PACKAGES.map((p, i) => `import * as p${i} from '${p}'`).join('\n')}\nexport { ${FRAGMENT_PACKAGES.map((_, i) => `p${i}`).join(', ')} }\n`,
    )
    const options = compilerOptions(dir)
    const names = [index, ...files.map((f) => f.path)]
    let program = ts.createProgram(names, options)
    const exports = packageExports(program, index)
    let rewritten = false
    for (const f of files) {
      if (f.block.kind !== 'fragment' && f.block.kind !== 'not-sdk') continue
      const free = undeclaredNames(program.getSemanticDiagnostics(program.getSourceFile(f.path)))
      if (free.length === 0) continue
      f.prelude = preludeFor(free, f.block.kind === 'fragment' ? exports : new Map())
      write(f)
      rewritten = true
    }
    if (rewritten) program = ts.createProgram(names, options, undefined, program)
    const problems: BlockProblem[] = []
    const indexSource = program.getSourceFile(index)
    for (const d of indexSource ? program.getSemanticDiagnostics(indexSource) : []) {
      problems.push({ at: 'fragment-packages', message: ts.flattenDiagnosticMessageText(d.messageText, ' ') })
    }
    for (const f of files) {
      const source = program.getSourceFile(f.path)
      if (!source) continue
      const diagnostics = [
        ...program.getSyntacticDiagnostics(source),
        ...program.getSemanticDiagnostics(source),
      ]
      for (const d of diagnostics) problems.push(located(f, d))
    }
    return problems
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Every block of the documents under `root`. */
export function allBlocks(root = REPO_ROOT): DocBlock[] {
  return documentPaths(root).flatMap((doc) => findBlocks(doc, readFileSync(join(root, doc), 'utf8')))
}

/** CLI entry point; returns the exit status. */
export function main(argv: readonly string[]): number {
  const check = argv.includes('--check')
  const unknown = argv.filter((a) => a !== '--check' && a !== '--')
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown[0]}; usage: doc-blocks.ts [--check]`)
  const samples = syncDocExamples(REPO_ROOT, !check)
  const bad = samples.filter((s) => !s.fresh)
  for (const s of bad) console.error(`${check ? 'stale' : 'updated'}: ${s.doc} ← ${s.source} (${s.problem})`)
  const missing = bad.filter((s) => s.problem?.endsWith('does not exist'))
  console.log(`doc-blocks: ${samples.length} verified copies, ${bad.length} ${check ? 'stale' : 'rewritten'}`)
  if (!check) return missing.length > 0 ? 1 : 0
  const blocks = allBlocks()
  const problems = typecheckBlocks(blocks)
  const failing = problems.filter((p) => !isKnownFailing(p))
  for (const p of failing) console.error(`${p.at}: ${p.message}`)
  for (const k of KNOWN_FAILING) console.error(`known failing, fix pending: ${k.doc}:${k.line} (${k.why})`)
  const fixed = fixedKnownFailures(problems)
  for (const f of fixed)
    console.error(`${f} passes now: remove it from KNOWN_FAILING in tools/release/doc-blocks.ts`)
  const checked = blocks.filter((b) => TYPESCRIPT.has(b.lang)).length
  console.log(`doc-blocks: ${checked} TypeScript blocks type-checked, ${failing.length} errors`)
  return bad.length > 0 || failing.length > 0 || fixed.length > 0 ? 1 : 0
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2))
}
