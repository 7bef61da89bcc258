import { secp256k1 } from '@noble/curves/secp256k1.js'
import { describe, expect, it } from 'vitest'
import {
  bytesToHex,
  bytesToUtf8,
  deriveInitKey,
  ecdhSharedX,
  equalBytes,
  generateEphemeralKey,
  getPublicKey,
  hexToBytes,
  hkdfSha256,
  isCryptoError,
  open,
  publicKeyToAddress,
  randomBytes,
  recoverAddress,
  seal,
  sha256,
  signDigest,
  utf8ToBytes,
} from '../src/index.js'
import { describeEachBackend } from './helpers/backends.js'
import { ecdhXOpenSsl, hchacha20, hkdfOpenSsl, nodeInitKey, xchachaOpenOpenSsl } from './helpers/node-side.js'

// Fixed, clearly-test-only keys: the node's static host key and the user's wallet key.
const NODE_PRIVATE_KEY = hexToBytes('0x6c7e1b3a9f0d2c4e8a5b7d9f1e3c5a7b9d1f3e5c7a9b1d3f5e7c9a1b3d5f7e90')
const NODE_PUBLIC_KEY = getPublicKey(NODE_PRIVATE_KEY)
const USER_PRIVATE_KEY = hexToBytes('0x0000000000000000000000000000000000000000000000000000000000000001')
const USER_ADDRESS = '0x7e5f4552091a69125d5dfcb7b8c2659029395bdf'

interface InitPayload {
  ephPubHex: string
  ciphertextHex: string
  signatureHex: string
  nonceHex: string
  aadHex: string
}

/** The client half of PROTOCOL.md §4, exactly as the SDK will do it, using only `@fabstir/crypto`. */
function buildInit(sessionData: string) {
  const eph = generateEphemeralKey()
  const initKey = deriveInitKey(eph.privateKey, NODE_PUBLIC_KEY)
  const { nonce, ciphertext } = seal(initKey, sessionData, 'session_init')
  const signature = signDigest(USER_PRIVATE_KEY, sha256(ciphertext))
  const payload: InitPayload = {
    ephPubHex: bytesToHex(eph.publicKey),
    ciphertextHex: bytesToHex(ciphertext),
    signatureHex: bytesToHex(signature),
    nonceHex: bytesToHex(nonce),
    aadHex: bytesToHex(utf8ToBytes('session_init')),
  }
  return { payload, eph, initKey }
}

/** The node half, with OpenSSL only: derive the init key, open, recover the signer. */
function nodeReceives(payload: InitPayload) {
  const ephPub = hexToBytes(payload.ephPubHex)
  const ciphertext = hexToBytes(payload.ciphertextHex)
  const key = nodeInitKey(NODE_PRIVATE_KEY, ephPub)
  const plaintext = xchachaOpenOpenSsl(
    key,
    hexToBytes(payload.nonceHex),
    ciphertext,
    hexToBytes(payload.aadHex),
  )
  const clientAddress = recoverAddress(sha256(ciphertext), hexToBytes(payload.signatureHex))
  return { key, sessionData: JSON.parse(bytesToUtf8(plaintext)) as Record<string, unknown>, clientAddress }
}

function sessionData(sessionKey: Uint8Array): string {
  // camelCase, jobId a string, pricePerToken a JSON integer (PROTOCOL.md §4).
  return `{"sessionKey":"${bytesToHex(sessionKey)}","jobId":"12345","modelName":"llama-3","pricePerToken":2272727273}`
}

