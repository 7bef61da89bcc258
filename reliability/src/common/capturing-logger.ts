import { bytesToHex } from '@fabstir/crypto'

/** Log levels shared by the SDK's and the simulator's logger interfaces. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** One captured log call, with its context rendered to text. */
export interface LogEntry {
  source: string
  level: LogLevel
  message: string
  /** The context object as JSON text (byte arrays as hex, errors with message, code, details and cause chain). */
  context: string
}

/** Render anything a logger might receive — including bigints, byte arrays, errors and cycles — as JSON text. */
export function renderForScan(value: unknown): string {
  const seen = new WeakSet<object>()
  const replace = (_key: string, v: unknown): unknown => {
    if (typeof v === 'bigint') return `${v}n`
    if (v instanceof Uint8Array) return `bytes:${bytesToHex(v)}`
    if (v instanceof ArrayBuffer) return `bytes:${bytesToHex(new Uint8Array(v))}`
    if (v instanceof Error) {
      const e = v as Error & { code?: unknown; details?: unknown; context?: unknown; nodeMessage?: unknown }
      return {
        name: e.name,
        message: e.message,
        code: e.code,
        nodeMessage: e.nodeMessage,
        details: e.details,
        context: e.context,
        stack: e.stack,
        cause: e.cause,
      }
    }
    if (typeof v === 'function') return `function ${v.name}`
    if (typeof v === 'symbol') return v.toString()
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[cycle]'
      seen.add(v)
    }
    return v
  }
  try {
    return JSON.stringify(value, replace) ?? String(value)
  } catch {
    return String(value)
  }
}

/**
 * A logger that records every call at every level. It satisfies both the SDK's `Logger` (optional methods) and the
 * simulator's (required methods); `for(source)` gives a view that tags entries with where they came from.
 */
export class CapturingLogger {
  readonly entries: LogEntry[] = []

  /** A logger whose entries are tagged with `source` (e.g. `client`, `node`). */
  for(source: string): {
    debug(message: string, context?: Record<string, unknown>): void
    info(message: string, context?: Record<string, unknown>): void
    warn(message: string, context?: Record<string, unknown>): void
    error(message: string, context?: Record<string, unknown>): void
  } {
    const record = (level: LogLevel) => (message: string, context?: Record<string, unknown>) => {
      this.entries.push({ source, level, message: String(message), context: renderForScan(context ?? {}) })
    }
    return { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') }
  }

  /** Entries at each level (to show that every level was exercised). */
  countByLevel(): Record<LogLevel, number> {
    const counts: Record<LogLevel, number> = { debug: 0, info: 0, warn: 0, error: 0 }
    for (const e of this.entries) counts[e.level]++
    return counts
  }
}

/** A secret to look for: a label for the report (never the value) and the value. */
export interface Secret {
  label: string
  value: string
}

/** One place where a secret showed up. */
export interface Leak {
  label: string
  where: string
}

/**
 * Look for every secret in every text (case-insensitively for hex, exactly otherwise). Secrets shorter than 8
 * characters are refused: they would match by accident.
 */
export function findLeaks(
  texts: readonly { where: string; text: string }[],
  secrets: readonly Secret[],
): Leak[] {
  const leaks: Leak[] = []
  for (const s of secrets) {
    if (s.value.length < 8) continue
    const isHex = /^[0-9a-fA-F]+$/.test(s.value)
    const needle = isHex ? s.value.toLowerCase() : s.value
    for (const t of texts) {
      const hay = isHex ? t.text.toLowerCase() : t.text
      if (hay.includes(needle)) leaks.push({ label: s.label, where: t.where })
    }
  }
  return leaks
}
