import { hexToBytes, signDigest } from '@fabstir/crypto'
import type { DigestSigner } from '@fabstir/protocol'
import type { TestIdentity } from '../common/identities.js'
import type { Prng } from './prng.js'
import type { VirtualScheduler } from './scheduler.js'

/** How the wallet misbehaves on one of its calls (the signer is the client core's one asynchronous call). */
export type SignerFault =
  | 'hang'
  | 'reject-null'
  | 'reject-undefined'
  | 'reject-string'
  | 'garbage'
  | 'wrong-key'

/** The wallet of one schedule. */
export interface SignerPlan {
  /** Time the wallet takes per signature, [min, max] virtual ms. */
  delayMs: readonly [number, number]
  /** A fault on call number `onCall` (1-based), if any. */
  fault?: { kind: SignerFault; onCall: number }
}

/**
 * A raw-digest wallet on the virtual clock: signs with `@fabstir/crypto` (fast, deterministic RFC 6979) and answers
 * after a drawn delay; one call may hang, reject with junk, return garbage or sign with another key.
 */
export function simSigner(
  identity: TestIdentity,
  other: TestIdentity,
  sched: VirtualScheduler,
  prng: Prng,
  plan: SignerPlan,
): DigestSigner {
  const key = hexToBytes(identity.privateKeyHex)
  const otherKey = hexToBytes(other.privateKeyHex)
  let calls = 0
  return {
    address: identity.address,
    signDigest(digest: Uint8Array): Promise<Uint8Array> {
      calls++
      const delay = prng.int(plan.delayMs[0], plan.delayMs[1])
      const fault = plan.fault?.onCall === calls ? plan.fault.kind : undefined
      if (fault === 'hang') return new Promise(() => {})
      const answer = sched.sleep(delay, 'wallet')
      switch (fault) {
        case 'reject-null':
          return answer.then(() => Promise.reject(null))
        case 'reject-undefined':
          return answer.then(() => Promise.reject(undefined))
        case 'reject-string':
          return answer.then(() => Promise.reject('user rejected'))
        case 'garbage':
          return answer.then(() => new Uint8Array([1, 2, 3]))
        case 'wrong-key': {
          const signature = signDigest(otherKey, digest)
          return answer.then(() => signature)
        }
        default: {
          const signature = signDigest(key, digest)
          return answer.then(() => signature)
        }
      }
    },
  }
}
