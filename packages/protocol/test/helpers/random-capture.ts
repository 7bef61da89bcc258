import { vi } from 'vitest'

/** A 32-byte buffer drawn from `crypto.getRandomValues`: the live buffer and a copy taken right after the draw. */
export interface Draw {
  live: Uint8Array
  copy: Uint8Array
}

/**
 * Run `fn` while spying on `globalThis.crypto.getRandomValues` (calling through) and collect every 32-byte buffer
 * drawn — the ephemeral private key and the session key of an `init()` are among them. The live buffers are kept so
 * that the test can check later that the SDK zeroed them in place. `fn` may reject: the draws are still returned.
 */
export async function capture32<T>(
  fn: () => Promise<T>,
): Promise<{ settled: PromiseSettledResult<T>; draws: Draw[] }> {
  const draws: Draw[] = []
  const cryptoObj = globalThis.crypto
  const original = cryptoObj.getRandomValues.bind(cryptoObj)
  const spy = vi
    .spyOn(cryptoObj, 'getRandomValues')
    .mockImplementation(<A extends ArrayBufferView | null>(array: A): A => {
      const out = original(array as never) as A
      if (array instanceof Uint8Array && array.byteLength === 32)
        draws.push({ live: array, copy: array.slice() })
      return out
    })
  try {
    let settled: PromiseSettledResult<T>
    try {
      settled = { status: 'fulfilled', value: await fn() }
    } catch (reason) {
      settled = { status: 'rejected', reason }
    }
    if (spy.mock.calls.length === 0)
      throw new Error('the getRandomValues spy saw no call: the capture is not working')
    return { settled, draws }
  } finally {
    spy.mockRestore()
  }
}

/** True when every byte is zero. */
export function isZeroed(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0)
}
