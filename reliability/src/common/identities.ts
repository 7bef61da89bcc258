import { assertPrivateKey, bytesToHex, getPublicKey, publicKeyToAddress, sha256 } from '@fabstir/crypto'
import type { DigestSigner } from '@fabstir/protocol'
import { privateKeyToDigestSigner } from '@fabstir/signer-viem'

/** A deterministic test identity: a secp256k1 key derived from a label, its public key and address. */
export interface TestIdentity {
  /** 32-byte private key as lowercase hex without `0x` (test material only — never a real wallet). */
  readonly privateKeyHex: string
  /** Compressed public key, `0x` + 66 hex digits. */
  readonly publicKey: `0x${string}`
  /** Lowercase Ethereum address. */
  readonly address: `0x${string}`
}

/**
 * A fixed identity derived as `sha256("fabstir-reliability:" + label)`. Fixed keys keep the fault matrix and the
 * fuzz corpus reproducible, and — unlike freshly generated keys — draw nothing from `crypto.getRandomValues`, so a
 * key-capture spy sees only the keys the SDK itself generates.
 */
export function testIdentity(label: string): TestIdentity {
  const key = sha256(`fabstir-reliability:${label}`)
  assertPrivateKey(key)
  const publicKey = `0x${bytesToHex(getPublicKey(key, true))}` as const
  return { privateKeyHex: bytesToHex(key), publicKey, address: publicKeyToAddress(publicKey.slice(2)) }
}

/** The simulated node's static key used throughout the suite. */
export const NODE_IDENTITY: TestIdentity = testIdentity('node')

/** A raw-digest signer (viem local account) for an identity, plus the identity itself. */
export interface TestSigner {
  readonly signer: DigestSigner
  readonly identity: TestIdentity
}

/** A raw-digest signer (viem local account) for the identity of `label`. */
export function testSigner(label: string): TestSigner {
  const identity = testIdentity(label)
  return { signer: privateKeyToDigestSigner(identity.privateKeyHex), identity }
}

/** The session options used by every scenario: a price inside the native-token range. */
export const SESSION_OPTIONS = {
  jobId: '4242',
  modelName: 'tiny-vicuna',
  pricePerToken: 2_272_727_273,
} as const
