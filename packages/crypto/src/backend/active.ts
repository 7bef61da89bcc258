import { builtinBackends, defaultBackend } from '#default-backend'
import { CryptoError } from '../errors.js'
import type { CryptoBackend, CryptoBackendName } from './types.js'

let active: CryptoBackend = defaultBackend

const METHODS = ['xchachaSeal', 'xchachaOpen', 'ecdhX', 'sha256'] as const

function isBackend(value: unknown): value is CryptoBackend {
  if (value === null || typeof value !== 'object') return false
  const candidate = value as Record<string, unknown>
  return typeof candidate.name === 'string' && METHODS.every((m) => typeof candidate[m] === 'function')
}

/** The backend that `seal`, `sealWithNonce`, `open`, `ecdhSharedX`, `deriveInitKey` and `sha256` currently use. */
export function getCryptoBackend(): CryptoBackend {
  return active
}

/**
 * Choose the backend for `seal`, `sealWithNonce`, `open`, `ecdhSharedX`, `deriveInitKey` and `sha256`, process-wide.
 * Pass a built-in name (`'noble'` anywhere, `'node'` in Node.js when its OpenSSL supports the primitives) or a
 * backend object such as `nobleBackend`, or `nodeBackend` from `@fabstir/crypto/node`. Returns the previously active
 * backend, so that a caller can restore it. Throws `BACKEND_UNAVAILABLE` for a backend this platform lacks and
 * `INVALID_INPUT` for anything that is not a backend. The default is chosen automatically: `node` under Node.js when
 * available, else `noble`. Every backend produces the same bytes; only speed differs.
 */
export function setCryptoBackend(backend: CryptoBackend | CryptoBackendName): CryptoBackend {
  let next: CryptoBackend
  if (typeof backend === 'string') {
    const builtin = Object.hasOwn(builtinBackends, backend) ? builtinBackends[backend] : undefined
    if (builtin === undefined) {
      if (backend === 'noble' || backend === 'node') {
        throw new CryptoError('BACKEND_UNAVAILABLE', `the ${backend} crypto backend is not available here`)
      }
      throw new CryptoError('INVALID_INPUT', 'unknown crypto backend name (expected "noble" or "node")')
    }
    next = builtin
  } else if (isBackend(backend)) {
    if (backend.isAvailable !== undefined && backend.isAvailable() !== true) {
      throw new CryptoError('BACKEND_UNAVAILABLE', `the ${backend.name} crypto backend is not available here`)
    }
    next = backend
  } else {
    throw new CryptoError(
      'INVALID_INPUT',
      'a crypto backend needs a string name and xchachaSeal, xchachaOpen, ecdhX and sha256 functions',
    )
  }
  const previous = active
  active = next
  return previous
}
