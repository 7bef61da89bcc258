import { afterEach, describe, expect, it, vi } from 'vitest'
import * as nobleDefault from '../src/backend/noble-default.js'
import { isNodeBackendAvailable, nodeBackend } from '../src/backend/node.js'
import * as nodeDefault from '../src/backend/node-default.js'
import { selectNodeDefault } from '../src/backend/node-default.js'
import {
  type CryptoBackend,
  CryptoError,
  deriveInitKey,
  ecdhSharedX,
  getCryptoBackend,
  getPublicKey,
  nobleBackend,
  open,
  seal,
  sealWithNonce,
  setCryptoBackend,
  sha256,
} from '../src/index.js'
import * as nodeEntry from '../src/node.js'

const KEY = new Uint8Array(32).fill(1)
const NONCE = new Uint8Array(24).fill(2)
const PRIV = new Uint8Array(32).fill(3)
const PUB = getPublicKey(new Uint8Array(32).fill(4))

/** The code of the error `fn` throws (by property, so it also works across re-imported module instances). */
function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return String((error as { code?: unknown }).code)
  }
  return 'no error'
}

/** A backend that delegates to noble and records which primitive ran. */
function recordingBackend(): CryptoBackend & { calls: string[] } {
  const calls: string[] = []
  return {
    name: 'recording',
    calls,
    xchachaSeal: (...args) => {
      calls.push('xchachaSeal')
      return nobleBackend.xchachaSeal(...args)
    },
    xchachaOpen: (...args) => {
      calls.push('xchachaOpen')
      return nobleBackend.xchachaOpen(...args)
    },
    ecdhX: (...args) => {
      calls.push('ecdhX')
      return nobleBackend.ecdhX(...args)
    },
    sha256: (data) => {
      calls.push('sha256')
      return nobleBackend.sha256(data)
    },
  }
}

const initial = getCryptoBackend()
afterEach(() => {
  setCryptoBackend(initial)
  vi.doUnmock('node:crypto')
  vi.doUnmock('#default-backend')
  vi.resetModules()
})

describe('default backend', () => {
  it('is the Node (OpenSSL) backend under Node.js when OpenSSL supports it, noble otherwise', () => {
    expect(initial).toBe(isNodeBackendAvailable() ? nodeBackend : nobleBackend)
    expect(nodeDefault.defaultBackend).toBe(initial)
  })

  it('falls back to noble when the platform lacks the primitives', () => {
    expect(selectNodeDefault(false)).toBe(nobleBackend)
    expect(selectNodeDefault(true)).toBe(nodeBackend)
  })

  it('both platform modules have the same shape; the browser one offers noble only', () => {
    expect(nobleDefault.defaultBackend).toBe(nobleBackend)
    expect(Object.keys(nobleDefault.builtinBackends)).toEqual(['noble'])
    expect(nobleDefault.builtinBackends.noble).toBe(nobleBackend)
    expect(nodeDefault.builtinBackends.noble).toBe(nobleBackend)
    expect(nodeDefault.builtinBackends.node).toBe(isNodeBackendAvailable() ? nodeBackend : undefined)
    expect(Object.isFrozen(nobleDefault.builtinBackends)).toBe(true)
    expect(Object.isFrozen(nodeDefault.builtinBackends)).toBe(true)
  })

  it('the @fabstir/crypto/node entry exports the node backend and its availability check', () => {
    expect(nodeEntry.nodeBackend).toBe(nodeBackend)
    expect(nodeEntry.isNodeBackendAvailable()).toBe(isNodeBackendAvailable())
    expect(nodeBackend.name).toBe('node')
    expect(nobleBackend.name).toBe('noble')
    expect(Object.isFrozen(nodeBackend)).toBe(true)
    expect(Object.isFrozen(nobleBackend)).toBe(true)
  })
})

