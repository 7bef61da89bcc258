import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  assertPrivateKey,
  bytesToHex,
  bytesToUtf8,
  CryptoError,
  type CryptoErrorCode,
  deriveInitKey,
  ecdhSharedX,
  equalBytes,
  getPublicKey,
  hexToBytes,
  hkdfSha256,
  isCryptoError,
  keccak256,
  open,
  parsePublicKey,
  publicKeyToAddress,
  randomBytes,
  recoverAddress,
  recoverPublicKey,
  seal,
  sealWithNonce,
  sha256,
  signDigest,
  utf8ToBytes,
  verifyDigest,
  zeroize,
} from '../src/index.js'
import { describeEachBackend } from './helpers/backends.js'

// Valid arguments; each row below replaces exactly one of them.
const KEY = new Uint8Array(32).fill(0x11)
const NONCE = new Uint8Array(24).fill(0x22)
const DIGEST = new Uint8Array(32).fill(0x33)
const PRIV = new Uint8Array(32).fill(0x44)
const PUB = getPublicKey(PRIV)
const SIG = signDigest(PRIV, DIGEST)
const SEALED = sealWithNonce(KEY, NONCE, 'hello', 'aad')

/**
 * One argument position of one API. `accepts` says which values the function may legitimately take there (then it
 * may return or throw a CryptoError with one of `alsoOn`); everything else must throw a CryptoError with `code`.
 */
interface Row {
  name: string
  call: (x: unknown) => unknown
  code: CryptoErrorCode
  accepts?: (x: unknown) => boolean
  alsoOn?: CryptoErrorCode[]
}

const isBytes = (x: unknown): x is Uint8Array => x instanceof Uint8Array
const isBytesOf = (n: number) => (x: unknown) => isBytes(x) && x.length === n
const isBytesOrString = (x: unknown) => isBytes(x) || typeof x === 'string'
const isNullish = (x: unknown) => x === undefined || x === null
// biome-ignore lint/suspicious/noExplicitAny: the point of these rows is to call typed APIs with untyped values.
type Any = any

