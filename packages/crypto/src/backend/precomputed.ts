import { secp256k1 } from '@noble/curves/secp256k1.js'
import { equalBytes } from '../bytes.js'

type Point = ReturnType<typeof secp256k1.Point.fromBytes>

/** Window of the precomputed tables: ≈ 13 ms to build once, then a multiplication costs about a base-point one. */
const WINDOW = 6
/** Public keys remembered (a client usually talks to one node, sometimes to a few). */
const ENTRIES = 2

interface Entry {
  /** 65-byte uncompressed SEC1 point. */
  bytes: Uint8Array
  point: Point
  uses: number
}

/**
 * A small cache of reused public keys (one per backend). `hot(publicKey)` returns the point with a precomputed
 * multiplication table when `publicKey` (65-byte uncompressed, already validated) is being reused — every session
 * init multiplies a fresh ephemeral key by the same node key. The table is built on the second use, so one-off keys
 * never pay for it; until then `hot` returns `undefined`. Public keys only: nothing secret is cached.
 */
export function createPointCache(): { hot(publicKey: Uint8Array): Point | undefined } {
  const entries: Entry[] = [] // most recently used first
  return {
    hot(publicKey: Uint8Array): Point | undefined {
      const index = entries.findIndex((e) => equalBytes(e.bytes, publicKey))
      if (index === -1) {
        entries.unshift({ bytes: publicKey.slice(), point: secp256k1.Point.fromBytes(publicKey), uses: 1 })
        entries.length = Math.min(entries.length, ENTRIES)
        return undefined
      }
      const entry = entries[index]!
      if (index > 0) {
        entries.splice(index, 1)
        entries.unshift(entry)
      }
      entry.uses++
      if (entry.uses === 2) entry.point.precompute(WINDOW, false)
      return entry.point
    },
  }
}

/**
 * The 32-byte x-coordinate of `privateKey × point` with noble's constant-time windowed multiplication (which uses
 * the point's precomputed table). `privateKey` is a validated scalar.
 */
export function multiplyX(point: Point, privateKey: Uint8Array): Uint8Array {
  const shared = point.multiply(secp256k1.Point.Fn.fromBytes(privateKey)).toBytes(true)
  const x = shared.slice(1)
  shared.fill(0)
  return x
}
