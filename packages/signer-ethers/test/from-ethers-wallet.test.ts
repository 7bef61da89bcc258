import { bytesToHex, hexToBytes, recoverAddress, sha256 } from '@fabstir/crypto'
import {
  AbstractSigner,
  HDNodeWallet,
  type JsonRpcPayload,
  JsonRpcProvider,
  type JsonRpcResult,
  JsonRpcSigner,
  Network,
  NonceManager,
  type Provider,
  type Signature,
  SigningKey,
  type TypedDataDomain,
  type TypedDataField,
  VoidSigner,
  Wallet,
} from 'ethers'
import { describe, expect, it } from 'vitest'
import { fromEthersWallet, isSignerError, SignerError } from '../src/index.js'
import { CURVE_ORDER, KEY_A, KEY_B, rejection, thrown } from './helpers.js'

const ADDRESS_A = new Wallet(KEY_A).address

/** A real JsonRpcProvider on an unused local port that records (and refuses) every request it would send. */
class RecordingProvider extends JsonRpcProvider {
  readonly sent: unknown[] = []
  constructor() {
    super('http://127.0.0.1:9', Network.from(84532), { staticNetwork: Network.from(84532) })
  }
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    this.sent.push(payload)
    throw new Error('no network in tests')
  }
}

/** A custom ethers signer that only knows how to personal_sign, like a remote wallet. */
class PersonalSignOnlySigner extends AbstractSigner {
  readonly #wallet = new Wallet(KEY_A)
  constructor(provider?: Provider | null) {
    super(provider)
  }
  async getAddress(): Promise<string> {
    return this.#wallet.address
  }
  connect(provider: Provider | null): PersonalSignOnlySigner {
    return new PersonalSignOnlySigner(provider)
  }
  signTransaction(): Promise<string> {
    return Promise.reject(new Error('unsupported'))
  }
  signMessage(message: string | Uint8Array): Promise<string> {
    return this.#wallet.signMessage(message)
  }
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    return this.#wallet.signTypedData(domain, types, value)
  }
}

/** A real SigningKey whose sign() is replaced (to model buggy or malicious key implementations). */
class ReplacedSignKey extends SigningKey {
  readonly #sign: (digest: Uint8Array) => unknown
  constructor(privateKey: string, sign: (digest: Uint8Array) => unknown) {
    super(privateKey)
    this.#sign = sign
  }
  override sign(digest: Uint8Array): Signature {
    return this.#sign(digest) as Signature
  }
}

describe('fromEthersWallet with raw signing keys', () => {
  it('signs with a Wallet, an HDNodeWallet and a bare SigningKey', async () => {
    const hd = HDNodeWallet.fromPhrase('test test test test test test test test test test test junk')
    for (const source of [new Wallet(KEY_A), hd, new SigningKey(KEY_B), Wallet.createRandom()]) {
      const signer = fromEthersWallet(source)
      const digest = sha256(`ciphertext for ${signer.address}`)
      const signature = await signer.signDigest(digest)
      expect(signature.length).toBe(65)
      expect(recoverAddress(digest, signature)).toBe(signer.address.toLowerCase())
    }
  })

  it('works for a Wallet connected to a provider, without touching the network', async () => {
    const provider = new RecordingProvider()
    const signer = fromEthersWallet(new Wallet(KEY_A, provider))
    const digest = sha256('connected')
    expect(recoverAddress(digest, await signer.signDigest(digest))).toBe(ADDRESS_A.toLowerCase())
    expect(provider.sent).toEqual([])
    provider.destroy()
  })

  it('signs the digest as it was when signDigest was called, even if the caller reuses the buffer', async () => {
    const digest = sha256('original')
    const original = hexToBytes(bytesToHex(digest))
    const pending = fromEthersWallet(new Wallet(KEY_A)).signDigest(digest)
    digest.fill(0xee)
    expect(recoverAddress(original, await pending)).toBe(ADDRESS_A.toLowerCase())
  })
})

describe('fromEthersWallet rejects signers that cannot sign raw digests', () => {
  it('rejects a JsonRpcSigner without any network request', () => {
    const provider = new RecordingProvider()
    const error = thrown(() => fromEthersWallet(new JsonRpcSigner(provider, ADDRESS_A)))
    expect(error.code).toBe('UNSUPPORTED_SIGNER')
    expect(error.message).toContain('personal_sign')
    expect(error.message).toContain('different')
    expect(error.context).toEqual({ signerType: 'JsonRpcSigner', address: ADDRESS_A })
    expect(provider.sent).toEqual([])
    provider.destroy()
  })

  it('rejects VoidSigner, HDNodeVoidWallet, NonceManager and a custom personal_sign-only AbstractSigner', () => {
    const hdVoid = HDNodeWallet.fromPhrase(
      'test test test test test test test test test test test junk',
    ).neuter()
    const unsupported = [
      new VoidSigner(ADDRESS_A),
      hdVoid,
      new NonceManager(new Wallet(KEY_A)),
      new PersonalSignOnlySigner(),
    ]
    for (const signer of unsupported) {
      const error = thrown(() => fromEthersWallet(signer))
      expect(isSignerError(error, 'UNSUPPORTED_SIGNER')).toBe(true)
      expect(error.context).toMatchObject({ signerType: signer.constructor.name })
    }
  })

  it('rejects values that are not signers with INVALID_SIGNER', () => {
    for (const value of [null, undefined, 'wallet', 7]) {
      expect(thrown(() => fromEthersWallet(value as never)).code).toBe('INVALID_SIGNER')
    }
    const badKey = { publicKey: '0x1234', sign: () => undefined }
    expect(thrown(() => fromEthersWallet(badKey as never)).code).toBe('INVALID_SIGNER')
  })

  it('reports SIGNER_MISMATCH when a wallet-like object pairs an address with a foreign signing key', () => {
    const error = thrown(() =>
      fromEthersWallet({ address: ADDRESS_A, signingKey: new SigningKey(KEY_B) } as never),
    )
    expect(error.code).toBe('SIGNER_MISMATCH')
    expect(error.context).toEqual({ expected: ADDRESS_A, recovered: new Wallet(KEY_B).address.toLowerCase() })
  })
})

