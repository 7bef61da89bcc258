import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isNodeBackendAvailable, nodeBackend } from '../../src/backend/node.js'
import { type CryptoBackend, getCryptoBackend, nobleBackend, setCryptoBackend } from '../../src/index.js'

/**
 * Every backend this platform can run. The noble backend always; the Node (OpenSSL) backend when this Node build
 * has chacha20-poly1305 and secp256k1 — when it does not, the suites say so and skip it (see `describeEachBackend`).
 */
export const BACKENDS: readonly CryptoBackend[] = isNodeBackendAvailable()
  ? [nobleBackend, nodeBackend]
  : [nobleBackend]

/** Every backend the package ships, available or not (used to report what is skipped). */
const ALL_BACKENDS: readonly CryptoBackend[] = [nobleBackend, nodeBackend]

/**
 * Run `body` once per backend, with that backend active for the whole block (restored afterwards). Titles say
 * which backend ran, e.g. `AEAD round trip [backend: node]`. An unavailable backend gets a skipped block whose title
 * gives the reason.
 */
export function describeEachBackend(title: string, body: (backend: CryptoBackend) => void): void {
  for (const backend of ALL_BACKENDS) {
    const name = `${title} [backend: ${backend.name}]`
    if (!BACKENDS.includes(backend)) {
      describe.skip(`${name} — skipped: this Node build's OpenSSL lacks chacha20-poly1305 or secp256k1`, () => {
        it('runs the suite on this backend', () => {})
      })
      continue
    }
    describe(name, () => {
      let previous: CryptoBackend | undefined
      beforeAll(() => {
        previous = setCryptoBackend(backend)
      })
      afterAll(() => {
        if (previous) setCryptoBackend(previous)
      })
      it(`runs with the ${backend.name} backend active`, () => {
        expect(getCryptoBackend()).toBe(backend)
      })
      body(backend)
    })
  }
}
