import { ReliabilityError } from './errors.js'

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
