import { type ParseArgsConfig, parseArgs } from 'node:util'
import { ReliabilityError } from './errors.js'

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * The flags of a CLI entry point, parsed by `node:util` `parseArgs` (strict, no positionals). A leading `--` (what
 * `pnpm run fuzz -- --total 5` may pass on) is skipped. Unknown flags and missing values throw `INVALID_ARGUMENT`.
 */
export function parseFlags<T extends Options>(
  options: T,
  argv: string[] = process.argv.slice(2),
): ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>['values'] {
  const args = argv[0] === '--' ? argv.slice(1) : argv
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values
  } catch (cause) {
    // node:util's messages are one sentence, sometimes followed by a hint on a second line: keep the first.
    const first = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0]!
    throw new ReliabilityError('INVALID_ARGUMENT', first, {}, { cause })
  }
}

/** Exit status and stderr for a failed entry point: a usage error is one line (exit 2), anything else its stack. */
export function reportFailure(error: unknown): void {
  if (error instanceof ReliabilityError && error.code === 'INVALID_ARGUMENT') {
    err(`${error.message} (see --help)`)
  } else {
    err(error instanceof Error ? (error.stack ?? error.message) : String(error))
  }
  process.exitCode = 2
}

/** Parse a non-negative integer flag value (accepts `1_000_000` and `1e6`). */
export function intFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value.replaceAll('_', ''))
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ReliabilityError('INVALID_ARGUMENT', `--${name} must be a non-negative integer, got ${value}`)
  }
  return n
}

/** Write a line to stdout (CLI entry points only; library code never prints). */
export function out(line = ''): void {
  process.stdout.write(`${line}\n`)
}

/** Write a line to stderr. */
export function err(line: string): void {
  process.stderr.write(`${line}\n`)
}
