import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { bytesToHex, getPublicKey, hexToBytes } from '../src/index.js'
import { DerError, normalizePrivateKey, parseDerSignature, parseSecp256k1Spki } from './helpers/der.js'
import { findRepoRoot, vectorsRequired, wycheproofDir } from './helpers/vectors.js'

// The helpers decide what counts as "rejected" in the vector suites, so their strictness is tested on its own.
const SPKI_PREFIX = '3056301006072a8648ce3d020106052b8104000a034200'

function derCode(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return error instanceof DerError ? error.code : 'not a DerError'
  }
  return 'no error'
}

describe('strict DER helpers', () => {
  const point = getPublicKey(hexToBytes(`${'00'.repeat(31)}07`), false)

  it('parses a secp256k1 SubjectPublicKeyInfo into its SEC1 point', () => {
    expect(bytesToHex(parseSecp256k1Spki(hexToBytes(SPKI_PREFIX + bytesToHex(point))))).toBe(
      bytesToHex(point),
    )
  })

  it('rejects trailing bytes, long-form short lengths, wrong curves and unused bits', () => {
    const good = SPKI_PREFIX + bytesToHex(point)
    expect(derCode(() => parseSecp256k1Spki(hexToBytes(`${good}00`)))).toBe('MALFORMED_DER')
    expect(derCode(() => parseSecp256k1Spki(hexToBytes(`308156${good.slice(4)}`)))).toBe('MALFORMED_DER')
    // secp256r1 (1.2.840.10045.3.1.7) instead of secp256k1.
    const p256 = `3059301306072a8648ce3d020106082a8648ce3d030107034200${bytesToHex(point)}`
    expect(derCode(() => parseSecp256k1Spki(hexToBytes(p256)))).toBe('WRONG_CURVE')
    expect(derCode(() => parseSecp256k1Spki(hexToBytes(good.replace('034200', '034201'))))).toBe(
      'MALFORMED_DER',
    )
  })

  it('parses minimal DER integers and rejects negative or padded ones', () => {
    expect(parseDerSignature(hexToBytes('300702010102020080'))).toEqual({ r: 1n, s: 128n })
    expect(derCode(() => parseDerSignature(hexToBytes('3006020101020180')))).toBe('MALFORMED_DER') // s negative
    expect(derCode(() => parseDerSignature(hexToBytes('300702020001020101')))).toBe('MALFORMED_DER') // r padded
    expect(derCode(() => parseDerSignature(hexToBytes('30800201010201010000')))).toBe('MALFORMED_DER') // BER
  })

  it('normalises Wycheproof private keys to 32 bytes', () => {
    expect(bytesToHex(normalizePrivateKey(hexToBytes(`00${'ab'.repeat(32)}`)))).toBe('ab'.repeat(32))
    expect(bytesToHex(normalizePrivateKey(hexToBytes('05')))).toBe(`${'00'.repeat(31)}05`)
    expect(() => normalizePrivateKey(hexToBytes(`01${'00'.repeat(32)}`))).toThrow()
  })
})

describe('vector location', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('finds the workspace root and defaults to <root>/../shared/vectors/wycheproof', () => {
    vi.stubEnv('FABSTIR_SHARED_DIR', '')
    const root = findRepoRoot()
    expect(existsSync(join(root, 'pnpm-workspace.yaml'))).toBe(true)
    expect(wycheproofDir()).toBe(join(root, '..', 'shared', 'vectors', 'wycheproof'))
  })

  it('honours FABSTIR_SHARED_DIR and FABSTIR_REQUIRE_VECTORS', () => {
    vi.stubEnv('FABSTIR_SHARED_DIR', '/elsewhere/shared')
    expect(wycheproofDir()).toBe('/elsewhere/shared/vectors/wycheproof')
    vi.stubEnv('FABSTIR_REQUIRE_VECTORS', '1')
    expect(vectorsRequired()).toBe(true)
    vi.stubEnv('FABSTIR_REQUIRE_VECTORS', '0')
    expect(vectorsRequired()).toBe(false)
  })
})
