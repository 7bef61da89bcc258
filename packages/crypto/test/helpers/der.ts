/**
 * A deliberately small and strict DER reader for the Wycheproof inputs: SubjectPublicKeyInfo of secp256k1 keys and
 * ECDSA signatures. Strict means: definite minimal lengths, single-byte tags, minimal non-negative INTEGERs, no
 * trailing bytes at any level. Anything else throws a {@link DerError}.
 */

/** Why a DER input was rejected. */
export type DerErrorCode = 'MALFORMED_DER' | 'UNSUPPORTED_ALGORITHM' | 'WRONG_CURVE'

/** Rejection of a DER input by the test helpers. */
export class DerError extends Error {
  override readonly name = 'DerError'
  readonly code: DerErrorCode

  constructor(code: DerErrorCode, message: string) {
    super(message)
    this.code = code
  }
}

const TAG_INTEGER = 0x02
const TAG_BIT_STRING = 0x03
const TAG_OID = 0x06
const TAG_SEQUENCE = 0x30

/** id-ecPublicKey, 1.2.840.10045.2.1 (content bytes of the OID). */
const OID_EC_PUBLIC_KEY = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01)
/** secp256k1, 1.3.132.0.10 (content bytes of the OID). */
const OID_SECP256K1 = Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x0a)

interface Tlv {
  tag: number
  value: Uint8Array
  /** Offset just after this element in the buffer it was read from. */
  end: number
}

function readTlv(buf: Uint8Array, offset: number): Tlv {
  if (offset + 2 > buf.length) throw new DerError('MALFORMED_DER', 'truncated element header')
  const tag = buf[offset]!
  if ((tag & 0x1f) === 0x1f) throw new DerError('MALFORMED_DER', 'high tag numbers are not used here')
  const first = buf[offset + 1]!
  let pos = offset + 2
  let length: number
  if (first < 0x80) {
    length = first
  } else if (first === 0x80) {
    throw new DerError('MALFORMED_DER', 'indefinite length is not DER')
  } else {
    const count = first & 0x7f
    if (count > 4) throw new DerError('MALFORMED_DER', 'length field too long')
    if (pos + count > buf.length) throw new DerError('MALFORMED_DER', 'truncated length field')
    if (buf[pos] === 0) throw new DerError('MALFORMED_DER', 'length has a leading zero byte')
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos + i]!
    if (length < 0x80) throw new DerError('MALFORMED_DER', 'long-form length for a short value')
    pos += count
  }
  if (pos + length > buf.length)
    throw new DerError('MALFORMED_DER', 'element runs past the end of its container')
  return { tag, value: buf.subarray(pos, pos + length), end: pos + length }
}

/** The one element that fills `buf` exactly, with the expected tag. */
function readOnly(buf: Uint8Array, tag: number, what: string): Uint8Array {
  const tlv = readTlv(buf, 0)
  if (tlv.tag !== tag)
    throw new DerError('MALFORMED_DER', `${what}: unexpected tag 0x${tlv.tag.toString(16)}`)
  if (tlv.end !== buf.length) throw new DerError('MALFORMED_DER', `${what}: trailing bytes`)
  return tlv.value
}

