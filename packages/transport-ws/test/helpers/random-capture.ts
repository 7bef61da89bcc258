import { bytesToHex, getPublicKey, hexToBytes, open } from '@fabstir/crypto'
import { vi } from 'vitest'
import type { TapFrame } from './tap.js'

/** A 32-byte buffer drawn from `crypto.getRandomValues`: the live buffer and a copy taken right after the draw. */
export interface Draw {
  live: Uint8Array
  copy: Uint8Array
}

/**
 * Spy on `globalThis.crypto.getRandomValues` (calling through) and keep every 32-byte buffer drawn — the ephemeral
 * private keys and the session keys the client generates are among them. The live buffers are kept so that a test
 * can check later that the SDK zeroed them in place. Call `stop()` to restore the original.
 */
export function captureRandom32(): { draws: Draw[]; stop: () => void } {
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
  return { draws, stop: () => spy.mockRestore() }
}

/** True when every byte is zero. */
export function isZeroed(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0)
}

interface Sealed {
  ciphertextHex: string
  nonceHex: string
  index?: number
}

/** The draws that are session keys: they open an `encrypted_chunk` the node sent (AAD `chunk_<index>`). */
export function sessionKeyDraws(draws: Draw[], frames: TapFrame[]): Draw[] {
  const chunks = frames
    .filter((f) => f.direction === 'out' && f.json?.type === 'encrypted_chunk')
    .map((f) => f.json?.payload as Sealed)
  return draws.filter((d) =>
    chunks.some((c) => {
      try {
        open(d.copy, hexToBytes(c.nonceHex), hexToBytes(c.ciphertextHex), `chunk_${c.index}`)
        return true
      } catch {
        return false
      }
    }),
  )
}

/** The draws that are ephemeral init keys: their public key is an `ephPubHex` of an init the node received. */
export function ephemeralKeyDraws(draws: Draw[], frames: TapFrame[]): Draw[] {
  const ephPubs = new Set(
    frames
      .filter((f) => f.direction === 'in' && f.json?.type === 'encrypted_session_init')
      .map((f) => String((f.json?.payload as { ephPubHex?: string } | undefined)?.ephPubHex).toLowerCase()),
  )
  return draws.filter((d) => {
    try {
      return ephPubs.has(bytesToHex(getPublicKey(d.copy, true)))
    } catch {
      return false
    }
  })
}