describe('setCryptoBackend / getCryptoBackend', () => {
  it('switches by name and returns the previously active backend', () => {
    expect(setCryptoBackend('noble')).toBe(initial)
    expect(getCryptoBackend()).toBe(nobleBackend)
    if (isNodeBackendAvailable()) {
      expect(setCryptoBackend('node')).toBe(nobleBackend)
      expect(getCryptoBackend()).toBe(nodeBackend)
    }
    expect(setCryptoBackend(nobleBackend)).toBe(isNodeBackendAvailable() ? nodeBackend : nobleBackend)
  })

  it('routes seal, sealWithNonce, open, ecdhSharedX, deriveInitKey and sha256 through the active backend', () => {
    const backend = recordingBackend()
    setCryptoBackend(backend)
    expect(getCryptoBackend()).toBe(backend)
    const { nonce, ciphertext } = seal(KEY, 'hi', 'aad')
    sealWithNonce(KEY, NONCE, 'hi', 'aad')
    open(KEY, nonce, ciphertext, 'aad')
    ecdhSharedX(PRIV, PUB)
    deriveInitKey(PRIV, PUB)
    sha256('abc')
    expect(backend.calls).toEqual(['xchachaSeal', 'xchachaSeal', 'xchachaOpen', 'ecdhX', 'ecdhX', 'sha256'])
  })

  it('validates every input before the backend runs, so backends cannot change error codes', () => {
    const backend = recordingBackend()
    setCryptoBackend(backend)
    expect(codeOf(() => seal(new Uint8Array(31), 'x', 'a'))).toBe('INVALID_KEY')
    expect(codeOf(() => sealWithNonce(KEY, new Uint8Array(12), 'x', 'a'))).toBe('INVALID_NONCE_SIZE')
    expect(codeOf(() => open(KEY, NONCE, new Uint8Array(15), 'a'))).toBe('DECRYPTION_FAILED')
    expect(codeOf(() => ecdhSharedX(new Uint8Array(32), PUB))).toBe('INVALID_KEY')
    expect(codeOf(() => ecdhSharedX(PRIV, Uint8Array.of(2, ...new Uint8Array(32).fill(0xff))))).toBe(
      'INVALID_PUBLIC_KEY',
    )
    expect(codeOf(() => sha256(42 as unknown as string))).toBe('INVALID_INPUT')
    expect(backend.calls).toEqual([])
  })

  it('hands ECDH backends a validated 65-byte uncompressed point, whatever the caller passed', () => {
    const seen: Uint8Array[] = []
    setCryptoBackend({
      ...nobleBackend,
      name: 'spy',
      ecdhX: (priv, pub) => {
        seen.push(pub)
        return nobleBackend.ecdhX(priv, pub)
      },
    })
    const uncompressed = getPublicKey(new Uint8Array(32).fill(4), false)
    const results = [PUB, uncompressed, `0x${Buffer.from(PUB).toString('hex')}`].map((pub) =>
      Buffer.from(ecdhSharedX(PRIV, pub)).toString('hex'),
    )
    expect(new Set(results).size).toBe(1)
    for (const pub of seen) expect(Buffer.from(pub).equals(Buffer.from(uncompressed))).toBe(true)
    // The point handed over is a copy: a backend that scribbles on it cannot poison later calls.
    seen[0]!.fill(0)
    expect(Buffer.from(ecdhSharedX(PRIV, PUB)).toString('hex')).toBe(results[0])
  })

  it('turns any failure of a backend’s open into DECRYPTION_FAILED, but passes BACKEND_UNAVAILABLE through', () => {
    setCryptoBackend({
      ...nobleBackend,
      name: 'failing',
      xchachaOpen: () => {
        throw new TypeError('anything')
      },
    })
    expect(codeOf(() => open(KEY, NONCE, new Uint8Array(16), 'a'))).toBe('DECRYPTION_FAILED')
    setCryptoBackend({
      ...nobleBackend,
      name: 'unavailable-at-run-time',
      xchachaOpen: () => {
        throw new CryptoError('BACKEND_UNAVAILABLE', 'gone')
      },
    })
    expect(codeOf(() => open(KEY, NONCE, new Uint8Array(16), 'a'))).toBe('BACKEND_UNAVAILABLE')
  })

  it('rejects unknown names (INVALID_INPUT) and objects that are not backends', () => {
    expect(codeOf(() => setCryptoBackend('openssl' as 'node'))).toBe('INVALID_INPUT')
    expect(codeOf(() => setCryptoBackend('toString' as 'node'))).toBe('INVALID_INPUT')
    for (const bad of [
      undefined,
      null,
      1,
      {},
      { name: 'x' },
      { ...nobleBackend, name: 1 },
      () => nobleBackend,
    ]) {
      expect(codeOf(() => setCryptoBackend(bad as unknown as CryptoBackend))).toBe('INVALID_INPUT')
    }
    const { sha256: _omitted, ...withoutSha } = nobleBackend
    expect(codeOf(() => setCryptoBackend(withoutSha as CryptoBackend))).toBe('INVALID_INPUT')
    expect(getCryptoBackend()).toBe(initial)
  })

  it('refuses a backend that reports itself unavailable (BACKEND_UNAVAILABLE) and keeps the current one', () => {
    expect(codeOf(() => setCryptoBackend({ ...nobleBackend, name: 'x', isAvailable: () => false }))).toBe(
      'BACKEND_UNAVAILABLE',
    )
    expect(getCryptoBackend()).toBe(initial)
    const ok = { ...nobleBackend, name: 'y', isAvailable: () => true }
    setCryptoBackend(ok)
    expect(getCryptoBackend()).toBe(ok)
  })
})