const ROWS: Row[] = [
  { name: 'seal(key)', call: (x) => seal(x as Any, 'p', 'a'), code: 'INVALID_KEY', accepts: isBytesOf(32) },
  {
    name: 'seal(plaintext)',
    call: (x) => seal(KEY, x as Any, 'a'),
    code: 'INVALID_INPUT',
    accepts: isBytesOrString,
  },
  {
    name: 'seal(aad)',
    call: (x) => seal(KEY, 'p', x as Any),
    code: 'INVALID_INPUT',
    accepts: isBytesOrString,
  },
  {
    name: 'sealWithNonce(nonce)',
    call: (x) => sealWithNonce(KEY, x as Any, 'p', 'a'),
    code: 'INVALID_NONCE_SIZE',
    accepts: isBytesOf(24),
  },
  {
    name: 'open(key)',
    call: (x) => open(x as Any, NONCE, SEALED, 'aad'),
    code: 'INVALID_KEY',
    accepts: isBytesOf(32),
    alsoOn: ['DECRYPTION_FAILED'],
  },
  {
    name: 'open(nonce)',
    call: (x) => open(KEY, x as Any, SEALED, 'aad'),
    code: 'INVALID_NONCE_SIZE',
    accepts: isBytesOf(24),
    alsoOn: ['DECRYPTION_FAILED'],
  },
  {
    name: 'open(ciphertext)',
    call: (x) => open(KEY, NONCE, x as Any, 'aad'),
    code: 'INVALID_INPUT',
    accepts: isBytes,
    alsoOn: ['DECRYPTION_FAILED'],
  },
  {
    name: 'open(aad)',
    call: (x) => open(KEY, NONCE, SEALED, x as Any),
    code: 'INVALID_INPUT',
    accepts: isBytesOrString,
    alsoOn: ['DECRYPTION_FAILED'],
  },
  { name: 'bytesToHex', call: (x) => bytesToHex(x as Any), code: 'INVALID_INPUT', accepts: isBytes },
  {
    name: 'hexToBytes',
    call: (x) => hexToBytes(x as Any),
    code: 'INVALID_HEX',
    accepts: (x) => typeof x === 'string',
    alsoOn: ['INVALID_HEX'],
  },
  {
    name: 'utf8ToBytes',
    call: (x) => utf8ToBytes(x as Any),
    code: 'INVALID_INPUT',
    accepts: (x) => typeof x === 'string',
  },
  {
    name: 'bytesToUtf8',
    call: (x) => bytesToUtf8(x as Any),
    code: 'INVALID_INPUT',
    accepts: isBytes,
    alsoOn: ['INVALID_INPUT'],
  },
  {
    name: 'zeroize',
    call: (x) => zeroize(x as Any),
    code: 'INVALID_INPUT',
    accepts: (x) => isNullish(x) || isBytes(x),
  },
  { name: 'equalBytes(a)', call: (x) => equalBytes(x as Any, KEY), code: 'INVALID_INPUT', accepts: isBytes },
  { name: 'equalBytes(b)', call: (x) => equalBytes(KEY, x as Any), code: 'INVALID_INPUT', accepts: isBytes },
  {
    name: 'randomBytes',
    call: (x) => randomBytes(x as Any),
    code: 'INVALID_INPUT',
    accepts: (x) => Number.isSafeInteger(x) && (x as number) >= 0,
  },
  { name: 'hkdfSha256(ikm)', call: (x) => hkdfSha256(x as Any), code: 'INVALID_INPUT', accepts: isBytes },
  {
    name: 'hkdfSha256(salt)',
    call: (x) => hkdfSha256(KEY, x as Any),
    code: 'INVALID_INPUT',
    accepts: (x) => x === undefined || isBytes(x),
  },
  {
    name: 'hkdfSha256(info)',
    call: (x) => hkdfSha256(KEY, undefined, x as Any),
    code: 'INVALID_INPUT',
    accepts: (x) => x === undefined || isBytes(x),
  },
  {
    name: 'hkdfSha256(length)',
    call: (x) => hkdfSha256(KEY, undefined, undefined, x as Any),
    code: 'INVALID_INPUT',
    accepts: (x) =>
      x === undefined || (Number.isSafeInteger(x) && (x as number) >= 0 && (x as number) <= 8160),
  },
  {
    name: 'assertPrivateKey',
    call: (x) => assertPrivateKey(x as Any),
    code: 'INVALID_KEY',
    accepts: isBytesOf(32),
    alsoOn: ['INVALID_KEY'],
  },
  {
    name: 'parsePublicKey',
    call: (x) => parsePublicKey(x as Any),
    code: 'INVALID_PUBLIC_KEY',
    accepts: isBytesOrString,
    alsoOn: ['INVALID_PUBLIC_KEY'],
  },
  {
    name: 'ecdhSharedX(privateKey)',
    call: (x) => ecdhSharedX(x as Any, PUB),
    code: 'INVALID_KEY',
    accepts: isBytesOf(32),
    alsoOn: ['INVALID_KEY'],
  },
  {
    name: 'ecdhSharedX(publicKey)',
    call: (x) => ecdhSharedX(PRIV, x as Any),
    code: 'INVALID_PUBLIC_KEY',
    accepts: isBytesOrString,
    alsoOn: ['INVALID_PUBLIC_KEY'],
  },
  {
    name: 'deriveInitKey(ephemeralPrivateKey)',
    call: (x) => deriveInitKey(x as Any, PUB),
    code: 'INVALID_KEY',
    accepts: isBytesOf(32),
    alsoOn: ['INVALID_KEY'],
  },
  {
    name: 'deriveInitKey(nodePublicKey)',
    call: (x) => deriveInitKey(PRIV, x as Any),
    code: 'INVALID_PUBLIC_KEY',
    accepts: isBytesOrString,
    alsoOn: ['INVALID_PUBLIC_KEY'],
  },
  { name: 'sha256', call: (x) => sha256(x as Any), code: 'INVALID_INPUT', accepts: isBytesOrString },
  { name: 'keccak256', call: (x) => keccak256(x as Any), code: 'INVALID_INPUT', accepts: isBytesOrString },
  {
    name: 'signDigest(privateKey)',
    call: (x) => signDigest(x as Any, DIGEST),
    code: 'INVALID_KEY',
    accepts: isBytesOf(32),
    alsoOn: ['INVALID_KEY'],
  },
  {
    name: 'signDigest(digest)',
    call: (x) => signDigest(PRIV, x as Any),
    code: 'INVALID_DIGEST',
    accepts: isBytesOf(32),
  },
  {
    name: 'recoverPublicKey(digest)',
    call: (x) => recoverPublicKey(x as Any, SIG),
    code: 'INVALID_DIGEST',
    accepts: isBytesOf(32),
    alsoOn: ['INVALID_SIGNATURE'],
  },
  {
    name: 'recoverPublicKey(signature)',
    call: (x) => recoverPublicKey(DIGEST, x as Any),
    code: 'INVALID_SIGNATURE',
    accepts: isBytesOf(65),
    alsoOn: ['INVALID_SIGNATURE'],
  },
  {
    name: 'recoverAddress(digest)',
    call: (x) => recoverAddress(x as Any, SIG),
    code: 'INVALID_DIGEST',
    accepts: isBytesOf(32),
    alsoOn: ['INVALID_SIGNATURE'],
  },
  {
    name: 'recoverAddress(signature)',
    call: (x) => recoverAddress(DIGEST, x as Any),
    code: 'INVALID_SIGNATURE',
    accepts: isBytesOf(65),
    alsoOn: ['INVALID_SIGNATURE'],
  },
  {
    name: 'publicKeyToAddress',
    call: (x) => publicKeyToAddress(x as Any),
    code: 'INVALID_PUBLIC_KEY',
    accepts: isBytesOrString,
    alsoOn: ['INVALID_PUBLIC_KEY'],
  },
  {
    name: 'getPublicKey(privateKey)',
    call: (x) => getPublicKey(x as Any),
    code: 'INVALID_KEY',
    accepts: isBytesOf(32),
    alsoOn: ['INVALID_KEY'],
  },
  {
    name: 'getPublicKey(compressed)',
    call: (x) => getPublicKey(PRIV, x as Any),
    code: 'INVALID_INPUT',
    accepts: (x) => x === undefined || typeof x === 'boolean',
  },
]

