import { bytesToHex, hexToBytes } from '@fabstir/crypto'
import type { LocalAccount } from 'viem'
import { toAccount } from 'viem/accounts'

/** Test-only keys (never use outside tests). */
export const KEY_A = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'
export const KEY_B = '0x8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f'

export const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
export const HALF_CURVE_ORDER = CURVE_ORDER >> 1n

/** s of a 65-byte r‖s‖v signature as a bigint. */
export function sValue(signature: Uint8Array): bigint {
  return BigInt(`0x${bytesToHex(signature.subarray(32, 64))}`)
}

/** The equally valid high-S twin of a low-S signature (s → n − s, recovery bit flipped), as viem hex (v 27/28). */
export function highSTwin(viemHex: `0x${string}`): `0x${string}` {
  const bytes = hexToBytes(viemHex)
  const s = sValue(bytes)
  const flipped = (CURVE_ORDER - s).toString(16).padStart(64, '0')
  const v = bytes[64] === 27 ? '1c' : '1b'
  return `0x${bytesToHex(bytes.subarray(0, 32))}${flipped}${v}`
}

/**
 * A real viem custom account (`toAccount`) claiming `address` but delegating every operation to `inner`, with its
 * raw `sign` replaced by `sign`.
 */
export function customAccount(
  inner: LocalAccount,
  address: `0x${string}`,
  sign: ((parameters: { hash: `0x${string}` }) => Promise<`0x${string}`>) | undefined,
): LocalAccount {
  return toAccount({
    address,
    sign,
    signMessage: (args) => inner.signMessage(args),
    signTransaction: (tx) => inner.signTransaction(tx),
    signTypedData: (args) => inner.signTypedData(args),
  })
}
