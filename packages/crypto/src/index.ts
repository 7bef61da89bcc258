/**
 * `@fabstir/crypto` — the primitives of the Fabstir E2E encryption protocol. Bytes in, bytes out; no I/O.
 * Every size and format is checked at the edge and failures throw {@link CryptoError} with a stable `code`.
 * @packageDocumentation
 */
export { KEY_SIZE, NONCE_SIZE, open, type Sealed, seal, sealWithNonce, TAG_SIZE } from './aead.js'
export { getCryptoBackend, setCryptoBackend } from './backend/active.js'
export { nobleBackend } from './backend/noble.js'
export type { CryptoBackend, CryptoBackendName } from './backend/types.js'
export { bytesToHex, bytesToUtf8, equalBytes, hexToBytes, utf8ToBytes, zeroize } from './bytes.js'
export {
  assertPrivateKey,
  deriveInitKey,
  ecdhSharedX,
  generateEphemeralKey,
  hkdfSha256,
  type KeyPair,
  parsePublicKey,
} from './ecdh.js'
export { CryptoError, type CryptoErrorCode, isCryptoError } from './errors.js'
export { randomBytes } from './random.js'
export {
  type Address,
  checkRecoverableSignature,
  getPublicKey,
  keccak256,
  publicKeyToAddress,
  recoverAddress,
  recoverPublicKey,
  sha256,
  signDigest,
  verifyDigest,
} from './signature.js'
export { recoversToPublicKey } from './signer-check.js'
