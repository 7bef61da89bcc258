import { describe, expect, it } from 'vitest'
import { bytesToHex, CryptoError, hexToBytes, hkdfSha256 } from '../src/index.js'
import {
  allCases,
  caseName,
  describeWycheproof,
  type WycheproofCase,
  type WycheproofFile,
} from './helpers/vectors.js'

interface HkdfCase extends WycheproofCase {
  ikm: string
  salt: string
  info: string
  size: number
  okm: string
}
interface HkdfGroup {
  keySize: number
  tests: HkdfCase[]
}

const EXPECTED_CASES = 86
/** RFC 5869: L ≤ 255 × HashLen. */
const MAX_OUTPUT = 255 * 32

describeWycheproof<WycheproofFile<HkdfGroup>>(
  'Wycheproof HKDF-SHA256 → hkdfSha256',
  'hkdf_sha256_test.json',
  (file) => {
    const cases = allCases(file)

    it(`has exactly ${EXPECTED_CASES} cases`, () => {
      expect(file.numberOfTests).toBe(EXPECTED_CASES)
      expect(cases).toHaveLength(EXPECTED_CASES)
    })

    describe.each(['valid', 'invalid'] as const)('%s cases', (result) => {
      const subset = cases.filter(({ test }) => test.result === result)
      it.each(subset.map(({ test }) => [caseName(test), test] as const))('%s', (_name, test) => {
        const run = () =>
          hkdfSha256(hexToBytes(test.ikm), hexToBytes(test.salt), hexToBytes(test.info), test.size)
        if (test.result === 'valid') {
          expect(bytesToHex(run())).toBe(test.okm)
          return
        }
        // The only invalid cases ask for more than 255 × 32 bytes: a CryptoError, not noble's bare Error.
        expect(test.size).toBeGreaterThan(MAX_OUTPUT)
        expect(run).toThrow(CryptoError)
        expect(run).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
      })
    })

    it('has no "acceptable" cases (every case above was checked)', () => {
      expect(cases.filter(({ test }) => test.result === 'acceptable')).toHaveLength(0)
    })
  },
)
