import { nobleBackend } from './noble.js'
import { isNodeBackendAvailable, nodeBackend } from './node.js'
import type { CryptoBackend, CryptoBackendName } from './types.js'

/**
 * The default on a platform with `node:crypto`: the OpenSSL backend when `available` (the build has
 * chacha20-poly1305 and secp256k1), noble otherwise.
 */
export function selectNodeDefault(available: boolean): CryptoBackend {
  return available ? nodeBackend : nobleBackend
}

/** Default backend under the `node` export condition: OpenSSL when this build supports it, else noble. */
export const defaultBackend: CryptoBackend = selectNodeDefault(isNodeBackendAvailable())

/** Built-in backends usable here: noble always, node when OpenSSL supports it. */
export const builtinBackends: Readonly<Partial<Record<CryptoBackendName, CryptoBackend>>> = Object.freeze(
  isNodeBackendAvailable() ? { noble: nobleBackend, node: nodeBackend } : { noble: nobleBackend },
)