describe('platforms without the Node backend', () => {
  it('a browser-like platform (noble-default) uses noble and refuses "node" with BACKEND_UNAVAILABLE', async () => {
    vi.resetModules()
    vi.doMock('#default-backend', () => import('../src/backend/noble-default.js'))
    const active = await import('../src/backend/active.js')
    const noble = await import('../src/backend/noble.js')
    expect(active.getCryptoBackend()).toBe(noble.nobleBackend)
    expect(codeOf(() => active.setCryptoBackend('node'))).toBe('BACKEND_UNAVAILABLE')
    expect(active.getCryptoBackend()).toBe(noble.nobleBackend)
  })

  it('a Node build whose OpenSSL lacks chacha20-poly1305 falls back to noble automatically', async () => {
    vi.resetModules()
    vi.doMock('node:crypto', async (importOriginal) => {
      const original = await importOriginal<typeof import('node:crypto')>()
      return { ...original, getCiphers: () => original.getCiphers().filter((c) => c !== 'chacha20-poly1305') }
    })
    const node = await import('../src/backend/node.js')
    const defaults = await import('../src/backend/node-default.js')
    const noble = await import('../src/backend/noble.js')
    const active = await import('../src/backend/active.js')
    expect(node.isNodeBackendAvailable()).toBe(false)
    expect(defaults.defaultBackend).toBe(noble.nobleBackend)
    expect(defaults.builtinBackends.node).toBeUndefined()
    expect(codeOf(() => node.nodeBackend.xchachaSeal(KEY, NONCE, new Uint8Array(1), new Uint8Array(0)))).toBe(
      'BACKEND_UNAVAILABLE',
    )
    expect(codeOf(() => node.nodeBackend.ecdhX(PRIV, PUB))).toBe('BACKEND_UNAVAILABLE')
    expect(codeOf(() => active.setCryptoBackend(node.nodeBackend))).toBe('BACKEND_UNAVAILABLE')
    expect(codeOf(() => active.setCryptoBackend('node'))).toBe('BACKEND_UNAVAILABLE')
  })

  it('a Node build without the secp256k1 curve falls back to noble too', async () => {
    vi.resetModules()
    vi.doMock('node:crypto', async (importOriginal) => {
      const original = await importOriginal<typeof import('node:crypto')>()
      return { ...original, getCurves: () => ['prime256v1'] }
    })
    const node = await import('../src/backend/node.js')
    const defaults = await import('../src/backend/node-default.js')
    expect(node.isNodeBackendAvailable()).toBe(false)
    expect(defaults.defaultBackend.name).toBe('noble')
  })
})
