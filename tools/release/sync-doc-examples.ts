/**
 * Keeps the verified code samples of `docs/*.md` identical to the files the tests run. A sample is a fenced code
 * block right after a marker line `<!-- verified: <path from the repository root> -->`; its content is the file with
 * workspace import paths replaced by the published package names ({@link publishedSource}).
 *
 *   tsx release/sync-doc-examples.ts            rewrite stale samples
 *   tsx release/sync-doc-examples.ts --check    exit 1 when a sample differs from its file (or the file is missing)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { publishedSource } from './published-source.js'

/** Repository root (this file lives in `tools/release/`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

const SAMPLE = /<!-- verified: ([^\s]+) -->\n(```[a-z]*\n)([\s\S]*?)```/g

/** One verified sample found in a document. */
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

/** Check (or rewrite) every verified sample in `docs/*.md`. */
export function syncDocExamples(root = REPO_ROOT, write = false): DocSample[] {
  const docsDir = join(root, 'docs')
  const all: DocSample[] = []
  for (const name of readdirSync(docsDir)
    .filter((n) => n.endsWith('.md'))
    .sort()) {
    const path = join(docsDir, name)
    const text = readFileSync(path, 'utf8')
    const result = syncDocument(root, `docs/${name}`, text)
    all.push(...result.samples)
    if (write && result.text !== text) writeFileSync(path, result.text)
  }
  return all
}

/** CLI entry point; returns the exit status. */
export function main(argv: readonly string[]): number {
  const check = argv.includes('--check')
  const unknown = argv.filter((a) => a !== '--check' && a !== '--')
  if (unknown.length > 0)
    throw new Error(`unknown argument ${unknown[0]}; usage: sync-doc-examples.ts [--check]`)
  const samples = syncDocExamples(REPO_ROOT, !check)
  const bad = samples.filter((s) => !s.fresh)
  for (const s of bad) console.error(`${check ? 'stale' : 'updated'}: ${s.doc} ← ${s.source} (${s.problem})`)
  const missing = bad.filter((s) => s.problem?.endsWith('does not exist'))
  console.log(
    `sync-doc-examples: ${samples.length} verified samples, ${bad.length} ${check ? 'stale' : 'rewritten'}`,
  )
  return (check && bad.length > 0) || missing.length > 0 ? 1 : 0
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2))
}
