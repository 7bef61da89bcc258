import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bytesToNumberBE as toNumber } from '@noble/curves/utils.js'
import { bytesToHex, expectBytes } from './bytes.js'
import { parseUncompressedPublicKey } from './ecdh.js'

type Point = ReturnType<typeof secp256k1.Point.fromBytes>

const { Point: CurvePoint } = secp256k1
const Fn = CurvePoint.Fn
const HALF_ORDER = Fn.ORDER >> 1n
/** Window of a remembered key's table: ≈ 13 ms to build once; then a check costs about a third of a recovery. */
const WINDOW = 6
/** Signer keys remembered (an app usually has one wallet, sometimes a few). */
const ENTRIES = 4

const remembered: { hex: string; point: Point; tabled: boolean }[] = [] // most recently used first

/** The point of a public key, with a precomputed multiplication table once the key is seen a second time. */
function pointOf(publicKey: Uint8Array | string): Point {
  const uncompressed = parseUncompressedPublicKey(publicKey)
  const hex = bytesToHex(uncompressed)
  const index = remembered.findIndex((e) => e.hex === hex)
  if (index === -1) {
    const point = CurvePoint.fromBytes(uncompressed)
    remembered.unshift({ hex, point, tabled: false })
    remembered.length = Math.min(remembered.length, ENTRIES)
    return point
  }
  const entry = remembered[index]!
  if (index > 0) {
    remembered.splice(index, 1)
    remembered.unshift(entry)
  }
  if (!entry.tabled) {
    entry.point.precompute(WINDOW, false)
    entry.tabled = true
  }
  return entry.point
}

/**
 * True exactly when public-key recovery of `signature` (65 bytes r‖s‖v, v ∈ {0, 1, 27, 28}, low-S) over the raw
 * 32-byte `digest` yields `publicKey` — what the node does with the session-init signature — without recovering:
 * R = u1·G + u2·Q is computed with a precomputed table for a key seen before, and both R.x = r and the parity of R.y
 * = v are checked. About a third of the cost of `recoverAddress` once the key is remembered (see the
 * `session-init` bench). All inputs are public; variable-time arithmetic is fine. Never throws on a bad signature.
 */
export function recoversToPublicKey(
  publicKey: Uint8Array | string,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  expectBytes(digest, 32, 'INVALID_DIGEST', 'digest')
  const point = pointOf(publicKey)
  if (!(signature instanceof Uint8Array) || signature.length !== 65) return false
  let v = signature[64]!
  if (v === 27 || v === 28) v -= 27
  if (v !== 0 && v !== 1) return false
  const r = toNumber(signature.subarray(0, 32))
  const s = toNumber(signature.subarray(32, 64))
  if (r === 0n || r >= Fn.ORDER || s === 0n || s > HALF_ORDER) return false
  const z = Fn.create(toNumber(digest))
  const w = Fn.inv(s)
  const u1 = Fn.mul(z, w)
  const u2 = Fn.mul(r, w)
  const sum = CurvePoint.BASE.multiplyUnsafe(u1).add(point.multiplyUnsafe(u2))
  if (sum.equals(CurvePoint.ZERO)) return false
  const { x, y } = sum.toAffine()
  return x === r && Number(y & 1n) === v
}
