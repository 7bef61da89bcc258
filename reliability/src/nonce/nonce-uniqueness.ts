import { randomBytes, seal } from '@fabstir/crypto'

/** Result of a nonce uniqueness run. */
export interface NonceReport {
  /** Nonces produced. */
  seals: number
  /** Nonces that were not exactly 24 bytes. */
  wrongLength: number
  /** Nonces equal to an earlier one. */
  duplicates: number
  /** Bytes used to store the nonces and their sort keys. */
  memoryBytes: number
  /** Wall time in milliseconds. */
  ms: number
}

/** Produces one nonce; the default seals a small message with `@fabstir/crypto`'s `seal` and returns its nonce. */
export type NonceSource = (i: number) => Uint8Array

/** `seal()` under one fixed random key: the SDK's only nonce source for every frame it encrypts. */
export function sealNonceSource(): NonceSource {
  const key = randomBytes(32)
  const plaintext = new Uint8Array(16)
  return (i) => {
    plaintext[0] = i & 0xff
    return seal(key, plaintext, 'message_0').nonce
  }
}

/**
 * Draw `count` nonces and count repeats with bounded memory: nonces are stored back to back in one buffer
 * (24 bytes each) and their first 8 bytes as a `BigUint64Array` that is sorted numerically; only nonces whose 64-bit
 * prefix collides are compared in full. 1,000,000 nonces take 32 MB.
 */
export function checkNonceUniqueness(count: number, source: NonceSource = sealNonceSource()): NonceReport {
  const started = performance.now()
  const store = Buffer.alloc(count * 24)
  const prefixes = new BigUint64Array(count)
  let wrongLength = 0
  for (let i = 0; i < count; i++) {
    const nonce = source(i)
    if (nonce.length !== 24) {
      wrongLength++
      continue
    }
    store.set(nonce, i * 24)
    prefixes[i] = store.readBigUInt64BE(i * 24)
  }
  const sorted = prefixes.slice().sort()
  const colliding = new Set<bigint>()
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) colliding.add(sorted[i]!)
  let duplicates = 0
  if (colliding.size > 0) {
    const seen = new Set<string>()
    for (let i = 0; i < count; i++) {
      if (!colliding.has(prefixes[i]!)) continue
      const full = store.toString('hex', i * 24, i * 24 + 24)
      if (seen.has(full)) duplicates++
      else seen.add(full)
    }
  }
  return {
    seals: count,
    wrongLength,
    duplicates,
    memoryBytes: store.length + prefixes.byteLength * 2,
    ms: Math.round(performance.now() - started),
  }
}
