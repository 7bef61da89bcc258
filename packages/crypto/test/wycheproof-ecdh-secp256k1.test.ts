import { describe, expect, it } from 'vitest'
import { bytesToHex, CryptoError, ecdhSharedX, hexToBytes } from '../src/index.js'
import { describeEachBackend } from './helpers/backends.js'
import { DerError, normalizePrivateKey, parseSecp256k1Spki } from './helpers/der.js'
import {
  allCases,
  caseName,
  describeWycheproof,
  type WycheproofCase,
  type WycheproofFile,
} from './helpers/vectors.js'

interface EcdhCase extends WycheproofCase {
  public: string
  private: string
  shared: string
}
interface EcdhGroup {
  curve: string
  encoding: string
  tests: EcdhCase[]
}

const EXPECTED_CASES = 752

type Outcome = { accepted: true; shared: string } | { accepted: false; stage: 'der' | 'ecdh'; error: unknown }

/** Run one case through the strict SPKI parser and then `ecdhSharedX`, recording where it was rejected. */
function runCase(test: EcdhCase): Outcome {
  let point: Uint8Array
  try {
    point = parseSecp256k1Spki(hexToBytes(test.public))
  } catch (error) {
    return { accepted: false, stage: 'der', error }
  }
  try {
    return {
      accepted: true,
      shared: bytesToHex(ecdhSharedX(normalizePrivateKey(hexToBytes(test.private)), point)),
    }
  } catch (error) {
    return { accepted: false, stage: 'ecdh', error }
  }
}

/**
 * How "acceptable" cases must behave — decided per flag:
 * - `CompressedPublic`: the SDK takes compressed SEC1 keys (PROTOCOL.md §2 even prefers them), so the case must be
 *   accepted and give exactly `shared`.
 * - `UnnamedCurve` (explicit curve parameters with an unused parameter changed): the SDK never parses SPKI, it only
 *   sees raw SEC1 points, so explicit parameters are out of scope and the strict parser rejects them
 *   (`UNSUPPORTED_ALGORITHM`). Wycheproof allows rejection.
 * - `InvalidAsn` (BER quirks, garbage, wrong OIDs, altered BIT STRINGs): must be rejected, either by the strict DER
 *   parser or — when the damage survives strict parsing as a malformed point — by `ecdhSharedX` with
 *   `INVALID_PUBLIC_KEY`. Never a different secret.
 * "invalid" cases must be rejected; those whose DER is well formed must be rejected by `ecdhSharedX` itself with
 * `INVALID_PUBLIC_KEY` (these are the invalid-curve / not-on-curve / bad-compressed-x cases the SDK must catch).
 */
function expectOutcome(test: EcdhCase, outcome: Outcome): void {
  if (test.result === 'valid' || test.flags.includes('CompressedPublic')) {
    expect(outcome).toEqual({ accepted: true, shared: test.shared })
    return
  }
  expect(outcome.accepted, 'case must be rejected').toBe(false)
  if (outcome.accepted) return
  if (outcome.stage === 'ecdh') {
    expect(outcome.error).toBeInstanceOf(CryptoError)
    expect((outcome.error as CryptoError).code).toBe('INVALID_PUBLIC_KEY')
  } else {
    expect(outcome.error).toBeInstanceOf(DerError)
  }
  if (test.result === 'acceptable' && test.flags.includes('UnnamedCurve')) {
    expect(outcome.stage).toBe('der')
    expect((outcome.error as DerError).code).toBe('UNSUPPORTED_ALGORITHM')
  }
}

describeWycheproof<WycheproofFile<EcdhGroup>>(
  'Wycheproof ECDH secp256k1 → ecdhSharedX',
  'ecdh_secp256k1_test.json',
  (file) => {
    describeEachBackend('Wycheproof ECDH secp256k1', () => {
      const cases = allCases(file)

      it(`has exactly ${EXPECTED_CASES} cases`, () => {
        expect(file.numberOfTests).toBe(EXPECTED_CASES)
        expect(cases).toHaveLength(EXPECTED_CASES)
        for (const { group } of cases) {
          expect(group.curve).toBe('secp256k1')
          expect(group.encoding).toBe('asn')
        }
      })

      it('rejects every well-formed off-curve or bad-x public key inside ecdhSharedX', () => {
        const rejectedByEcdh = cases.filter(({ test }) => {
          const outcome = runCase(test)
          return test.result === 'invalid' && !outcome.accepted && outcome.stage === 'ecdh'
        })
        // The 16 InvalidCurveAttack points, 2 ModifiedPublicPoint, the empty point and 3 bad compressed x values.
        expect(rejectedByEcdh.map(({ test }) => test.tcId)).toEqual([
          475, 476, 477, 478, 479, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 494, 495, 528,
          529, 530,
        ])
      })

      describe.each(['valid', 'acceptable', 'invalid'] as const)('%s cases', (result) => {
        const subset = cases.filter(({ test }) => test.result === result)
        it.each(subset.map(({ test }) => [caseName(test), test] as const))('%s', (_name, test) => {
          expectOutcome(test, runCase(test))
        })
      })
    })
  },
)
