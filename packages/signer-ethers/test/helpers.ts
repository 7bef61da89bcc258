import { bytesToHex } from '@fabstir/crypto'

/** Test-only keys (never use outside tests). */
export const KEY_A = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'
export const KEY_B = '0x8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f'

export const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
export const HALF_CURVE_ORDER = CURVE_ORDER >> 1n

/** s of a 65-byte r‖s‖v signature as a bigint. */
export function sValue(signature: Uint8Array): bigint {
  return BigInt(`0x${bytesToHex(signature.subarray(32, 64))}`)
}

/** The promise's rejection, which must be an error with a `code`. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code: string; context: object }> {
  try {
    await promise
  } catch (e) {
    if (e instanceof Error && 'code' in e) return e as Error & { code: string; context: object }
    throw e
  }
  throw new Error('expected a rejection')
}

/** The error `fn` throws, which must have a `code`. */
export function thrown(fn: () => unknown): Error & { code: string; context: object } {
  try {
    fn()
  } catch (e) {
    if (e instanceof Error && 'code' in e) return e as Error & { code: string; context: object }
    throw e
  }
  throw new Error('expected an error')
}
