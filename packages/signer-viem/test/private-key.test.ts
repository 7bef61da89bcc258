import { bytesToHex, hexToBytes, recoverAddress, sha256, signDigest } from '@fabstir/crypto'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { isSignerError, privateKeyToDigestSigner } from '../src/index.js'
import { KEY_A } from './helpers.js'

describe('privateKeyToDigestSigner', () => {
  it('accepts hex with or without 0x and bytes, matching privateKeyToAccount', async () => {
    const address = privateKeyToAccount(KEY_A).address
    const digest = sha256('session init ciphertext')
    const expected = bytesToHex(signDigest(hexToBytes(KEY_A), digest))
    const keyBytes = hexToBytes(KEY_A)
    for (const key of [KEY_A, KEY_A.slice(2), KEY_A.toUpperCase().replace('0X', '0x'), keyBytes]) {
      const signer = privateKeyToDigestSigner(key)
      expect(signer.address).toBe(address)
      const signature = await signer.signDigest(digest)
      expect(bytesToHex(signature)).toBe(expected)
      expect(recoverAddress(digest, signature)).toBe(address.toLowerCase())
    }
    expect(bytesToHex(keyBytes)).toBe(KEY_A.slice(2))
  })

  it('rejects invalid keys with INVALID_PRIVATE_KEY and never echoes the key', () => {
    const secretish = 'ab'.repeat(31)
    const invalid = [
      `0x${secretish}`,
      `0x${secretish}abcdef`,
      `0x${'0'.repeat(64)}`,
      `0x${'f'.repeat(64)}`,
      `0x${'g'.repeat(64)}`,
      new Uint8Array(31),
      42,
    ]
    for (const key of invalid) {
      let caught: unknown
      try {
        privateKeyToDigestSigner(key as never)
      } catch (e) {
        caught = e
      }
      expect(isSignerError(caught, 'INVALID_PRIVATE_KEY')).toBe(true)
      const error = caught as Error
      expect(error.message).not.toContain(secretish)
      expect(String(error.cause)).not.toContain(secretish)
    }
  })
})
