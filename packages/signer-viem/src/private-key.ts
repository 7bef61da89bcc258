import { assertPrivateKey, bytesToHex, hexToBytes, zeroize } from '@fabstir/crypto'
import type { DigestSigner } from '@fabstir/protocol'
import { privateKeyToAccount } from 'viem/accounts'
import { SignerError } from './errors.js'
import { fromViemAccount } from './from-viem-account.js'

/**
 * Create a {@link DigestSigner} from a raw secp256k1 private key via viem's `privateKeyToAccount` — handy for a
 * dedicated session key, demos and tests.
 *
 * @param privateKey 32 bytes, as hex (optional lowercase `0x` prefix) or a `Uint8Array` (not modified).
 * @throws {@link SignerError} `INVALID_PRIVATE_KEY` when the key is not 32 bytes of hex or not in 1 … n−1. The
 *   error never contains the key.
 */
export function privateKeyToDigestSigner(privateKey: string | Uint8Array): DigestSigner {
  let bytes: Uint8Array | undefined
  try {
    bytes = typeof privateKey === 'string' ? hexToBytes(privateKey) : privateKey.slice()
    assertPrivateKey(bytes)
  } catch (cause) {
    zeroize(bytes)
    throw new SignerError(
      'INVALID_PRIVATE_KEY',
      'the private key must be 32 bytes (hex with an optional 0x prefix, or a Uint8Array) in the secp256k1 range',
      { cause },
    )
  }
  const hex = `0x${bytesToHex(bytes)}` as const
  zeroize(bytes)
  return fromViemAccount(privateKeyToAccount(hex))
}
