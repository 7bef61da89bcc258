import { bytesToHex, keccak256 } from '@fabstir/crypto'

/**
 * EIP-55 mixed-case checksum form of a 20-byte hex address (input in any case, with `0x`).
 * @internal
 */
export function toChecksumAddress(address: string): `0x${string}` {
  const lower = address.slice(2).toLowerCase()
  const hash = bytesToHex(keccak256(lower))
  let out = '0x'
  for (let i = 0; i < lower.length; i++) {
    const char = lower[i]!
    out += Number.parseInt(hash[i]!, 16) >= 8 ? char.toUpperCase() : char
  }
  return out as `0x${string}`
}
