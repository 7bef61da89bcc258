import {
  bytesToHex,
  signDigest as cryptoSignDigest,
  hexToBytes,
  recoverAddress,
  sha256,
} from '@fabstir/crypto'
import fc from 'fast-check'
import { createWalletClient, http } from 'viem'
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount, toAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { fromViemAccount, isSignerError, SignerError } from '../src/index.js'
import { customAccount, HALF_CURVE_ORDER, highSTwin, KEY_A, KEY_B, sValue } from './helpers.js'

const digestArb = fc.uint8Array({ minLength: 32, maxLength: 32 })

async function rejection(promise: Promise<unknown>): Promise<SignerError> {
  try {
    await promise
  } catch (e) {
    if (e instanceof SignerError) return e
    throw e
  }
  throw new Error('expected a rejection')
}

function thrown(fn: () => unknown): SignerError {
  try {
    fn()
  } catch (e) {
    if (e instanceof SignerError) return e
    throw e
  }
  throw new Error('expected a SignerError')
}

describe('fromViemAccount with local accounts', () => {
  it('signs raw digests byte-identically to @fabstir/crypto (RFC 6979), recovering to the account', async () => {
    const account = privateKeyToAccount(KEY_A)
    const signer = fromViemAccount(account)
    expect(signer.address).toBe(account.address)
    const key = hexToBytes(KEY_A)
    await fc.assert(
      fc.asyncProperty(digestArb, async (digest) => {
        const signature = await signer.signDigest(digest)
        expect(signature).toBeInstanceOf(Uint8Array)
        expect(signature.length).toBe(65)
        expect([0, 1]).toContain(signature[64])
        expect(sValue(signature) <= HALF_CURVE_ORDER).toBe(true)
        expect(bytesToHex(signature)).toBe(bytesToHex(cryptoSignDigest(key, digest)))
        expect(recoverAddress(digest, signature)).toBe(account.address.toLowerCase())
      }),
      { numRuns: 150 },
    )
  })

  it('works with random keys and with an HD (mnemonic) account', async () => {
    const hd = mnemonicToAccount('test test test test test test test test test test test junk')
    for (const account of [privateKeyToAccount(generatePrivateKey()), hd]) {
      const digest = sha256(`ciphertext for ${account.address}`)
      const signature = await fromViemAccount(account).signDigest(digest)
      expect(recoverAddress(digest, signature)).toBe(account.address.toLowerCase())
    }
  })

  it('signs the digest as it was when signDigest was called, even if the caller reuses the buffer', async () => {
    const account = privateKeyToAccount(KEY_A)
    const digest = sha256('original')
    const expected = bytesToHex(digest)
    const pending = fromViemAccount(account).signDigest(digest)
    digest.fill(0xee)
    const signature = await pending
    expect(recoverAddress(hexToBytes(expected), signature)).toBe(account.address.toLowerCase())
  })

  it('accepts a custom toAccount that signs with its own key and returns v as 0/1', async () => {
    const inner = privateKeyToAccount(KEY_A)
    const account = customAccount(inner, inner.address, async ({ hash }) => {
      const sig = await inner.sign({ hash })
      return `${sig.slice(0, 130)}${sig.endsWith('1b') ? '00' : '01'}` as `0x${string}`
    })
    const digest = sha256('v as recovery id')
    const signature = await fromViemAccount(account).signDigest(digest)
    expect(bytesToHex(signature)).toBe(bytesToHex(cryptoSignDigest(hexToBytes(KEY_A), digest)))
  })
})

describe('fromViemAccount rejects accounts that cannot sign raw digests', () => {
  const address = privateKeyToAccount(KEY_A).address

  it('rejects a json-rpc account made with toAccount(address)', () => {
    const error = thrown(() => fromViemAccount(toAccount(address)))
    expect(error.code).toBe('UNSUPPORTED_SIGNER')
    expect(error.message).toContain('personal_sign')
    expect(error.message).toContain('different')
    expect(error.context).toMatchObject({ address, accountType: 'json-rpc' })
  })

  it('rejects a plain { address, type: "json-rpc" } object, even one carrying a sign function', () => {
    expect(thrown(() => fromViemAccount({ address, type: 'json-rpc' })).code).toBe('UNSUPPORTED_SIGNER')
    const local = privateKeyToAccount(KEY_A)
    const error = thrown(() => fromViemAccount({ address, type: 'json-rpc', sign: local.sign }))
    expect(error.code).toBe('UNSUPPORTED_SIGNER')
  })

  it("rejects a wallet client's json-rpc account without touching the network", () => {
    const client = createWalletClient({ account: address, transport: http('http://127.0.0.1:9') })
    expect(client.account.type).toBe('json-rpc')
    expect(thrown(() => fromViemAccount(client.account)).code).toBe('UNSUPPORTED_SIGNER')
  })

  it('rejects a custom account without a sign method', () => {
    const inner = privateKeyToAccount(KEY_A)
    const error = thrown(() => fromViemAccount(customAccount(inner, inner.address, undefined)))
    expect(error.code).toBe('UNSUPPORTED_SIGNER')
    expect(error.message).toContain('sign({ hash })')
  })

  it('rejects smart accounts and unknown account types', () => {
    const sign = privateKeyToAccount(KEY_A).sign
    expect(thrown(() => fromViemAccount({ address, type: 'smart', sign })).code).toBe('UNSUPPORTED_SIGNER')
    expect(thrown(() => fromViemAccount({ address, type: 'webauthn', sign })).code).toBe('UNSUPPORTED_SIGNER')
  })

  it('rejects values that are not accounts with INVALID_SIGNER', () => {
    for (const value of [null, undefined, 'not an account', 42, {}, { address: '0x1234' }]) {
      const error = thrown(() => fromViemAccount(value as never))
      expect(error.code).toBe('INVALID_SIGNER')
    }
  })
})

