import { sha256 } from '@fabstir/crypto'

/**
 * Run `fn` with `crypto.getRandomValues` replaced by a deterministic stream (SHA-256 in counter mode over `seed`), so
 * that keys, nonces and ids drawn while building fuzz fixtures are the same on every run: a fast-check seed then
 * reproduces the exact same inputs. Never use outside test fixtures. The original is restored afterwards.
 */
export async function withDeterministicRandom<T>(seed: string, fn: () => Promise<T>): Promise<T> {
  const cryptoObj = globalThis.crypto
  const own = Object.getOwnPropertyDescriptor(cryptoObj, 'getRandomValues')
  let counter = 0
  let block: Uint8Array = new Uint8Array(0)
  let used = 0
  const next = (): number => {
    if (used >= block.length) {
      block = sha256(`${seed}:${counter++}`)
      used = 0
    }
    return block[used++]!
  }
  const fake = <A extends ArrayBufferView | null>(array: A): A => {
    if (array) {
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
      for (let i = 0; i < bytes.length; i++) bytes[i] = next()
    }
    return array
  }
  Object.defineProperty(cryptoObj, 'getRandomValues', { value: fake, configurable: true, writable: true })
  try {
    return await fn()
  } finally {
    if (own) Object.defineProperty(cryptoObj, 'getRandomValues', own)
    else delete (cryptoObj as { getRandomValues?: unknown }).getRandomValues
  }
}
