import { bytesToHex } from '@fabstir/crypto'
import type { DigestSigner } from '@fabstir/protocol'
import { assertRecoversTo, copyDigest, normaliseSignature, RAW_DIGEST_REQUIREMENT } from '@fabstir/protocol'
import type { Account } from 'viem'
import { SignerError } from './errors.js'

/**
 * The parts of a viem account this adapter reads. Every viem `Account` (local, json-rpc, smart) has this shape;
 * only local accounts with a `sign({ hash })` method are accepted at runtime.
 */
export interface ViemAccountLike {
  /** The account's address. */
  readonly address: string
  /** viem's account kind: `'local'`, `'json-rpc'` or `'smart'`. */
  readonly type?: string | undefined
  /** Raw digest signing, present on viem local accounts (`privateKeyToAccount`, `mnemonicToAccount`, …). */
  readonly sign?: ((parameters: { hash: `0x${string}` }) => Promise<`0x${string}`>) | undefined
}

const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/

function unsupported(address: string, type: string, why: string): SignerError {
  return new SignerError(
    'UNSUPPORTED_SIGNER',
    `viem account ${address} cannot be used: ${why}. ${RAW_DIGEST_REQUIREMENT}`,
    {
      context: { address, accountType: type },
    },
  )
}

/**
 * Adapt a viem **local** account (`privateKeyToAccount`, `mnemonicToAccount`, `hdKeyToAccount`, or a custom
 * `toAccount({ …, sign })`) to the protocol's {@link DigestSigner}.
 *
 * Every signature is checked before it is returned: 65 bytes, v normalised from 27/28 to 0/1, low-S, and it must
 * recover to the account's address — so a custom account that signs with another key or adds a message prefix
 * fails loudly (`SIGNER_MISMATCH`) instead of opening a session that belongs to someone else.
 *
 * @throws {@link SignerError} `UNSUPPORTED_SIGNER` for json-rpc accounts (browser / injected / remote wallets),
 *   smart accounts and any account without a `sign` method — they can only produce EIP-191 `personal_sign`
 *   signatures, which the node would attribute to a different address. `INVALID_SIGNER` when `account` is not an
 *   account with a valid address.
 */
export function fromViemAccount(account: Account | ViemAccountLike): DigestSigner {
  if (typeof account !== 'object' || account === null) {
    throw new SignerError('INVALID_SIGNER', 'expected a viem account object', {
      context: { type: account === null ? 'null' : typeof account },
    })
  }
  const { address, type } = account as ViemAccountLike
  if (typeof address !== 'string' || !ADDRESS_PATTERN.test(address)) {
    throw new SignerError('INVALID_SIGNER', 'the viem account has no valid 20-byte hex address')
  }
  const accountType = typeof type === 'string' ? type : 'unknown'
  if (type === 'json-rpc') {
    throw unsupported(address, accountType, 'it is a json-rpc account whose wallet can only personal_sign')
  }
  if (type === 'smart') {
    throw unsupported(
      address,
      accountType,
      'smart-account signatures are verified by contract, not by recovery',
    )
  }
  if (type !== undefined && type !== 'local') {
    throw unsupported(address, accountType, `accounts of type '${accountType}' do not sign raw digests`)
  }
  const sign = (account as ViemAccountLike).sign
  if (typeof sign !== 'function') {
    throw unsupported(address, accountType, 'it has no sign({ hash }) method for raw digests')
  }
  const signerAddress = address as `0x${string}`

  return Object.freeze({
    address: signerAddress,
    async signDigest(digest: Uint8Array): Promise<Uint8Array> {
      const hash = copyDigest(digest)
      let returned: unknown
      try {
        returned = await sign.call(account, { hash: `0x${bytesToHex(hash)}` })
      } catch (cause) {
        throw new SignerError('SIGNING_FAILED', `viem account ${signerAddress} failed to sign the digest`, {
          cause,
          context: { address: signerAddress },
        })
      }
      const signature = normaliseSignature(returned)
      assertRecoversTo(hash, signature, signerAddress)
      return signature
    },
  })
}
