import { CryptoError } from '@fabstir/crypto'
import { FabstirError } from '@fabstir/protocol'
import { WireJsonError } from '@fabstir/wire'

/**
 * The stable code of an allowed, typed rejection — a `FabstirError`, `CryptoError` or `WireJsonError` with a string
 * `code` — or `undefined` for anything else (a bare `Error`, a `TypeError`, a `RangeError`, a thrown non-error).
 */
export function typedCode(e: unknown): string | undefined {
  if (e instanceof FabstirError || e instanceof CryptoError || e instanceof WireJsonError) {
    return typeof e.code === 'string' && e.code.length > 0 ? e.code : undefined
  }
  return undefined
}

/** Short description of an untyped throwable for a finding (its class and message, cut). */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.slice(0, 200)}`
  return `non-error thrown: ${typeof e}`
}
