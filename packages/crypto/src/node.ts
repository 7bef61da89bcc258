/**
 * `@fabstir/crypto/node` — the Node.js (OpenSSL) backend, for callers that want to pick it explicitly:
 *
 * ```ts
 * import { setCryptoBackend } from '@fabstir/crypto'
 * import { isNodeBackendAvailable, nodeBackend } from '@fabstir/crypto/node'
 * if (isNodeBackendAvailable()) setCryptoBackend(nodeBackend)
 * ```
 *
 * Under Node.js it is already the default whenever it is available. This entry point is exported under the `node`
 * condition only; browser bundles cannot resolve it.
 * @packageDocumentation
 */
export { isNodeBackendAvailable, nodeBackend } from './backend/node.js'
