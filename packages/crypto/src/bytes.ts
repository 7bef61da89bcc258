import { equalBytes as nobleEqualBytes } from '@noble/curves/utils.js'
import { bytesToHex as nobleBytesToHex, hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js'
import { CryptoError } from './errors.js'

/** Lowercase hex without a `0x` prefix — the node's output format. */
export function bytesToHex(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array))
    throw new CryptoError('INVALID_INPUT', 'bytesToHex expects a Uint8Array')
  return nobleBytesToHex(bytes)
}

/**
 * Strict hex decoding with the node's rules: an optional lowercase `0x` prefix (`0X` is rejected), digits in either
 * case, even length, nothing else. Throws `INVALID_HEX` otherwise; never truncates.
 */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new CryptoError('INVALID_HEX', 'hex input must be a string')
  const digits = hex.startsWith('0x') ? hex.slice(2) : hex
  if (digits.length % 2 !== 0)
    throw new CryptoError('INVALID_HEX', `hex string has an odd number of digits (${digits.length})`)
  try {
    return nobleHexToBytes(digits)
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause)
    throw new CryptoError('INVALID_HEX', `invalid hex after any 0x prefix: ${detail}`, { cause })
  }
}

const encoder = new TextEncoder()
// ignoreBOM keeps a leading U+FEFF as content: decoding must be exact, never silently drop bytes.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Longest string encoded by the ASCII fast path (short AADs such as `chunk_12`; TextEncoder has a fixed cost). */
const SHORT_ASCII = 64

/** `TextEncoder.encode`, with a fast path for short ASCII strings that gives the same bytes. */
function encodeUtf8(text: string): Uint8Array {
  const n = text.length
  if (n > SHORT_ASCII) return encoder.encode(text)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c > 0x7f) return encoder.encode(text)
    out[i] = c
  }
  return out
}

/** UTF-8 encode a string. */
export function utf8ToBytes(text: string): Uint8Array {
  if (typeof text !== 'string') throw new CryptoError('INVALID_INPUT', 'expected a string')
  return encodeUtf8(text)
}

/**
 * Strict, exact UTF-8 decode: invalid sequences throw `INVALID_INPUT` instead of turning into U+FFFD, and a leading
 * byte-order mark is kept as U+FEFF rather than stripped. Non-`Uint8Array` input also throws `INVALID_INPUT`.
 */
export function bytesToUtf8(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array))
    throw new CryptoError('INVALID_INPUT', 'bytesToUtf8 expects a Uint8Array')
  try {
    return strictDecoder.decode(bytes)
  } catch (cause) {
    throw new CryptoError('INVALID_INPUT', 'bytes are not valid UTF-8', { cause })
  }
}

/** Bytes as given, or a string as UTF-8. Anything else is `INVALID_INPUT`. */
export function toBytes(data: Uint8Array | string, what: string): Uint8Array {
  if (data instanceof Uint8Array) return data
  if (typeof data === 'string') return encodeUtf8(data)
  throw new CryptoError('INVALID_INPUT', `${what} must be a Uint8Array or a string`)
}

/**
 * Overwrite every given buffer with zeros. `undefined`/`null` entries are skipped; anything else that is not a
 * `Uint8Array` throws `INVALID_INPUT` before any buffer is touched.
 */
export function zeroize(...buffers: Array<Uint8Array | undefined | null>): void {
  for (const b of buffers) {
    if (b !== undefined && b !== null && !(b instanceof Uint8Array)) {
      throw new CryptoError('INVALID_INPUT', 'zeroize expects Uint8Array, undefined or null arguments')
    }
  }
  for (const b of buffers) b?.fill(0)
}

/**
 * Constant-time comparison of two byte arrays of equal length (false on length mismatch; the length itself is not
 * secret). Non-`Uint8Array` arguments throw `INVALID_INPUT`.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) {
    throw new CryptoError('INVALID_INPUT', 'equalBytes expects two Uint8Arrays')
  }
  return nobleEqualBytes(a, b)
}

/** Internal guard: `value` must be a `Uint8Array` of exactly `length` bytes, else a CryptoError with `code`. */
export function expectBytes(
  value: unknown,
  length: number,
  code: 'INVALID_KEY' | 'INVALID_NONCE_SIZE' | 'INVALID_DIGEST' | 'INVALID_SIGNATURE',
  what: string,
): Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new CryptoError(code, `${what} must be a Uint8Array of ${length} bytes`)
  if (value.length !== length)
    throw new CryptoError(code, `${what} must be ${length} bytes, got ${value.length}`)
  return value
}
