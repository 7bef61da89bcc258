/**
 * Release readiness: pack every publishable package exactly as `pnpm publish` would, check what is inside, lint the
 * tarballs (publint, are-the-types-wrong), install them with npm into a fresh project and use them from there.
 *
 *   tsx release/pack-smoke.ts [--keep] [--no-install] [--report <file.json>]
 *
 * Needs built packages (`pnpm build`) and, for the install step, the npm registry (for ws, viem and their deps).
 * Exits 0 when every check passed; prints one line per check and a summary.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Repository root (this file lives in `tools/release/`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const RELEASE_DIR = join(REPO_ROOT, 'tools/release')

/** Files every tarball may contain (paths inside the tarball, without the `package/` prefix). */
const ALLOWED_FILES: readonly RegExp[] = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^dist\/(?:[\w.-]+\/)*[\w.-]+\.js$/,
  /^dist\/(?:[\w.-]+\/)*[\w.-]+\.d\.ts$/,
]

/** Package-specific additions, each with the reason it ships. */
const EXTRA_FILES: Readonly<Record<string, { pattern: RegExp; reason: string }>> = {
  '@fabstir/wire': {
    pattern: /^json-schema\/[\w.-]+\.json$/,
    reason: 'JSON Schema files of every frame, for implementations in other languages',
  },
  '@fabstir/conformance': {
    pattern: /^vectors\/[\w.-]+\.json$/,
    reason: 'deterministic conformance vectors (crypto steps, frames, transcripts) for other implementations',
  },
}

/** Files every tarball must contain. */
const REQUIRED_FILES = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']

/** Third-party packages the smoke project installs from the registry next to the tarballs. */
const REGISTRY_DEPS = ['ws', 'viem']

/** Node error codes that mean "this ESM-only package cannot be `require()`d". */
const ESM_ONLY_REQUIRE_CODES = [
  'ERR_REQUIRE_ESM',
  'ERR_PACKAGE_PATH_NOT_EXPORTED',
  'ERR_REQUIRE_ASYNC_MODULE',
]

/** A publishable workspace package. */
export interface PackageInfo {
  name: string
  version: string
  dir: string
  manifest: Record<string, unknown>
}

/** The outcome of one check. */
export interface CheckResult {
  check: string
  ok: boolean
  detail: string
}

/** What a run produced (also written by `--report`). */
export interface PackSmokeReport {
  ok: boolean
  packages: Array<{ name: string; version: string; tarball: string; files: string[] }>
  checks: CheckResult[]
}

/** Options of {@link packSmoke}. */
export interface PackSmokeOptions {
  /** Keep the temporary directory (its path is printed). */
  keep?: boolean
  /** Pack and lint only; skip the npm install and the smoke scripts. */
  install?: boolean
  /** Called with every check as it completes. */
  onCheck?: (result: CheckResult) => void
}

