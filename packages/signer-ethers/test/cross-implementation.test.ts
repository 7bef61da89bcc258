import { bytesToHex, hexToBytes, recoverAddress, signDigest } from '@fabstir/crypto'
import { privateKeyToDigestSigner } from '@fabstir/signer-viem'
import { SigningKey, Wallet } from 'ethers'
import fc from 'fast-check'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { fromEthersWallet } from '../src/index.js'
import { CURVE_ORDER, HALF_CURVE_ORDER, KEY_A, sValue } from './helpers.js'

describe('viem, ethers and @fabstir/crypto agree (RFC 6979)', () => {
  it('produce byte-identical raw digest signatures that recover to the account address', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: CURVE_ORDER - 1n }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        async (scalar, digest) => {
          const keyHex = `0x${scalar.toString(16).padStart(64, '0')}` as const
          const keyBytes = hexToBytes(keyHex)
          const address = privateKeyToAccount(keyHex).address
          const wallet = new Wallet(keyHex)

          const viaViem = await privateKeyToDigestSigner(keyHex).signDigest(digest)
          const viaWallet = await fromEthersWallet(wallet).signDigest(digest)
          const viaSigningKey = await fromEthersWallet(new SigningKey(keyHex)).signDigest(digest)
          const viaCrypto = signDigest(keyBytes, digest)

          expect(bytesToHex(viaWallet)).toBe(bytesToHex(viaCrypto))
          expect(bytesToHex(viaSigningKey)).toBe(bytesToHex(viaCrypto))
          expect(bytesToHex(viaViem)).toBe(bytesToHex(viaCrypto))
          expect(viaWallet.length).toBe(65)
          expect([0, 1]).toContain(viaWallet[64])
          expect(sValue(viaWallet) <= HALF_CURVE_ORDER).toBe(true)
          expect(recoverAddress(digest, viaWallet)).toBe(address.toLowerCase())
        },
      ),
      { numRuns: 100 },
    )
  })

  it('reports the same (checksummed) address for a Wallet, its SigningKey and the viem account', () => {
    const wallet = new Wallet(KEY_A)
    const viemAddress = privateKeyToAccount(KEY_A).address
    expect(fromEthersWallet(wallet).address).toBe(viemAddress)
    expect(fromEthersWallet(wallet.signingKey).address).toBe(viemAddress)
    expect(wallet.address).toBe(viemAddress)
  })
})
