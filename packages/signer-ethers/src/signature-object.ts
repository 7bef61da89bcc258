import { hexToBytes } from '@fabstir/crypto'
import { normaliseSignature } from '@fabstir/protocol'
import { SignerError } from './errors.js'

function read(value: object, key: string): unknown {
  return (value as Record<string, unknown>)[key]
}

function component(value: unknown, name: 'r' | 's'): Uint8Array {
  let bytes: Uint8Array | undefined
  if (typeof value === 'string') {
    try {
      bytes = hexToBytes(value)
    } catch {
      bytes = undefined
    }
  }
  if (bytes?.length !== 32) {
    throw new SignerError('INVALID_SIGNATURE', `the signature ${name} is not 32 bytes of hex`)
  }
  return bytes
}

function recoveryBit(yParity: unknown, v: unknown): number {
  const fromParity = yParity === 0 || yParity === 1 ? yParity : undefined
  const fromV = v === 27 || v === 28 ? v - 27 : v === 0 || v === 1 ? v : undefined
  if (fromParity === undefined && fromV === undefined) {
    throw new SignerError('INVALID_SIGNATURE', 'the signature has no usable yParity (0/1) or v (27/28)')
  }
  if (fromParity !== undefined && fromV !== undefined && fromParity !== fromV) {
    throw new SignerError('INVALID_SIGNATURE', 'the signature yParity and v disagree')
  }
  return fromParity ?? (fromV as number)
}

/**
 * Convert what an ethers `SigningKey.sign` returned — a `Signature` (`r`, `s`, `v` 27/28 and/or `yParity` 0/1), or
 * a serialized signature — into the wire form: 65 bytes `r ‖ s ‖ v`, v ∈ {0, 1}, low-S.
 * @internal
 */
export function ethersSignatureToBytes(signature: unknown): Uint8Array {
  if (typeof signature === 'string' || signature instanceof Uint8Array) return normaliseSignature(signature)
  if (typeof signature !== 'object' || signature === null) {
    throw new SignerError('INVALID_SIGNATURE', 'the signing key returned no signature object', {
      context: { type: signature === null ? 'null' : typeof signature },
    })
  }
  let r: unknown
  let s: unknown
  let yParity: unknown
  let v: unknown
  try {
    // ethers' Signature getters throw on non-canonical values (e.g. a high S), so read them defensively.
    r = read(signature, 'r')
    s = read(signature, 's')
    yParity = read(signature, 'yParity')
    v = read(signature, 'v')
  } catch (cause) {
    throw new SignerError(
      'INVALID_SIGNATURE',
      'the signature object could not be read (non-canonical values)',
      {
        cause,
      },
    )
  }
  const bytes = new Uint8Array(65)
  bytes.set(component(r, 'r'), 0)
  bytes.set(component(s, 's'), 32)
  bytes[64] = recoveryBit(yParity, v)
  return normaliseSignature(bytes)
}
