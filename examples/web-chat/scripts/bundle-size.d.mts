/** One input file's share of the minified bundle. */
export interface ContributorFile {
  path: string
  bytes: number
}

/** A package's share of the minified bundle. */
export interface PackageContribution {
  /** `@scope/name`, `name`, `@fabstir/<dir>` for workspace packages, or `(app)`. */
  name: string
  bytes: number
  /** Largest first. */
  files: ContributorFile[]
}

/** What {@link measureBundle} measured. */
export interface BundleReport {
  rawBytes: number
  minifiedBytes: number
  /** gzip level 9 of the minified bundle. */
  gzipBytes: number
  /** Every metafile input path (relative to the package). */
  inputs: string[]
  /** Largest first. */
  packages: PackageContribution[]
  /** `ws`, Node built-ins, `eval` or `new Function` found in the bundle; empty when clean. */
  forbidden: string[]
}

/** True when an import specifier names a Node built-in or `ws`. */
export function isForbiddenModule(specifier: string): boolean
/** The package an esbuild input path belongs to. */
export function packageOf(inputPath: string): string
/** Bundle `entry` (default scripts/size-entry.ts) or `contents` for browsers (minified ESM) and measure it. */
export function measureBundle(options?: { entry?: string; contents?: string }): Promise<BundleReport>
/** Human-readable report. */
export function formatReport(report: BundleReport, filesPerPackage?: number): string
/** The chat flow plus every family's validators and the full error table. */
export const fullSurfaceEntry: string
/** Where `--report` writes the generated size report. */
export const reportPath: string
/** The CI budget (size-budget.json). */
export const budget: { chatOnlyGzipBytes: number }
/** The generated Markdown report comparing the chat-only and the full-surface app. */
export function markdownReport(chat: BundleReport, full: BundleReport): string
