import { nobleBackend } from './noble.js'
import type { CryptoBackend, CryptoBackendName } from './types.js'

/**
 * Default backend for every platform except Node.js (browsers, workers, Deno/Bun without the `node` condition):
 * noble only. Selected by the `default` branch of the package's `#default-backend` import; it never imports
 * `node:crypto`.
 */
export const defaultBackend: CryptoBackend = nobleBackend

/** Built-in backends usable here: noble only. */
export const builtinBackends: Readonly<Partial<Record<CryptoBackendName, CryptoBackend>>> =
  /*#__PURE__*/ Object.freeze({
    noble: nobleBackend,
  })
