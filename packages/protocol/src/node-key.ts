import { parsePublicKey, publicKeyToAddress } from '@fabstir/crypto'
import { FabstirError } from './errors.js'

/**
 * Check a claimed node public key against the host's Ethereum address (from registry metadata): the node serves no
 * key endpoint, so a key taken from config could be wrong or swapped. Returns the key in compressed form.
 * Throws `INVALID_CONFIG` for malformed input and `NODE_KEY_MISMATCH` when the key is not the host's.
 */
export function verifyNodePublicKey(publicKey: Uint8Array | string, hostAddress: string): Uint8Array {
  if (typeof hostAddress !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(hostAddress)) {
    throw new FabstirError(
      'INVALID_CONFIG',
      'the expected node address must be 0x followed by 40 hex digits',
      {
        details: { field: 'expectedNodeAddress' },
      },
    )
  }
  let compressed: Uint8Array
  try {
    compressed = parsePublicKey(publicKey)
  } catch (cause) {
    throw new FabstirError('INVALID_CONFIG', 'nodePublicKey is not a valid secp256k1 public key', {
      cause,
      details: { field: 'nodePublicKey' },
    })
  }
  const derived = publicKeyToAddress(compressed)
  if (derived !== hostAddress.toLowerCase()) {
    throw new FabstirError(
      'NODE_KEY_MISMATCH',
      `the node public key belongs to ${derived}, not to the expected host ${hostAddress.toLowerCase()}`,
      { details: { expected: hostAddress.toLowerCase(), derived } },
    )
  }
  return compressed
}
