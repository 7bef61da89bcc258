import { hexToBytes, keccak256, recoverAddress, signDigest, utf8ToBytes } from '@fabstir/crypto'
import { checkWalletSignature, type DigestSigner, FabstirError, walletFailure } from '@fabstir/protocol'
import fc from 'fast-check'
import { testIdentity } from '../../common/identities.js'
import type { Tally } from '../tally.js'
import type { FuzzTarget, PreparedTarget } from '../target.js'

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const MAX_MESSAGE = 4096
const PERSONAL = utf8ToBytes('\x19Ethereum Signed Message:\n32')

/** What a wallet's `signDigest` did: threw/rejected with a value, or resolved with one. */
type WalletCase =
  | { kind: 'throw'; value: unknown }
  | { kind: 'return'; digest: number; value: unknown; warm: boolean }

function withS(sig: Uint8Array, s: bigint): Uint8Array {
  const out = sig.slice()
  out.set(hexToBytes(s.toString(16).padStart(64, '0')), 32)
  return out
}

/** A getter that throws: a hostile rejection value nothing can be read from. */
const UNREADABLE = new Proxy(
  {},
  {
    get() {
      throw new Error('no')
    },
    getPrototypeOf() {
      throw new Error('no')
    },
  },
)

/**
 * Every wallet misbehaviour (issue 15 #3 and #9) against the one signature check of `@fabstir/protocol`: rejections
 * with anything (null, undefined, strings, objects, unreadable proxies), and resolutions with anything — wrong
 * types and lengths, another key's signature, EIP-191 signatures, flipped or out-of-range v, high-S, bit flips — on
 * a wallet seen for the first time (full recovery) and on one already known (the cheap known-key check). Oracle:
 * a signature is accepted exactly when full recovery yields the wallet's address; every refusal is a typed
 * `UNSUPPORTED_SIGNER` or (never retryable) `CLIENT_ADDRESS_MISMATCH`; every rejection a typed `SIGNER_FAILED` or
 * `UNSUPPORTED_SIGNER` with a bounded message.
 */
