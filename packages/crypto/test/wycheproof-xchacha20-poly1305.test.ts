import { describe, expect, it } from 'vitest'
import {
  bytesToHex,
  CryptoError,
  hexToBytes,
  KEY_SIZE,
  NONCE_SIZE,
  open,
  sealWithNonce,
} from '../src/index.js'
import { describeEachBackend } from './helpers/backends.js'
import {
  allCases,
  caseName,
  describeWycheproof,
  type WycheproofCase,
  type WycheproofFile,
} from './helpers/vectors.js'

interface AeadCase extends WycheproofCase {
  key: string
  iv: string
  aad: string
  msg: string
  ct: string
  tag: string
}
interface AeadGroup {
  ivSize: number
  keySize: number
  tagSize: number
  tests: AeadCase[]
}

const EXPECTED_CASES = 315

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError)
    return (error as CryptoError).code
  }
  throw new Error('expected a CryptoError, nothing was thrown')
}

function checkCase(test: AeadCase): void {
  const key = hexToBytes(test.key)
  const nonce = hexToBytes(test.iv)
  const aad = hexToBytes(test.aad)
  const msg = hexToBytes(test.msg)
  const sealed = hexToBytes(test.ct + test.tag)

  // Parameter-size errors take precedence over everything else (the key is checked first).
  const sizeError =
    key.length !== KEY_SIZE ? 'INVALID_KEY' : nonce.length !== NONCE_SIZE ? 'INVALID_NONCE_SIZE' : null
  if (sizeError) {
    expect(test.result).toBe('invalid')
    expect(codeOf(() => open(key, nonce, sealed, aad))).toBe(sizeError)
    expect(codeOf(() => sealWithNonce(key, nonce, msg, aad))).toBe(sizeError)
    return
  }
  if (test.result === 'valid') {
    expect(bytesToHex(sealWithNonce(key, nonce, msg, aad))).toBe(test.ct + test.tag)
    expect(bytesToHex(open(key, nonce, sealed, aad))).toBe(test.msg)
    return
  }
  expect(codeOf(() => open(key, nonce, sealed, aad))).toBe('DECRYPTION_FAILED')
  // The honest encryption of the same message differs from the forged ciphertext‖tag.
  expect(bytesToHex(sealWithNonce(key, nonce, msg, aad))).not.toBe(test.ct + test.tag)
}

describeWycheproof<WycheproofFile<AeadGroup>>(
  'Wycheproof XChaCha20-Poly1305 → sealWithNonce / open',
  'xchacha20_poly1305_test.json',
  (file) => {
    describeEachBackend('Wycheproof XChaCha20-Poly1305', () => {
      const cases = allCases(file)

      it(`has exactly ${EXPECTED_CASES} cases, groups sized as declared`, () => {
        expect(file.numberOfTests).toBe(EXPECTED_CASES)
        expect(cases).toHaveLength(EXPECTED_CASES)
        for (const { group, test } of cases) {
          expect(test.key.length * 4).toBe(group.keySize)
          expect(test.iv.length * 4).toBe(group.ivSize)
          // Cases with a bad nonce size carry no ciphertext or tag at all.
          if (!test.flags.includes('InvalidNonceSize')) expect(test.tag.length * 4).toBe(group.tagSize)
        }
        // The only invalid parameter sizes in this file are nonces: 9 of them, none 24 bytes long.
        const badNonces = cases.filter(({ test }) => test.flags.includes('InvalidNonceSize'))
        expect(badNonces).toHaveLength(9)
        expect(badNonces.every(({ group }) => group.ivSize !== NONCE_SIZE * 8)).toBe(true)
      })

      describe.each(['valid', 'invalid'] as const)('%s cases', (result) => {
        const subset = cases.filter(({ test }) => test.result === result)
        it.each(subset.map(({ test }) => [caseName(test), test] as const))('%s', (_name, test) => {
          checkCase(test)
        })
      })

      it('has no "acceptable" cases (every case above was checked)', () => {
        expect(cases.filter(({ test }) => test.result === 'acceptable')).toHaveLength(0)
      })
    })
  },
)
