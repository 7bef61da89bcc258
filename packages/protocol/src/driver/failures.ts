import type { ConnectionClosed } from '../client/shell.js'
import { FabstirError } from '../errors.js'

/** Exponential backoff with full jitter: a random delay in [0, min(max, base·2^attempt)]. */
export function backoffDelay(
  policy: { baseDelayMs: number; maxDelayMs: number },
  attempt: number,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)
  return Math.floor(random() * ceiling)
}

/** Any thrown value as a typed error (a signer may reject with anything: null, undefined, a string). */
export function asFabstirError(e: unknown): FabstirError {
  return e instanceof FabstirError
    ? e
    : new FabstirError('CONNECTION_FAILED', 'unexpected failure', { cause: e })
}

/** Why a connection closed before the node's greeting: the carrier's diagnosis, or what the driver can tell. */
export function connectFailure(info: ConnectionClosed): FabstirError {
  if (info.failure) return info.failure
  const [cause, text] = info.opened
    ? ['closed-before-greeting', `opened but closed (code ${info.code}) before the node's greeting`]
    : ['unknown', `failed before it opened (code ${info.code})`]
  return new FabstirError('CONNECTION_FAILED', `cannot connect to the node: the connection ${text}`, {
    details: { cause },
  })
}
