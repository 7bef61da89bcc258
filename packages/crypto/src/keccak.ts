// Keccak-256 as Ethereum uses it (original Keccak padding 0x01, not SHA3's 0x06): the Keccak-f[1600] permutation
// is @noble/hashes' `keccakP`; this file is only the sponge around it (rate 136 bytes, 32-byte output), so that a
// bundle does not carry noble's general SHA-3/SHAKE hasher class. Proven equal to noble's `keccak_256` by
// test/keccak.test.ts (every length across several blocks, and the published vectors).
import { keccakP } from '@noble/hashes/sha3.js'
import { swap32IfBE } from '@noble/hashes/utils.js'

/** Bytes absorbed per permutation: 1600 bits − 2 × 256 bits of capacity. */
const RATE = 136

function permute(state: Uint32Array): void {
  swap32IfBE(state)
  keccakP(state)
  swap32IfBE(state)
}

/** Keccak-256 of `data` (32 bytes). */
export function keccak256Bytes(data: Uint8Array): Uint8Array {
  const state = new Uint32Array(50)
  const bytes = new Uint8Array(state.buffer)
  let pos = 0
  for (let i = 0; i < data.length; i++) {
    bytes[pos++]! ^= data[i]!
    if (pos === RATE) {
      permute(state)
      pos = 0
    }
  }
  bytes[pos]! ^= 0x01
  bytes[RATE - 1]! ^= 0x80
  permute(state)
  const out = bytes.slice(0, 32)
  state.fill(0)
  return out
}
