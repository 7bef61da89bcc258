import { sha256 } from '@fabstir/crypto'

/** One call of `crypto.getRandomValues` made while the deterministic source was installed. */
export interface RandomDraw {
  /** Bytes handed out, in order. */
  bytes: Uint8Array
}

/**
 * Runs `fn` with `globalThis.crypto.getRandomValues` replaced by a seeded SHA-256 counter stream
 * (`block_i = sha256(seed ‖ u32be(i))`), so every key, nonce and id the SDK and the simulator draw is reproducible.
 * Only for generating published vectors: never used by library code. Every draw is recorded.
 */
export async function withDeterministicRandom<T>(
  seed: string,
  fn: () => Promise<T>,
): Promise<{ result: T; draws: RandomDraw[] }> {
  const cryptoObj = globalThis.crypto
  const original = cryptoObj.getRandomValues
  const draws: RandomDraw[] = []
  const seedBytes = new TextEncoder().encode(seed)
  let counter = 0
  let pool: Uint8Array = new Uint8Array(0)
  const next = (n: number): Uint8Array => {
    const out = new Uint8Array(n)
    let filled = 0
    while (filled < n) {
      if (pool.length === 0) {
        const block = new Uint8Array(seedBytes.length + 4)
        block.set(seedBytes)
        new DataView(block.buffer).setUint32(seedBytes.length, counter++)
        pool = sha256(block)
      }
      const take = Math.min(pool.length, n - filled)
      out.set(pool.subarray(0, take), filled)
      pool = pool.subarray(take)
      filled += take
    }
    return out
  }
  const fake = <A extends ArrayBufferView | null>(array: A): A => {
    if (array === null) return array
    const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
    const bytes = next(view.length)
    view.set(bytes)
    draws.push({ bytes })
    return array
  }
  Object.defineProperty(cryptoObj, 'getRandomValues', { value: fake, configurable: true, writable: true })
  try {
    const result = await fn()
    return { result, draws }
  } finally {
    Object.defineProperty(cryptoObj, 'getRandomValues', {
      value: original,
      configurable: true,
      writable: true,
    })
  }
}

/** A deterministic 32-byte secp256k1 secret for a named role (`sha256("fabstir-conformance/" + label)`). */
export function labelledKey(label: string): Uint8Array {
  return sha256(new TextEncoder().encode(`fabstir-conformance/${label}`))
}