interface Run {
  status: number | null
  output: string
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs = 180_000): Run {
  const r: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    shell: process.platform === 'win32',
    maxBuffer: 64 * 1024 * 1024,
  })
  const error = r.error ? `\n${r.error.message}` : ''
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${error}`.trim() }
}

function tail(text: string, lines = 30): string {
  return text.split('\n').slice(-lines).join('\n')
}

/** The pinned pnpm: the one on PATH when it is the right version, otherwise through npx (like tools/bootstrap.mjs). */
function pnpmCommand(): [string, string[]] {
  const pinned = String(
    JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).packageManager,
  ).split('@')[1]
  const onPath = run('pnpm', ['--version'], REPO_ROOT, 30_000)
  if (onPath.status === 0 && onPath.output.trim() === pinned) return ['pnpm', []]
  return ['npx', ['--yes', `pnpm@${pinned}`]]
}

/** Absolute path of a dev tool's CLI script (a root devDependency), run with this Node. */
function toolBin(pkg: string, bin: string): string {
  const manifestPath = join(REPO_ROOT, 'node_modules', pkg, 'package.json')
  if (!existsSync(manifestPath))
    throw new Error(`${pkg} is not installed at the repository root (pnpm install)`)
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: string | Record<string, string> }
  const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin]
  if (!rel) throw new Error(`${pkg} has no "${bin}" binary`)
  return join(dirname(manifestPath), rel)
}

/** Every non-private package under `packages/`. */
export function publishablePackages(root = REPO_ROOT): PackageInfo[] {
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'packages', d.name, 'package.json')))
    .map((d) => {
      const dir = join(root, 'packages', d.name)
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>
      return { name: String(manifest.name), version: String(manifest.version), dir, manifest }
    })
    .filter((p) => p.manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** Paths the manifest points at (exports, main, types, bin), relative to the package root. */
function referencedFiles(manifest: Record<string, unknown>): string[] {
  const out = new Set<string>()
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.startsWith('./') && !value.includes('*')) out.add(value.slice(2))
    } else if (value && typeof value === 'object') {
      for (const v of Object.values(value)) visit(v)
    }
  }
  visit(manifest.exports)
  visit(manifest.main)
  visit(manifest.types)
  visit(manifest.bin)
  for (const file of [...out]) if (file === 'package.json') out.delete(file)
  return [...out].map((f) => f.replace(/^\.\//, ''))
}

/** Problems with the file list of a tarball: disallowed files, and required or referenced files that are missing. */
export function checkTarballFiles(pkg: PackageInfo, files: readonly string[]): string[] {
  const extra = EXTRA_FILES[pkg.name]
  const problems: string[] = []
  for (const file of files) {
    const allowed = ALLOWED_FILES.some((re) => re.test(file)) || extra?.pattern.test(file) === true
    if (!allowed) problems.push(`unexpected file ${file}`)
  }
  for (const file of new Set([...REQUIRED_FILES, ...referencedFiles(pkg.manifest)])) {
    if (!files.includes(file)) problems.push(`missing ${file}`)
  }
  return problems
}

function tarballFiles(tarball: string): string[] {
  const r = run('tar', ['-tzf', tarball], dirname(tarball))
  if (r.status !== 0) throw new Error(`cannot list ${tarball}: ${r.output}`)
  return r.output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.endsWith('/'))
    .map((l) => l.replace(/^package\//, ''))
    .sort()
}

function tarballManifest(tarball: string): Record<string, unknown> {
  const r = run('tar', ['-xzOf', tarball, 'package/package.json'], dirname(tarball))
  if (r.status !== 0) throw new Error(`cannot read package.json of ${tarball}: ${r.output}`)
  return JSON.parse(r.output) as Record<string, unknown>
}

/** Dependency ranges that only make sense inside the workspace (they would break installs from the registry). */
function workspaceRanges(manifest: Record<string, unknown>): string[] {
  const found: string[] = []
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    const deps = (manifest[field] ?? {}) as Record<string, string>
    for (const [name, range] of Object.entries(deps)) {
      if (/^(workspace|link|file):/.test(range)) found.push(`${field}.${name}=${range}`)
    }
  }
  return found
}

/** Run every check. Never throws for a failed check; the report says what failed. */
export function packSmoke(options: PackSmokeOptions = {}): PackSmokeReport {
  const checks: CheckResult[] = []
  const record = (check: string, ok: boolean, detail = ''): boolean => {
    const result = { check, ok, detail }
    checks.push(result)
    options.onCheck?.(result)
    return ok
  }
  const report: PackSmokeReport = { ok: false, packages: [], checks }
  const temp = mkdtempSync(join(tmpdir(), 'fabstir-pack-smoke-'))
  const tarballDir = join(temp, 'tarballs')
  mkdirSync(tarballDir)
  try {
    const packages = publishablePackages()
    record(
      'publishable packages',
      packages.length > 0,
      packages.map((p) => `${p.name}@${p.version}`).join(', '),
    )
    const [pnpm, pnpmPre] = pnpmCommand()
    const publint = toolBin('publint', 'publint')
    const attw = toolBin('@arethetypeswrong/cli', 'attw')

    for (const pkg of packages) {
      if (!existsSync(join(pkg.dir, 'dist/index.js'))) {
        record(`${pkg.name}: built`, false, `${pkg.dir}/dist/index.js is missing: run \`pnpm build\` first`)
        continue
      }
      const before = new Set(readdirSync(tarballDir))
      const packed = run(pnpm, [...pnpmPre, 'pack', '--pack-destination', tarballDir], pkg.dir)
      const created = readdirSync(tarballDir).filter((f) => f.endsWith('.tgz') && !before.has(f))
      if (
        !record(`${pkg.name}: pnpm pack`, packed.status === 0 && created.length === 1, tail(packed.output, 5))
      ) {
        continue
      }
      const tarball = join(tarballDir, created[0]!)
      const files = tarballFiles(tarball)
      report.packages.push({ name: pkg.name, version: pkg.version, tarball, files })
      const problems = checkTarballFiles(pkg, files)
      record(
        `${pkg.name}: tarball contents`,
        problems.length === 0,
        problems.join('; ') || `${files.length} files`,
      )
      const leftovers = workspaceRanges(tarballManifest(tarball))
      record(`${pkg.name}: no workspace ranges`, leftovers.length === 0, leftovers.join(', '))
      const lint = run(process.execPath, [publint, 'run', tarball, '--strict'], temp)
      record(`${pkg.name}: publint`, lint.status === 0, tail(lint.output, 10))
      const types = run(process.execPath, [attw, tarball, '--profile', 'esm-only', '--format', 'ascii'], temp)
      record(`${pkg.name}: attw --profile esm-only`, types.status === 0, tail(types.output, 15))
    }

    if (options.install !== false && report.packages.length === packages.length) {
      installAndRun(temp, report, record)
    }
    report.ok = checks.every((c) => c.ok)
    return report
  } finally {
    if (options.keep) process.stderr.write(`pack-smoke: kept ${temp}\n`)
    else rmSync(temp, { recursive: true, force: true })
  }
}