/** Values that look like bytes to a careless check but are not `Uint8Array`s (or have the wrong size). */
const LOOKALIKES: unknown[] = [
  undefined,
  null,
  0,
  32,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2n ** 64n,
  '',
  '00'.repeat(32),
  `0x${'11'.repeat(32)}`,
  true,
  Symbol('x'),
  () => KEY,
  {},
  { length: 32 },
  new Array(32).fill(0x11),
  new ArrayBuffer(32),
  new DataView(new ArrayBuffer(32)),
  new Uint8ClampedArray(32),
  new Int8Array(32),
  new Uint16Array(16),
  new Uint32Array(8),
  new Uint8Array(0),
  new Uint8Array(31),
  new Uint8Array(33),
  new Uint8Array(64),
  new Uint8Array(66),
  new Date(0),
  /00/,
  new Map(),
  Promise.resolve(KEY),
]

/** fc.anything() with typed arrays, boxed values, null-prototype objects…, minus sizes that would allocate GBs. */
const anything = fc
  .anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
  })
  .filter((x) => !(typeof x === 'number' && x > 1_000_000))

function check(row: Row, x: unknown): void {
  let result: unknown
  try {
    result = row.call(x)
  } catch (error) {
    if (!(error instanceof CryptoError)) {
      throw new Error(`${row.name} threw a non-CryptoError: ${String((error as Error)?.name)}`)
    }
    const allowed = row.accepts?.(x) ? (row.alsoOn ?? []) : [row.code]
    if (!allowed.includes(error.code)) {
      throw new Error(
        `${row.name} threw ${error.code}, expected one of ${allowed.join(', ') || '(no error)'}`,
      )
    }
    return
  }
  if (!row.accepts?.(x))
    throw new Error(`${row.name} accepted an invalid argument and returned ${typeof result}`)
}

describeEachBackend('input validation', () => {
  describe('every API rejects wrong-typed and wrong-sized input with the right CryptoError', () => {
    it.each(ROWS.map((row) => [row.name, row] as const))('%s — look-alike values', (_name, row) => {
      for (const x of LOOKALIKES) check(row, x)
    })

    it.each(ROWS.map((row) => [row.name, row] as const))('%s — fc.anything()', (_name, row) => {
      fc.assert(
        fc.property(anything, (x) => check(row, x)),
        { numRuns: 300 },
      )
    })

    it('verifyDigest never throws: any bad argument makes it return false', () => {
      const rows: Array<(x: unknown) => boolean> = [
        (x) => verifyDigest(x as Any, DIGEST, SIG),
        (x) => verifyDigest(PUB, x as Any, SIG),
        (x) => verifyDigest(PUB, DIGEST, x as Any),
      ]
      expect(verifyDigest(PUB, DIGEST, SIG)).toBe(true)
      for (const call of rows) {
        for (const x of LOOKALIKES) expect(call(x)).toBe(false)
        fc.assert(fc.property(anything, (x) => call(x) === false))
      }
    })

    it('isCryptoError never throws and is true only for CryptoErrors', () => {
      fc.assert(fc.property(anything, (x) => isCryptoError(x) === false))
      expect(isCryptoError(new Error('x'))).toBe(false)
      expect(isCryptoError(new CryptoError('INVALID_KEY', 'x'), 'INVALID_KEY')).toBe(true)
      expect(isCryptoError(new CryptoError('INVALID_KEY', 'x'), 'INVALID_HEX')).toBe(false)
    })

    it('CryptoError carries its code, name and cause', () => {
      const cause = new Error('inner')
      const error = new CryptoError('DECRYPTION_FAILED', 'authentication failed', { cause })
      expect(error).toBeInstanceOf(Error)
      expect(error.name).toBe('CryptoError')
      expect(error.code).toBe('DECRYPTION_FAILED')
      expect(error.cause).toBe(cause)
    })
  })
})
