/**
 * `@fabstir/signer-viem` — adapt viem local accounts to the Fabstir `DigestSigner` interface: raw secp256k1
 * signatures over a 32-byte digest (no EIP-191 prefix), verified before they are returned.
 * @packageDocumentation
 */

export type { DigestSigner } from '@fabstir/protocol'
export { isSignerError, SignerError, type SignerErrorCode, type SignerErrorContext } from './errors.js'
export { fromViemAccount, type ViemAccountLike } from './from-viem-account.js'
export { privateKeyToDigestSigner } from './private-key.js'
