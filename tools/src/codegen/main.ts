/**
 * `pnpm codegen` — regenerates `@fabstir/wire` (types, validators, error codes), its JSON Schema files and
 * `docs/protocol.md` from `schema/`.
 *
 *   tsx src/codegen/main.ts            write the files
 *   tsx src/codegen/main.ts --check    exit 1 and list stale or missing files, exit 0 when all are fresh
 *   --root <dir>                       repository root (default: this checkout)
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findStale, writeAll } from './files.js'
import { generateAll } from './generate.js'

function parseArgs(argv: string[]): { check: boolean; root: string } {
  let check = false
  let root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--check') check = true
    else if (arg === '--root' && argv[i + 1] !== undefined) root = resolve(argv[++i]!)
    else if (arg !== '--') throw new Error(`unknown argument ${arg}; usage: main.ts [--check] [--root <dir>]`)
  }
  return { check, root }
}

function main(): number {
  const { check, root } = parseArgs(process.argv.slice(2))
  const files = generateAll()
  if (check) {
    const stale = findStale(root, files)
    if (stale.length === 0) {
      console.log(`codegen: ${files.size} generated files are up to date`)
      return 0
    }
    console.error('codegen --check: generated files are out of date (run `pnpm codegen`):')
    for (const s of stale) console.error(`  ${s.problem}: ${s.path}`)
    return 1
  }
  const changed = writeAll(root, files)
  console.log(
    `codegen: ${files.size} files, ${changed.length} written${changed.length ? `: ${changed.join(', ')}` : ''}`,
  )
  return 0
}

process.exitCode = main()
