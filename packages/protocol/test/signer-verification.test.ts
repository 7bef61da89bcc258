import { randomBytes, signDigest } from '@fabstir/crypto'
import { describe, expect, it } from 'vitest'
import { assertRecoversTo, checkWalletSignature, type FabstirError, type SignerError } from '../src/index.js'
import { createTestSigner } from './helpers/signers.js'

const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

function withS(sig: Uint8Array, s: bigint, v = sig[64]!): Uint8Array {
  const out = sig.slice()
  out.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex'), 32)
  out[64] = v
  return out
}

function sOf(sig: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(sig.subarray(32, 64)).toString('hex')}`)
}

/** What each of the two callers of the one check says about a signature: accepted, or the code and message. */
function verdicts(digest: Uint8Array, signature: Uint8Array, address: `0x${string}`) {
  const signer = { address, signDigest: async () => signature }
  let session: string
  try {
    checkWalletSignature(digest, signature, signer)
    session = 'accepted'
  } catch (e) {
    session = `${(e as FabstirError).code}: ${(e as FabstirError).message}`
  }
  let adapter: string
  try {
    assertRecoversTo(digest, signature, address)
    adapter = 'accepted'
  } catch (e) {
    adapter = `${(e as SignerError).code}: ${(e as SignerError).message}`
  }
  return { session, adapter }
}

describe('signer verification is one check (session init and wallet adapters)', () => {
  const wallet = createTestSigner()
  const other = createTestSigner()
  const digest = randomBytes(32)
  const good = signDigest(wallet.privateKey, digest)
  const reason = (text: string) => text.slice(text.indexOf(': ') + 2)

  it('both accept a good signature, with v 0/1 or 27/28', () => {
    expect(verdicts(digest, good, wallet.address)).toEqual({ session: 'accepted', adapter: 'accepted' })
    const v27 = good.slice()
    v27[64] = v27[64]! + 27
    expect(verdicts(digest, v27, `0x${wallet.address.slice(2).toUpperCase()}`)).toEqual({
      session: 'accepted',
      adapter: 'accepted',
    })
    expect(checkWalletSignature(digest, v27, wallet)).toEqual(good)
  })

  it('both refuse a malformed signature for the same reason', () => {
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['high S', withS(good, ORDER - sOf(good), good[64]! ^ 1), /high S/],
      ['s = 0', withS(good, 0n), /out of range/],
      ['s ≥ n', withS(good, ORDER), /out of range/],
      ['v = 2', withS(good, sOf(good), 2), /v must be 0, 1, 27 or 28; got 2/],
    ]
    for (const [name, signature, why] of cases) {
      const { session, adapter } = verdicts(digest, signature, wallet.address)
      expect(session, name).toMatch(/^UNSUPPORTED_SIGNER: /)
      expect(adapter, name).toMatch(/^INVALID_SIGNATURE: /)
      expect(reason(adapter), name).toMatch(why)
      expect(session, name).toContain(reason(adapter))
    }
  })

  it('both refuse a signature by another key, also once the address is known (the cached fast path)', () => {
    for (let round = 0; round < 2; round++) {
      expect(verdicts(digest, good, wallet.address)).toEqual({ session: 'accepted', adapter: 'accepted' })
      const foreign = signDigest(other.privateKey, digest)
      const { session, adapter } = verdicts(digest, foreign, wallet.address)
      expect(session).toMatch(/^CLIENT_ADDRESS_MISMATCH: /)
      expect(adapter).toMatch(/^SIGNER_MISMATCH: /)
      expect(session).toContain(other.address)
      expect(adapter).toContain(other.address)
    }
  })
})
