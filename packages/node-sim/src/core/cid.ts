/**
 * S5-style content identifiers as the node sees them: capability CIDs of encrypted blobs (node
 * src/ltx/input_image.rs: `u` + base64url of `0xae 0xa6 0x12 0x1f ‖ blake3(ciphertext) ‖ key ‖ padding u32 LE ‖
 * 0x26 0x1f ‖ blake3(plaintext) ‖ size LE, trailing zero bytes trimmed`) and plain blob CIDs for fake outputs.
 * @module
 */
import { blake3 } from '@noble/hashes/blake3.js'

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const B64URL_INDEX = new Map([...B64URL].map((c, i) => [c, i]))

/** base64url without padding. */
export function base64UrlEncode(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6))
    for (let k = 0; k < chars; k++) out += B64URL[(n >>> (18 - 6 * k)) & 63]
  }
  return out
}

/** Decode unpadded base64url; `undefined` for any other input. */
export function base64UrlDecode(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined
  const out = new Uint8Array(Math.floor((text.length * 6) / 8))
  let acc = 0
  let bits = 0
  let o = 0
  for (const c of text) {
    const v = B64URL_INDEX.get(c)
    if (v === undefined) return undefined
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (acc >>> bits) & 0xff
    }
  }
  return out
}

const CAP_MAGIC = [0xae, 0xa6, 0x12, 0x1f] as const
const BLOB_MAGIC = [0x26, 0x1f] as const
/** Bytes before the size field of a capability envelope. */
const CAP_FIXED = 4 + 32 + 32 + 4 + 2 + 32

function sizeBytes(size: bigint): Uint8Array {
  const out: number[] = []
  let n = size
  do {
    out.push(Number(n & 0xffn))
    n >>= 8n
  } while (n > 0n)
  return new Uint8Array(out)
}

function readSize(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!)
  return n
}

/** What a capability CID says about its blob. */
export interface CapabilityCid {
  /** blake3 of the encrypted blob (32 bytes). */
  ciphertextHash: Uint8Array
  /** The blob's encryption key (32 bytes). */
  key: Uint8Array
  /** Padding length (u32). */
  padding: number
  /** blake3 of the plaintext (32 bytes). */
  plaintextHash: Uint8Array
  /** Plaintext size in bytes: what the node checks `imageMaxBytes`/`videoMaxBytes` against. */
  size: bigint
}

/** Build a capability CID (`u…`). */
export function encodeCapabilityCid(c: CapabilityCid): string {
  const env = new Uint8Array(CAP_FIXED + 8)
  env.set(CAP_MAGIC, 0)
  env.set(c.ciphertextHash, 4)
  env.set(c.key, 36)
  new DataView(env.buffer).setUint32(68, c.padding, true)
  env.set(BLOB_MAGIC, 72)
  env.set(c.plaintextHash, 74)
  const size = sizeBytes(c.size)
  env.set(size, CAP_FIXED)
  return `u${base64UrlEncode(env.subarray(0, CAP_FIXED + size.length))}`
}

/** Returned by {@link decodeCapabilityCid} for text that is not a capability CID. */
export interface CapabilityCidError {
  /** Why the text is not a capability CID. */
  error: string
}

/** Parse a capability CID; returns a reason text instead when it is not one. */
export function decodeCapabilityCid(cid: string): CapabilityCid | CapabilityCidError {
  if (!cid.startsWith('u')) return { error: 'expected a base64url CID starting with "u"' }
  const env = base64UrlDecode(cid.slice(1))
  if (!env) return { error: 'invalid base64url' }
  if (env.length < CAP_FIXED + 1 || env.length > CAP_FIXED + 8) {
    return { error: `unexpected envelope length ${env.length}` }
  }
  if (CAP_MAGIC.some((b, i) => env[i] !== b)) return { error: 'not an encrypted-blob capability' }
  if (env[72] !== BLOB_MAGIC[0] || env[73] !== BLOB_MAGIC[1]) return { error: 'bad plaintext hash prefix' }
  return {
    ciphertextHash: env.slice(4, 36),
    key: env.slice(36, 68),
    padding: new DataView(env.buffer, env.byteOffset).getUint32(68, true),
    plaintextHash: env.slice(74, 106),
    size: readSize(env.subarray(CAP_FIXED)),
  }
}

/**
 * A deterministic capability CID for a fake blob: hashes and key are derived from `label`, the size field is
 * `size`. Tests use it to make LTX input CIDs of a chosen size; the simulator uses it for output files.
 */
export function fakeCapabilityCid(label: string, size: number | bigint): string {
  const te = new TextEncoder()
  return encodeCapabilityCid({
    ciphertextHash: blake3(te.encode(`ciphertext:${label}`)),
    key: blake3(te.encode(`key:${label}`)),
    padding: 0,
    plaintextHash: blake3(te.encode(`plaintext:${label}`)),
    size: BigInt(size),
  })
}

/** A plain S5 blob CID (`u` + base64url of `0x26 0x1f ‖ blake3(content) ‖ size`) for fake outputs. */
export function blobCid(content: Uint8Array): string {
  const size = sizeBytes(BigInt(content.length))
  const env = new Uint8Array(2 + 32 + size.length)
  env.set(BLOB_MAGIC, 0)
  env.set(blake3(content), 2)
  env.set(size, 34)
  return `u${base64UrlEncode(env)}`
}