describe('fromViemAccount defensive checks', () => {
  const inner = privateKeyToAccount(KEY_A)

  it('rejects digests that are not 32-byte Uint8Arrays without calling the account', async () => {
    let calls = 0
    const signer = fromViemAccount(
      customAccount(inner, inner.address, (args) => {
        calls++
        return inner.sign(args)
      }),
    )
    for (const digest of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33), new Uint8Array(64)]) {
      const error = await rejection(signer.signDigest(digest))
      expect(error.code).toBe('INVALID_DIGEST')
      expect(error.context).toEqual({ length: digest.length })
    }
    for (const digest of ['0x'.padEnd(66, 'a'), Array.from({ length: 32 }, () => 1), null]) {
      expect((await rejection(signer.signDigest(digest as never))).code).toBe('INVALID_DIGEST')
    }
    expect(calls).toBe(0)
  })

  it('reports SIGNER_MISMATCH when the account signs with another key', async () => {
    const other = privateKeyToAccount(KEY_B)
    const signer = fromViemAccount(customAccount(other, inner.address, (args) => other.sign(args)))
    const error = await rejection(signer.signDigest(sha256('mismatch')))
    expect(error.code).toBe('SIGNER_MISMATCH')
    expect(error.context).toEqual({ expected: inner.address, recovered: other.address.toLowerCase() })
  })

  it('reports SIGNER_MISMATCH for a personal_sign signature (EIP-191 prefix) from the right key', async () => {
    const signer = fromViemAccount(
      customAccount(inner, inner.address, ({ hash }) => inner.signMessage({ message: { raw: hash } })),
    )
    expect((await rejection(signer.signDigest(sha256('prefixed')))).code).toBe('SIGNER_MISMATCH')
  })

  it('rejects high-S, wrong-length, bad-v and non-hex signatures with INVALID_SIGNATURE', async () => {
    const digest = sha256('malformed')
    const good = await inner.sign({ hash: `0x${bytesToHex(digest)}` })
    const bad: Array<[string, unknown]> = [
      ['high S', highSTwin(good)],
      ['64 bytes', good.slice(0, 130)],
      ['66 bytes', `${good}00`],
      ['v = 2', `${good.slice(0, 130)}02`],
      ['v = 29', `${good.slice(0, 130)}1d`],
      ['r = 0', `0x${'0'.repeat(64)}${good.slice(66)}`],
      ['s = 0', `${good.slice(0, 66)}${'0'.repeat(64)}${good.slice(130)}`],
      ['not hex', `0x${'zz'.repeat(65)}`],
      ['not a string', 12345],
    ]
    for (const [label, returned] of bad) {
      const signer = fromViemAccount(
        customAccount(inner, inner.address, async () => returned as `0x${string}`),
      )
      const error = await rejection(signer.signDigest(digest))
      expect({ label, code: error.code }).toEqual({ label, code: 'INVALID_SIGNATURE' })
    }
  })

  it('wraps a failing sign as SIGNING_FAILED and keeps the cause', async () => {
    const cause = new Error('User rejected the request.')
    const signer = fromViemAccount(
      customAccount(inner, inner.address, async () => {
        throw cause
      }),
    )
    const error = await rejection(signer.signDigest(sha256('x')))
    expect(error.code).toBe('SIGNING_FAILED')
    expect(error.cause).toBe(cause)
  })
})

describe('SignerError', () => {
  it('is an Error with a stable name and code, recognised by isSignerError', () => {
    const error = new SignerError('SIGNER_MISMATCH', 'message', { context: { expected: '0x1' } })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('SignerError')
    expect(isSignerError(error)).toBe(true)
    expect(isSignerError(error, 'SIGNER_MISMATCH')).toBe(true)
    expect(isSignerError(error, 'INVALID_DIGEST')).toBe(false)
    expect(isSignerError(new Error('x'))).toBe(false)
    expect(new SignerError('INVALID_DIGEST', 'm').context).toEqual({})
  })
})