export const walletSignatureTarget: FuzzTarget = {
  name: 'wallet-signature',
  description:
    'checkWalletSignature / walletFailure vs full recovery (every signer misbehaviour, cold and warm)',
  weight: 0.04,
  ciRuns: 600,
  async prepare(): Promise<PreparedTarget<unknown>> {
    const me = testIdentity('fuzz-wallet')
    const other = testIdentity('fuzz-wallet-other')
    const myKey = hexToBytes(me.privateKeyHex)
    const otherKey = hexToBytes(other.privateKeyHex)
    const address = me.address as `0x${string}`
    const warmSigner: DigestSigner = { address, signDigest: async (d) => signDigest(myKey, d) }
    const digests = Array.from({ length: 8 }, (_, i) => keccak256(`fuzz digest ${i}`))
    const mine = digests.map((d) => signDigest(myKey, d))
    const theirs = digests.map((d) => signDigest(otherKey, d))
    const personal = digests.map((d) => {
      const m = new Uint8Array(PERSONAL.length + 32)
      m.set(PERSONAL)
      m.set(d, PERSONAL.length)
      return signDigest(myKey, keccak256(m))
    })
    // Warm the known-key path.
    checkWalletSignature(digests[0]!, mine[0], warmSigner)

    const mutation = fc.oneof(
      fc.constant((s: Uint8Array) => s),
      fc.constant((s: Uint8Array) => {
        const o = s.slice()
        o[64] = o[64]! + 27
        return o
      }),
      fc.constant((s: Uint8Array) => {
        const o = s.slice()
        o[64] = o[64]! ^ 1
        return o
      }),
      fc.integer({ min: 0, max: 255 }).map((v) => (s: Uint8Array) => {
        const o = s.slice()
        o[64] = v
        return o
      }),
      fc.constant((s: Uint8Array) => {
        const high = withS(s, N - BigInt(`0x${Buffer.from(s.subarray(32, 64)).toString('hex')}`))
        high[64] = high[64]! ^ 1
        return high
      }),
      fc.constant((s: Uint8Array) => withS(s, N)),
      fc.nat({ max: 65 * 8 - 1 }).map((bit) => (s: Uint8Array) => {
        const o = s.slice()
        o[bit >> 3] = o[bit >> 3]! ^ (1 << (bit & 7))
        return o
      }),
      fc.constant((s: Uint8Array) => s.slice(0, 64)),
      fc.constant((s: Uint8Array) => Uint8Array.from([...s, 0])),
      fc.constant((s: Uint8Array) => Array.from(s)),
      fc.constant((s: Uint8Array) => Buffer.from(s).toString('hex')),
    )
    const returned: fc.Arbitrary<WalletCase> = fc.record({
      kind: fc.constant('return' as const),
      digest: fc.nat({ max: digests.length - 1 }),
      warm: fc.boolean(),
      value: fc.oneof(
        { weight: 6, arbitrary: fc.tuple(fc.constantFrom(mine, theirs, personal), mutation) },
        { weight: 1, arbitrary: fc.anything() },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }) },
        { weight: 1, arbitrary: fc.uint8Array({ minLength: 65, maxLength: 65 }) },
      ),
    })
    const thrown: fc.Arbitrary<WalletCase> = fc.record({
      kind: fc.constant('throw' as const),
      value: fc.oneof(
        fc.anything(),
        fc.constantFrom(null, undefined, UNREADABLE, new Error('user rejected')),
        fc.string().map((m) => Object.assign(new Error(m), { code: 'UNSUPPORTED_SIGNER' })),
        fc.integer({ min: 0, max: 100_000 }).map((n) => new Error('x'.repeat(n))),
      ),
    })
    return {
      arbitrary: fc.oneof(
        { weight: 3, arbitrary: returned },
        { weight: 1, arbitrary: thrown },
      ) as fc.Arbitrary<unknown>,
      check(raw: unknown, tally: Tally): void {
        const c = raw as WalletCase
        if (c.kind === 'throw') {
          let e: unknown
          try {
            e = walletFailure(c.value)
          } catch (err) {
            tally.find('uncaught', `walletFailure threw ${String(err).slice(0, 80)}`, c)
            return
          }
          if (
            !(e instanceof FabstirError) ||
            (e.code !== 'SIGNER_FAILED' && e.code !== 'UNSUPPORTED_SIGNER') ||
            e.message.length > MAX_MESSAGE
          ) {
            tally.find('untyped', 'a wallet rejection did not become a bounded SIGNER_FAILED', c)
            return
          }
          tally.outcome('rejected', e.code)
          return
        }
        const digest = digests[c.digest]!
        const pair = c.value as [Uint8Array[], (s: Uint8Array) => unknown] | unknown
        const value =
          Array.isArray(pair) && pair.length === 2 && typeof pair[1] === 'function'
            ? (pair[1] as (s: Uint8Array) => unknown)((pair[0] as Uint8Array[])[c.digest]!)
            : c.value
        let truth = false
        if (value instanceof Uint8Array && value.length === 65) {
          try {
            truth = recoverAddress(digest, value) === address
          } catch {
            truth = false
          }
        }
        const signer: DigestSigner = c.warm ? warmSigner : { address, signDigest: warmSigner.signDigest }
        let out: Uint8Array
        try {
          out = checkWalletSignature(digest, value, signer)
        } catch (e) {
          if (!(e instanceof FabstirError)) {
            tally.find('untyped', `checkWalletSignature threw ${String(e).slice(0, 80)}`, c)
            return
          }
          if (e.code !== 'UNSUPPORTED_SIGNER' && e.code !== 'CLIENT_ADDRESS_MISMATCH') {
            tally.find('untyped', `unexpected code ${e.code}`, c)
            return
          }
          if (e.code === 'CLIENT_ADDRESS_MISMATCH' && e.retryable) {
            tally.find('invariant', 'an address mismatch is marked retryable', c)
            return
          }
          if (truth) {
            tally.find('invariant', `a valid signature was refused (${e.code})`, c)
            return
          }
          tally.outcome('rejected', e.code)
          return
        }
        if (!truth || out[64]! > 1 || recoverAddress(digest, out) !== address) {
          tally.find('unauthenticated', 'a signature that does not recover to the wallet was accepted', c)
          return
        }
        tally.outcome('accepted')
      },
    }
  },
}