/** The elements of a SEQUENCE's content, which must be exactly `tags` in order. */
function readSequence(content: Uint8Array, tags: number[], what: string): Uint8Array[] {
  const out: Uint8Array[] = []
  let offset = 0
  for (const tag of tags) {
    if (offset >= content.length) throw new DerError('MALFORMED_DER', `${what}: missing element`)
    const tlv = readTlv(content, offset)
    if (tlv.tag !== tag)
      throw new DerError('MALFORMED_DER', `${what}: unexpected tag 0x${tlv.tag.toString(16)}`)
    out.push(tlv.value)
    offset = tlv.end
  }
  if (offset !== content.length) throw new DerError('MALFORMED_DER', `${what}: unexpected extra elements`)
  return out
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/**
 * Parse `SEQUENCE { SEQUENCE { OID id-ecPublicKey, OID secp256k1 }, BIT STRING }` and return the SEC1 point bytes
 * inside the BIT STRING (not checked: deciding whether it is a curve point is the job of the code under test).
 * Explicit curve parameters are rejected as `UNSUPPORTED_ALGORITHM`, another named curve as `WRONG_CURVE`.
 */
export function parseSecp256k1Spki(der: Uint8Array): Uint8Array {
  const [algorithm, bitString] = readSequence(
    readOnly(der, TAG_SEQUENCE, 'SubjectPublicKeyInfo'),
    [TAG_SEQUENCE, TAG_BIT_STRING],
    'SubjectPublicKeyInfo',
  ) as [Uint8Array, Uint8Array]
  const first = readTlv(algorithm, 0)
  if (first.tag !== TAG_OID || !sameBytes(first.value, OID_EC_PUBLIC_KEY)) {
    throw new DerError('UNSUPPORTED_ALGORITHM', 'algorithm is not id-ecPublicKey')
  }
  if (first.end >= algorithm.length)
    throw new DerError('MALFORMED_DER', 'AlgorithmIdentifier: missing parameters')
  const params = readTlv(algorithm, first.end)
  if (params.end !== algorithm.length)
    throw new DerError('MALFORMED_DER', 'AlgorithmIdentifier: trailing bytes')
  if (params.tag !== TAG_OID) throw new DerError('UNSUPPORTED_ALGORITHM', 'only named curves are supported')
  if (!sameBytes(params.value, OID_SECP256K1))
    throw new DerError('WRONG_CURVE', 'named curve is not secp256k1')
  if (bitString.length === 0) throw new DerError('MALFORMED_DER', 'BIT STRING without its unused-bits byte')
  if (bitString[0] !== 0) throw new DerError('MALFORMED_DER', 'public key BIT STRING declares unused bits')
  return bitString.subarray(1)
}

function derInteger(content: Uint8Array, what: string): bigint {
  if (content.length === 0) throw new DerError('MALFORMED_DER', `${what}: empty INTEGER`)
  if (content[0]! & 0x80) throw new DerError('MALFORMED_DER', `${what}: negative INTEGER`)
  if (content[0] === 0 && content.length > 1 && !(content[1]! & 0x80)) {
    throw new DerError('MALFORMED_DER', `${what}: INTEGER is not minimally encoded`)
  }
  let value = 0n
  for (const byte of content) value = (value << 8n) | BigInt(byte)
  return value
}

/** Parse a DER ECDSA signature `SEQUENCE { INTEGER r, INTEGER s }` (both non-negative, minimal). */
export function parseDerSignature(der: Uint8Array): { r: bigint; s: bigint } {
  const [r, s] = readSequence(
    readOnly(der, TAG_SEQUENCE, 'signature'),
    [TAG_INTEGER, TAG_INTEGER],
    'signature',
  ) as [Uint8Array, Uint8Array]
  return { r: derInteger(r, 'r'), s: derInteger(s, 's') }
}

/** Big-endian fixed-width encoding; `undefined` when the value does not fit in `width` bytes. */
export function toFixedBytes(value: bigint, width: number): Uint8Array | undefined {
  if (value < 0n || value >= 1n << BigInt(8 * width)) return undefined
  const out = new Uint8Array(width)
  let v = value
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

/** Big-endian unsigned integer of a byte string. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  return value
}

/**
 * Wycheproof private keys are ASN.1-style integers: they may carry a leading 00 byte or be shorter than 32 bytes.
 * Returns the 32-byte big-endian scalar, or throws when the value does not fit.
 */
export function normalizePrivateKey(bytes: Uint8Array): Uint8Array {
  const fixed = toFixedBytes(bytesToBigInt(bytes), 32)
  if (!fixed) throw new Error(`private key does not fit in 32 bytes (${bytes.length} bytes given)`)
  return fixed
}
