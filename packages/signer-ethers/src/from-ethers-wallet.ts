import { publicKeyToAddress } from '@fabstir/crypto'
import type { DigestSigner } from '@fabstir/protocol'
import { assertRecoversTo, copyDigest, RAW_DIGEST_REQUIREMENT } from '@fabstir/protocol'
import type { Signer, SigningKey } from 'ethers'
import { toChecksumAddress } from './checksum-address.js'
import { SignerError } from './errors.js'
import { ethersSignatureToBytes } from './signature-object.js'

/** The parts of an ethers v6 `SigningKey` this adapter uses. */
interface SigningKeyLike {
  readonly publicKey: string
  sign(digest: Uint8Array): unknown
}

function isSigningKeyLike(value: unknown): value is SigningKeyLike {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Record<string, unknown>
  return typeof candidate.sign === 'function' && typeof candidate.publicKey === 'string'
}

function signerTypeName(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === 'string' && name !== '' ? name : 'object'
}

function keyAddress(key: SigningKeyLike): `0x${string}` {
  try {
    return toChecksumAddress(publicKeyToAddress(key.publicKey))
  } catch (cause) {
    throw new SignerError('INVALID_SIGNER', 'the signing key has no valid secp256k1 public key', { cause })
  }
}

/**
 * Adapt an ethers v6 `Wallet` / `HDNodeWallet` (anything with a `signingKey`) or a bare `SigningKey` to the
 * protocol's {@link DigestSigner}, signing raw 32-byte digests with `signingKey.sign(digest)`.
 *
 * Every signature is checked before it is returned: 65 bytes `r ‖ s ‖ v`, v normalised from 27/28 to 0/1, low-S,
 * and it must recover to the wallet's address (`SIGNER_MISMATCH` otherwise).
 *
 * @throws {@link SignerError} `UNSUPPORTED_SIGNER` for signers without a signing key — `JsonRpcSigner` (including
 *   `BrowserProvider.getSigner()`), `VoidSigner`, `HDNodeVoidWallet`, `NonceManager` and other `AbstractSigner`s —
 *   because they can only produce EIP-191 `personal_sign` signatures, which the node would attribute to a different
 *   address. `INVALID_SIGNER` for values that are not signers; `SIGNER_MISMATCH` when a wallet's `address` does
 *   not belong to its signing key.
 */
export function fromEthersWallet(walletOrSigningKey: Signer | SigningKey): DigestSigner {
  const input: unknown = walletOrSigningKey
  if (typeof input !== 'object' || input === null) {
    throw new SignerError('INVALID_SIGNER', 'expected an ethers Wallet or SigningKey', {
      context: { type: input === null ? 'null' : typeof input },
    })
  }
  const signingKey = (input as { signingKey?: unknown }).signingKey
  const key = isSigningKeyLike(signingKey) ? signingKey : isSigningKeyLike(input) ? input : undefined
  const claimed = (input as { address?: unknown }).address
  if (key === undefined) {
    const signerType = signerTypeName(input)
    const context: Record<string, string> = { signerType }
    if (typeof claimed === 'string') context.address = claimed
    throw new SignerError(
      'UNSUPPORTED_SIGNER',
      `ethers ${signerType} cannot be used: it has no signingKey for raw digest signatures and can only ` +
        `personal_sign. ${RAW_DIGEST_REQUIREMENT}`,
      { context },
    )
  }
  const address = keyAddress(key)
  if (typeof claimed === 'string' && claimed.toLowerCase() !== address.toLowerCase()) {
    throw new SignerError(
      'SIGNER_MISMATCH',
      `the wallet claims address ${claimed} but its signing key is ${address}`,
      {
        context: { expected: claimed, recovered: address.toLowerCase() },
      },
    )
  }

  return Object.freeze({
    address,
    async signDigest(digest: Uint8Array): Promise<Uint8Array> {
      const hash = copyDigest(digest)
      let returned: unknown
      try {
        returned = await key.sign(hash.slice())
      } catch (cause) {
        throw new SignerError('SIGNING_FAILED', `the signing key of ${address} failed to sign the digest`, {
          cause,
          context: { address },
        })
      }
      const signature = ethersSignatureToBytes(returned)
      assertRecoversTo(hash, signature, address)
      return signature
    },
  })
}