describe('node-side helpers agree with published vectors', () => {
  it('HChaCha20 matches draft-irtf-cfrg-xchacha §2.2.1', () => {
    const key = hexToBytes('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f')
    const nonce = hexToBytes('000000090000004a0000000031415927')
    expect(bytesToHex(hchacha20(key, nonce))).toBe(
      '82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc',
    )
  })

  it('OpenSSL-based XChaCha20-Poly1305 opens the draft A.3.1 ciphertext', () => {
    const key = hexToBytes('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f')
    const nonce = hexToBytes('404142434445464748494a4b4c4d4e4f5051525354555657')
    const sealed = hexToBytes(
      'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216' +
        'cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c6' +
        '8b13b52ec0875924c1c7987947deafd8780acf49',
    )
    const plaintext = xchachaOpenOpenSsl(key, nonce, sealed, hexToBytes('50515253c0c1c2c3c4c5c6c7'))
    expect(bytesToUtf8(plaintext)).toMatch(/^Ladies and Gentlemen of the class of '99/)
  })
})

describeEachBackend('interop with an OpenSSL node model', () => {
  describe('session init interop (PROTOCOL.md §2–4): SDK client ↔ independent node model', () => {
    it('the node decrypts the camelCase session data and recovers the user address', () => {
      const sessionKey = randomBytes(32)
      const { payload } = buildInit(sessionData(sessionKey))
      expect(payload.ephPubHex).toMatch(/^0[23][0-9a-f]{64}$/) // compressed ephemeral key is sent
      expect(payload.nonceHex).toMatch(/^[0-9a-f]{48}$/)
      expect(payload.signatureHex).toMatch(/^[0-9a-f]{128}0[01]$/)
      expect(payload.aadHex).toBe('73657373696f6e5f696e6974')

      const received = nodeReceives(payload)
      expect(received.sessionData).toEqual({
        sessionKey: bytesToHex(sessionKey),
        jobId: '12345',
        modelName: 'llama-3',
        pricePerToken: 2272727273,
      })
      expect(received.clientAddress).toBe(USER_ADDRESS)
      expect(publicKeyToAddress(getPublicKey(USER_PRIVATE_KEY))).toBe(USER_ADDRESS)
    })

    it('both sides derive the same init key, with the ephemeral key compressed or uncompressed', () => {
      for (let i = 0; i < 20; i++) {
        const eph = generateEphemeralKey()
        const clientKey = deriveInitKey(eph.privateKey, NODE_PUBLIC_KEY)
        const uncompressed = secp256k1.Point.fromBytes(eph.publicKey).toBytes(false)
        expect(bytesToHex(nodeInitKey(NODE_PRIVATE_KEY, eph.publicKey))).toBe(bytesToHex(clientKey))
        expect(bytesToHex(nodeInitKey(NODE_PRIVATE_KEY, uncompressed))).toBe(bytesToHex(clientKey))
        // The SDK's own primitives give the node's derivation too (the same ECDH from the other side).
        expect(bytesToHex(hkdfSha256(ecdhSharedX(NODE_PRIVATE_KEY, eph.publicKey)))).toBe(
          bytesToHex(clientKey),
        )
        expect(bytesToHex(ecdhSharedX(eph.privateKey, NODE_PUBLIC_KEY))).toBe(
          bytesToHex(ecdhXOpenSsl(NODE_PRIVATE_KEY, eph.publicKey)),
        )
      }
    })

    it('the node can then read traffic sealed with the sessionKey from the session data', () => {
      const sessionKey = randomBytes(32)
      const received = nodeReceives(buildInit(sessionData(sessionKey)).payload)
      const nodeSessionKey = hexToBytes(received.sessionData.sessionKey as string)
      const { nonce, ciphertext } = seal(sessionKey, 'What is 2+2?', 'message_0')
      expect(
        bytesToUtf8(xchachaOpenOpenSsl(nodeSessionKey, nonce, ciphertext, utf8ToBytes('message_0'))),
      ).toBe('What is 2+2?')
    })

    it('a tampered ciphertext is rejected by the node', () => {
      const { payload } = buildInit(sessionData(randomBytes(32)))
      const ciphertext = hexToBytes(payload.ciphertextHex)
      ciphertext[0]! ^= 1
      expect(() => nodeReceives({ ...payload, ciphertextHex: bytesToHex(ciphertext) })).toThrow()
    })

    it("negative: the seed guide's 33-byte prefixed shared secret as IKM gives a different key the node rejects", () => {
      const eph = generateEphemeralKey()
      const prefixed = secp256k1.getSharedSecret(eph.privateKey, NODE_PUBLIC_KEY, true)
      expect(prefixed).toHaveLength(33)
      expect(equalBytes(prefixed.subarray(1), ecdhSharedX(eph.privateKey, NODE_PUBLIC_KEY))).toBe(true)

      const wrongKey = hkdfSha256(prefixed)
      const rightKey = deriveInitKey(eph.privateKey, NODE_PUBLIC_KEY)
      expect(bytesToHex(wrongKey)).not.toBe(bytesToHex(rightKey))
      expect(bytesToHex(hkdfOpenSsl(prefixed))).toBe(bytesToHex(wrongKey))

      const { nonce, ciphertext } = seal(wrongKey, sessionData(randomBytes(32)), 'session_init')
      const nodeKey = nodeInitKey(NODE_PRIVATE_KEY, eph.publicKey)
      expect(bytesToHex(nodeKey)).toBe(bytesToHex(rightKey))
      expect(() => xchachaOpenOpenSsl(nodeKey, nonce, ciphertext, utf8ToBytes('session_init'))).toThrow()
      let code: string | undefined
      try {
        open(nodeKey, nonce, ciphertext, 'session_init')
      } catch (error) {
        code = isCryptoError(error) ? error.code : 'not a CryptoError'
      }
      expect(code).toBe('DECRYPTION_FAILED')
    })
  })
})
