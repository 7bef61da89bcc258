/**
 * Public API reports, one Markdown file per published entry point (api-extractor), committed under
 * `packages/<pkg>/api/`. A change to any exported signature changes a report, so the surface is reviewed in the diff.
 *
 *   tsx release/api-report.ts           — rewrite the reports from the built `.d.ts` files (run `pnpm build` first)
 *   tsx release/api-report.ts --check   — exit 1 when a report is stale or missing, naming the package to rebuild
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import {
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
  ExtractorMessageCategory,
} from '@microsoft/api-extractor'
import { REPO_ROOT } from './api-docs.js'

/** One entry point of one published package. */
export interface ApiEntry {
  /** Package name, e.g. `@fabstir/crypto`. */
  packageName: string
  /** Package folder (absolute). */
  packageDir: string
  /** Sub-path as written in `exports` (`.` for the main entry). */
  subpath: string
  /** Declaration file of the entry point (absolute). */
  typesFile: string
  /** Where its committed report lives (absolute). */
  reportFile: string
}

interface PackageJson {
  name: string
  private?: boolean
  exports?: Record<string, string | { types?: string }>
}

/** Every `types` entry of every published (non-private) package under `packages/`. */
export function apiEntries(root: string = REPO_ROOT): ApiEntry[] {
  const entries: ApiEntry[] = []
  const packagesDir = join(root, 'packages')
  for (const folder of readdirSync(packagesDir).sort()) {
    const packageDir = join(packagesDir, folder)
    let pkg: PackageJson
    try {
      pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as PackageJson
    } catch {
      continue
    }
    if (pkg.private) continue
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const types = typeof target === 'object' ? target.types : undefined
      if (!types) continue
      const suffix = subpath === '.' ? '' : `-${subpath.replace(/^\.\//, '').replace(/[^a-zA-Z0-9]+/g, '-')}`
      entries.push({
        packageName: pkg.name,
        packageDir,
        subpath,
        typesFile: join(packageDir, types),
        reportFile: join(packageDir, 'api', `${folder}${suffix}.api.md`),
      })
    }
  }
  return entries
}

/** Runs api-extractor on one entry and returns the report text it produced. */
export function buildReport(entry: ApiEntry, scratch: string): string {
  const reportFolder = join(scratch, relative(REPO_ROOT, entry.reportFile).replace(/[\\/]/g, '_'))
  mkdirSync(reportFolder, { recursive: true })
  const reportFileName = 'report.api.md'
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: entry.packageDir,
      mainEntryPointFilePath: entry.typesFile,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            lib: ['ES2022', 'DOM'],
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            skipLibCheck: true,
          },
          include: [entry.typesFile],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName,
        reportFolder,
        reportTempFolder: join(reportFolder, 'temp'),
        includeForgottenExports: false,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.None },
          'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
        },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
    },
    configObjectFullPath: join(entry.packageDir, 'api-extractor.json'),
    packageJsonFullPath: join(entry.packageDir, 'package.json'),
  })
  const problems: string[] = []
  const result = Extractor.invoke(config, {
    localBuild: true,
    showVerboseMessages: false,
    messageCallback: (message) => {
      const serious =
        message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning
      if (serious && message.category !== ExtractorMessageCategory.Console) {
        problems.push(message.formatMessageWithLocation(REPO_ROOT))
      }
      message.handled = true
    },
  })
  if (!result.succeeded || problems.length > 0) {
    throw new Error(`api-extractor failed for ${entry.packageName} ${entry.subpath}:\n${problems.join('\n')}`)
  }
  return normalise(readFileSync(join(reportFolder, reportFileName), 'utf8'))
}

/** Line endings and the trailing newline are the only things normalised: the report is otherwise api-extractor's. */
function normalise(text: string): string {
  return `${text.replace(/\r\n/g, '\n').trimEnd()}\n`
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

function main(): void {
  const check = process.argv.includes('--check')
  const scratch = mkdtempSync(join(tmpdir(), 'fabstir-api-report-'))
  const stale: string[] = []
  try {
    for (const entry of apiEntries()) {
      const report = buildReport(entry, scratch)
      const file = relative(REPO_ROOT, entry.reportFile)
      if (readOrEmpty(entry.reportFile) === report) continue
      if (check) {
        stale.push(`${file} (${entry.packageName} ${entry.subpath})`)
      } else {
        mkdirSync(join(entry.reportFile, '..'), { recursive: true })
        writeFileSync(entry.reportFile, report)
        process.stdout.write(`wrote ${file}\n`)
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  if (stale.length > 0) {
    process.stderr.write(
      `The public API changed but its report was not updated:\n  ${stale.join('\n  ')}\n` +
        'Review the change, then run `pnpm build && pnpm api:report` and commit the reports.\n',
    )
    process.exit(1)
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) main()
