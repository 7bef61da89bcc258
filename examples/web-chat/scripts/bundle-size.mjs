#!/usr/bin/env node
// Browser bundle-size report for the SDK (`pnpm --filter @fabstir/example-web-chat size`).
// Bundles scripts/size-entry.ts (@fabstir/crypto + protocol + transport-ws: createClient and a session flow) for
// `platform: 'browser'` as minified ESM, prints raw / minified / gzipped sizes and the biggest contributors per
// package, and exits 1 if `ws`, a Node built-in, `eval` or `new Function` ends up in the bundle.
import { readFileSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
const repoRoot = join(packageRoot, '..', '..')
const defaultEntry = join(packageRoot, 'scripts', 'size-entry.ts')
/** The chat flow plus every family's validators and the full error table. */
export const fullSurfaceEntry = join(packageRoot, 'scripts', 'full-surface-entry.ts')
/** Where `--report` writes the generated size report. */
export const reportPath = join(packageRoot, 'BUNDLE-SIZE.md')
/** The CI budget (size-budget.json). */
export const budget = JSON.parse(readFileSync(join(packageRoot, 'size-budget.json'), 'utf8'))

const builtins = new Set(builtinModules.filter((m) => !m.startsWith('_')))
/** Modules that must never reach a browser bundle. */
const forbiddenImport = /^(?:node:.*|ws)(?:\/.*)?$/
const dynamicCode = [
  ['eval', /(?<![\w$.'"])eval(?![\w$])/],
  ['new Function', /\bnew\s+Function\s*\(/],
]

/** True when an import specifier names a Node built-in or `ws`. */
export function isForbiddenModule(specifier) {
  return forbiddenImport.test(specifier) || builtins.has(specifier) || builtins.has(specifier.split('/')[0])
}

/** `@scope/name` or `name` for a path inside node_modules; `@fabstir/<dir>` for a workspace package. */
export function packageOf(inputPath) {
  const parts = inputPath.split(/[\\/]/)
  const nm = parts.lastIndexOf('node_modules')
  if (nm >= 0 && parts[nm + 1]) {
    return parts[nm + 1].startsWith('@') ? `${parts[nm + 1]}/${parts[nm + 2]}` : parts[nm + 1]
  }
  const pk = parts.lastIndexOf('packages')
  if (pk >= 0 && parts[pk + 1]) return `@fabstir/${parts[pk + 1]}`
  return '(app)'
}

function recordForbidden(found) {
  return {
    name: 'forbid-node-modules',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point' || !isForbiddenModule(args.path)) return undefined
        found.push({ module: args.path, importer: relative(repoRoot, args.importer) })
        return { path: args.path, external: true }
      })
    },
  }
}

async function bundle(options, minify) {
  const found = []
  const result = await build({
    ...options,
    bundle: true,
    write: false,
    outfile: 'bundle.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify,
    metafile: true,
    logLevel: 'silent',
    plugins: [recordForbidden(found)],
  })
  const output = result.outputFiles.find((f) => f.path.endsWith('.js'))
  if (!output) throw new Error('esbuild produced no JavaScript output')
  return { code: output.contents, text: output.text, metafile: result.metafile, found }
}

/**
 * Bundle `entry` (default: scripts/size-entry.ts) or `stdin` contents for browsers and measure it.
 * @param {{ entry?: string, contents?: string }} [options]
 */
export async function measureBundle(options = {}) {
  const input =
    options.contents === undefined
      ? { entryPoints: [options.entry ?? defaultEntry], absWorkingDir: packageRoot }
      : {
          stdin: {
            contents: options.contents,
            resolveDir: packageRoot,
            loader: 'ts',
            sourcefile: 'probe.ts',
          },
          absWorkingDir: packageRoot,
        }
  const raw = await bundle(input, false)
  const min = await bundle(input, true)

  const forbidden = [...raw.found.map((f) => `${f.module} (imported by ${f.importer})`)]
  const inputs = Object.keys(min.metafile.inputs)
  for (const path of inputs) {
    if (packageOf(path) === 'ws') forbidden.push(`ws package file ${path}`)
  }
  for (const [name, pattern] of dynamicCode) {
    if (pattern.test(min.text)) forbidden.push(`${name} in the minified bundle`)
  }

  const output = Object.values(min.metafile.outputs)[0]
  const byPackage = new Map()
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const name = packageOf(path)
    const entry = byPackage.get(name) ?? { name, bytes: 0, files: [] }
    entry.bytes += bytesInOutput
    entry.files.push({ path, bytes: bytesInOutput })
    byPackage.set(name, entry)
  }
  const packages = [...byPackage.values()]
    .map((p) => ({ ...p, files: p.files.sort((a, b) => b.bytes - a.bytes) }))
    .sort((a, b) => b.bytes - a.bytes)

  return {
    rawBytes: raw.code.byteLength,
    minifiedBytes: min.code.byteLength,
    gzipBytes: gzipSync(min.code, { level: 9 }).byteLength,
    inputs,
    packages,
    forbidden,
  }
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`.padStart(10)
}

function shortPath(path) {
  const nm = path.lastIndexOf('node_modules/')
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length).replace(/^\.pnpm\/[^/]+\/node_modules\//, '')
  return path.replace(/^(?:\.\.\/)+/, '')
}

/** Human-readable report of {@link measureBundle}'s result. */
export function formatReport(report, filesPerPackage = 3) {
  const lines = [
    'Browser bundle of @fabstir/crypto + @fabstir/protocol + @fabstir/transport-ws (esbuild, ESM, es2022)',
    `  raw      ${kib(report.rawBytes)}  (${report.rawBytes} B)`,
    `  minified ${kib(report.minifiedBytes)}  (${report.minifiedBytes} B)`,
    `  gzipped  ${kib(report.gzipBytes)}  (${report.gzipBytes} B, level 9)`,
    '',
    'Top contributors (minified bytes in output):',
  ]
  for (const p of report.packages) {
    const share = ((100 * p.bytes) / report.minifiedBytes).toFixed(1).padStart(5)
    lines.push(`  ${p.name.padEnd(24)}${kib(p.bytes)}  ${share}%`)
    for (const f of p.files.slice(0, filesPerPackage))
      lines.push(`      ${kib(f.bytes)}  ${shortPath(f.path)}`)
  }
  lines.push('')
  if (report.forbidden.length === 0) {
    lines.push('OK: no ws, no Node built-ins, no eval / new Function in the bundle.')
  } else {
    lines.push('FAIL: the browser bundle contains:')
    for (const f of report.forbidden) lines.push(`  - ${f}`)
  }
  return lines.join('\n')
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`
}

/** A Markdown table padded like the repository formatter (biome) lays it out. */
function mdTable(header, body) {
  const rows = [header, ...body]
  const widths = header.map((_, c) => Math.max(3, ...rows.map((r) => [...(r[c] ?? '')].length)))
  const line = (cells) => `| ${cells.map((x, c) => x + ' '.repeat(widths[c] - [...x].length)).join(' | ')} |`
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')
}

/** Sum of minified bytes per package of a report, as `name → bytes`. */
function perPackage(report) {
  return new Map(report.packages.map((p) => [p.name, p.bytes]))
}

/**
 * The generated Markdown report comparing the chat-only app with the full-surface app (every family's validators).
 * @param {import('./bundle-size.d.mts').BundleReport} chat
 * @param {import('./bundle-size.d.mts').BundleReport} full
 */
export function markdownReport(chat, full) {
  const chatPkgs = perPackage(chat)
  const fullPkgs = perPackage(full)
  const names = [...new Set([...chatPkgs.keys(), ...fullPkgs.keys()])].sort(
    (a, b) => (fullPkgs.get(b) ?? 0) - (fullPkgs.get(a) ?? 0),
  )
  const wireFiles = (r) => r.packages.find((p) => p.name === '@fabstir/wire')?.files ?? []
  const short = (path) => path.replace(/^.*packages\/wire\/dist\//, '')
  const lines = [
    '<!-- generated by `pnpm --filter @fabstir/example-web-chat size -- --report` — do not edit -->',
    '',
    '# Browser bundle size',
    '',
    'esbuild, ESM, es2022, `platform: browser`, minified; gzip level 9. Chat-only = `scripts/size-entry.ts`',
    '(createClient + startSession + stream). Full surface = `scripts/full-surface-entry.ts` (the same flow plus the',
    'validators of every family — image, transcode, LTX, RAG, inference — and the full error table).',
    '',
    mdTable(
      ['bundle', 'minified', 'min+gz'],
      [
        [
          'chat-only',
          `${chat.minifiedBytes} B (${kb(chat.minifiedBytes)})`,
          `${chat.gzipBytes} B (${kb(chat.gzipBytes)})`,
        ],
        [
          'full surface',
          `${full.minifiedBytes} B (${kb(full.minifiedBytes)})`,
          `${full.gzipBytes} B (${kb(full.gzipBytes)})`,
        ],
        ['CI budget (chat-only)', '—', `${budget.chatOnlyGzipBytes} B (${kb(budget.chatOnlyGzipBytes)})`],
      ],
    ),
    '',
    '## Minified bytes per package',
    '',
    mdTable(
      ['package', 'chat-only', 'full surface'],
      names.map((n) => [n, String(chatPkgs.get(n) ?? 0), String(fullPkgs.get(n) ?? 0)]),
    ),
    '',
    '## `@fabstir/wire` files (minified bytes)',
    '',
    mdTable(
      ['file', 'chat-only', 'full surface'],
      [...new Set([...wireFiles(full), ...wireFiles(chat)].map((f) => short(f.path)))].sort().map((f) => {
        const size = (r) => wireFiles(r).find((x) => short(x.path) === f)?.bytes ?? 0
        return [f, String(size(chat)), String(size(full))]
      }),
    ),
    '',
  ]
  return lines.join('\n')
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (invokedDirectly) {
  try {
    const report = await measureBundle()
    process.stdout.write(`${formatReport(report)}\n`)
    process.exitCode = report.forbidden.length === 0 ? 0 : 1
    if (report.gzipBytes > budget.chatOnlyGzipBytes) {
      process.stderr.write(
        `FAIL: ${report.gzipBytes} B gzipped exceeds the budget of ${budget.chatOnlyGzipBytes} B\n`,
      )
      process.exitCode = 1
    }
    if (process.argv.includes('--report')) {
      const full = await measureBundle({ entry: fullSurfaceEntry })
      writeFileSync(reportPath, markdownReport(report, full))
      process.stdout.write(`\nfull surface: ${full.minifiedBytes} B minified, ${full.gzipBytes} B gzipped\n`)
      process.stdout.write(`report written to ${relative(process.cwd(), reportPath)}\n`)
    }
  } catch (e) {
    const errors = e?.errors?.map((m) => `  ${m.location?.file ?? ''}: ${m.text}`).join('\n')
    process.stderr.write(`bundle-size: build failed${errors ? `\n${errors}` : `: ${e?.message ?? e}`}\n`)
    process.exitCode = 1
  }
}