describe('fromEthersWallet defensive checks', () => {
  it('rejects digests that are not 32-byte Uint8Arrays without calling the key', async () => {
    let calls = 0
    const key = new ReplacedSignKey(KEY_A, (digest) => {
      calls++
      return new SigningKey(KEY_A).sign(digest)
    })
    const signer = fromEthersWallet(key)
    for (const digest of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33), new Uint8Array(64)]) {
      const error = await rejection(signer.signDigest(digest))
      expect(error.code).toBe('INVALID_DIGEST')
      expect(error.context).toEqual({ length: digest.length })
    }
    for (const digest of [`0x${'ab'.repeat(32)}`, Array.from({ length: 32 }, () => 1), undefined]) {
      expect((await rejection(signer.signDigest(digest as never))).code).toBe('INVALID_DIGEST')
    }
    expect(calls).toBe(0)
  })

  it('reports SIGNER_MISMATCH when the key signs with a different private key', async () => {
    const other = new SigningKey(KEY_B)
    const signer = fromEthersWallet(new ReplacedSignKey(KEY_A, (digest) => other.sign(digest)))
    const error = await rejection(signer.signDigest(sha256('mismatch')))
    expect(error.code).toBe('SIGNER_MISMATCH')
    expect(error.context).toEqual({ expected: ADDRESS_A, recovered: new Wallet(KEY_B).address.toLowerCase() })
  })

  it('normalises yParity-only and v-only signature objects and serialized strings', async () => {
    const real = new SigningKey(KEY_A)
    const digest = sha256('shapes')
    const expected = bytesToHex(await fromEthersWallet(real).signDigest(digest))
    const shapes: Array<(sig: Signature) => unknown> = [
      (sig) => ({ r: sig.r, s: sig.s, yParity: sig.yParity }),
      (sig) => ({ r: sig.r, s: sig.s, v: sig.v }),
      (sig) => ({ r: sig.r, s: sig.s, v: sig.yParity }),
      (sig) => sig.serialized,
    ]
    for (const shape of shapes) {
      const signer = fromEthersWallet(new ReplacedSignKey(KEY_A, (d) => shape(real.sign(d))))
      expect(bytesToHex(await signer.signDigest(digest))).toBe(expected)
    }
  })

  it('rejects high-S, malformed and inconsistent signatures with INVALID_SIGNATURE', async () => {
    const real = new SigningKey(KEY_A)
    const digest = sha256('malformed')
    const sig = real.sign(digest)
    const highS = `0x${(CURVE_ORDER - BigInt(sig.s)).toString(16).padStart(64, '0')}`
    const flipped = sig.yParity === 0 ? 1 : 0
    const bad: Array<[string, unknown]> = [
      ['high S', { r: sig.r, s: highS, yParity: flipped }],
      [
        'getter throws',
        Object.defineProperty({ r: sig.r, v: sig.v }, 's', {
          get: () => {
            throw new Error('non-canonical s')
          },
        }),
      ],
      ['short r', { r: sig.r.slice(0, 64), s: sig.s, yParity: sig.yParity }],
      ['r not hex', { r: `0x${'zz'.repeat(32)}`, s: sig.s, yParity: sig.yParity }],
      ['no v', { r: sig.r, s: sig.s }],
      ['v = 29', { r: sig.r, s: sig.s, v: 29 }],
      ['v and yParity disagree', { r: sig.r, s: sig.s, v: sig.v, yParity: flipped }],
      ['r = 0', { r: `0x${'0'.repeat(64)}`, s: sig.s, yParity: sig.yParity }],
      ['64-byte compact string', sig.compactSerialized],
      ['nothing', undefined],
    ]
    for (const [label, returned] of bad) {
      const signer = fromEthersWallet(new ReplacedSignKey(KEY_A, () => returned))
      const error = await rejection(signer.signDigest(digest))
      expect({ label, code: error.code }).toEqual({ label, code: 'INVALID_SIGNATURE' })
    }
  })

  it('wraps a throwing key as SIGNING_FAILED and keeps the cause', async () => {
    const cause = new Error('hardware key unplugged')
    const signer = fromEthersWallet(
      new ReplacedSignKey(KEY_A, () => {
        throw cause
      }),
    )
    const error = await rejection(signer.signDigest(sha256('x')))
    expect(error).toBeInstanceOf(SignerError)
    expect(error.code).toBe('SIGNING_FAILED')
    expect(error.cause).toBe(cause)
  })
})

describe('SignerError', () => {
  it('is an Error with a stable name and code, recognised by isSignerError', () => {
    const error = new SignerError('UNSUPPORTED_SIGNER', 'message', { context: { signerType: 'VoidSigner' } })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('SignerError')
    expect(isSignerError(error, 'UNSUPPORTED_SIGNER')).toBe(true)
    expect(isSignerError(error, 'SIGNER_MISMATCH')).toBe(false)
    expect(isSignerError({ code: 'UNSUPPORTED_SIGNER' })).toBe(false)
  })
})