function installAndRun(
  temp: string,
  report: PackSmokeReport,
  record: (check: string, ok: boolean, detail?: string) => boolean,
): void {
  const project = join(temp, 'project')
  mkdirSync(project)
  const init = run('npm', ['init', '-y'], project)
  if (!record('npm init -y', init.status === 0, tail(init.output, 5))) return
  const tarballs = report.packages.map((p) => p.tarball)
  const install = run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, ...REGISTRY_DEPS],
    project,
    240_000,
  )
  if (
    !record(
      `npm install <${tarballs.length} tarballs> ${REGISTRY_DEPS.join(' ')}`,
      install.status === 0,
      tail(install.output),
    )
  ) {
    return
  }
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { resolved?: string; version?: string }>
  }
  const fabstir = Object.entries(lock.packages).filter(([path]) =>
    /(^|\/)node_modules\/@fabstir\//.test(path),
  )
  const notLocal = fabstir.filter(([, p]) => !p.resolved?.startsWith('file:')).map(([path]) => path)
  record(
    'every @fabstir package comes from a local tarball (none from the registry, no duplicates)',
    notLocal.length === 0 && fabstir.length === report.packages.length,
    notLocal.length ? `from elsewhere: ${notLocal.join(', ')}` : fabstir.map(([path]) => path).join(', '),
  )

  for (const script of [
    'smoke/smoke.mjs',
    'smoke/require-esm.cjs',
    'smoke/conformance.mjs',
    'examples/quickstart.mjs',
  ]) {
    copyFileSync(join(RELEASE_DIR, script), join(project, basename(script)))
  }
  const smoke = run(process.execPath, ['smoke.mjs'], project, 60_000)
  record(
    'smoke.mjs: encrypted session via the published entry points answers "2 + 2 = 4."',
    smoke.status === 0 && smoke.output.includes('"smoke":"ok"'),
    tail(smoke.output, 15),
  )

  const quickstart = run(process.execPath, ['quickstart.mjs'], project, 60_000)
  record(
    'quickstart.mjs (docs/getting-started.md) runs',
    quickstart.status === 0 &&
      quickstart.output.includes('2 + 2 = 4.') &&
      quickstart.output.includes('encrypted: true'),
    tail(quickstart.output, 10),
  )

  const cjs = run(process.execPath, ['require-esm.cjs'], project, 30_000)
  let codes: Record<string, string> = {}
  try {
    codes = JSON.parse(cjs.output.split('\n').at(-1) ?? '{}') as Record<string, string>
  } catch {
    // reported below
  }
  const loaded = Object.entries(codes).filter(([, code]) => !ESM_ONLY_REQUIRE_CODES.includes(code))
  record(
    'require() of every package fails as ESM-only (ERR_REQUIRE_ESM or similar)',
    cjs.status === 0 && Object.keys(codes).length === report.packages.length && loaded.length === 0,
    cjs.output,
  )

  const conformance = run(process.execPath, ['conformance.mjs'], project, 120_000)
  record(
    'npx fabstir-conformance node … and … serve (with an echo driver) work from the tarballs',
    conformance.status === 0 && conformance.output.includes('"conformance":"ok"'),
    tail(conformance.output, 15),
  )

  const help = run('npx', ['--no-install', 'fabstir-node-sim', '--help'], project, 60_000)
  record(
    'npx fabstir-node-sim --help',
    help.status === 0 && help.output.includes('Usage: fabstir-node-sim'),
    tail(help.output, 3),
  )
}

function parseArgs(argv: readonly string[]): { keep: boolean; install: boolean; report: string | undefined } {
  const args = { keep: false, install: true, report: undefined as string | undefined }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--keep') args.keep = true
    else if (arg === '--no-install') args.install = false
    else if (arg === '--report' && argv[i + 1] !== undefined) args.report = resolve(argv[++i]!)
    else if (arg !== '--')
      throw new Error(
        `unknown argument ${arg}; usage: pack-smoke.ts [--keep] [--no-install] [--report <file>]`,
      )
  }
  return args
}

/** CLI entry point; returns the exit status. */
export function main(argv: readonly string[]): number {
  const args = parseArgs(argv)
  const report = packSmoke({
    keep: args.keep,
    install: args.install,
    onCheck: (c) => {
      console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.check}`)
      if (!c.ok && c.detail) console.log(c.detail.replace(/^/gm, '       '))
    },
  })
  if (args.report) writeFileSync(args.report, `${JSON.stringify(report, null, 2)}\n`)
  const failed = report.checks.filter((c) => !c.ok).length
  console.log(`pack-smoke: ${report.checks.length - failed} passed, ${failed} failed`)
  return report.ok ? 0 : 1
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2))
}
