import { CryptoError, recoverAddress, sha256 } from '@fabstir/crypto'
import { FabstirError } from '@fabstir/protocol'
import type { ClientStatus } from '@fabstir/transport-ws'
import { describe, expect, it } from 'vitest'
import { DEFAULT_NODE_URL, readConfig } from '../src/config.js'
import { formatError } from '../src/format-error.js'
import { createThrowawaySigner } from '../src/signer.js'
import { badgeStateFor } from '../src/status-badge.js'

describe('readConfig', () => {
  it('uses the defaults for an empty query', () => {
    expect(readConfig('')).toEqual({
      url: DEFAULT_NODE_URL,
      nodePublicKey: '',
      allowPlaintextFallback: false,
      jobId: '1',
      modelName: 'tiny-vicuna',
      pricePerToken: 2_272_727_273n,
      autoConnect: false,
    })
  })

  it('reads url, key, fallback, job, model, price and connect', () => {
    const q = new URLSearchParams({
      url: ' ws://127.0.0.1:9/v1/ws ',
      key: '0x02ab',
      fallback: '1',
      job: '18446744073709551615',
      model: 'llama',
      price: '99999999999999999999',
      connect: 'true',
    })
    expect(readConfig(`?${q}`)).toEqual({
      url: 'ws://127.0.0.1:9/v1/ws',
      nodePublicKey: '0x02ab',
      allowPlaintextFallback: true,
      jobId: '18446744073709551615',
      modelName: 'llama',
      pricePerToken: 99_999_999_999_999_999_999n,
      autoConnect: true,
    })
  })

  it('ignores malformed numbers and any fallback value but 1/true', () => {
    const c = readConfig('?job=-3&price=1.5&fallback=yes')
    expect(c.jobId).toBe('1')
    expect(c.pricePerToken).toBe(2_272_727_273n)
    expect(c.allowPlaintextFallback).toBe(false)
  })
})

describe('badgeStateFor', () => {
  it('maps every client status', () => {
    const cases: Array<[ClientStatus, boolean, string]> = [
      ['connecting', false, 'connecting'],
      ['connected', false, 'connecting'],
      ['encrypted', true, 'encrypted'],
      ['plaintext', false, 'plaintext'],
      ['reconnecting', true, 'reconnecting'],
      ['failed', true, 'error'],
      ['closed', false, 'idle'],
    ]
    for (const [status, encrypted, state] of cases) expect(badgeStateFor(status, encrypted)).toBe(state)
  })

  it('never shows encrypted unless the session says so', () => {
    expect(badgeStateFor('encrypted', false)).toBe('plaintext')
    expect(badgeStateFor('plaintext', false)).toBe('plaintext')
  })
})

describe('formatError', () => {
  it('shows code, message and the link to what to do on one line', () => {
    const e = new FabstirError('TIMEOUT', 'timed out after 10 ms\nwaiting for the node (connect)')
    const text = formatError(e)
    expect(text.startsWith('TIMEOUT: timed out after 10 ms waiting for the node (connect)')).toBe(true)
    expect(
      text.endsWith(
        ' — https://github.com/fabstir/fabstir-e2e-sdk/blob/main/docs/troubleshooting.md#timeout',
      ),
    ).toBe(true)
    expect(text).not.toMatch(/\n|\bat /)
  })

  it("prefers the node's own message", () => {
    const e = new FabstirError('SESSION_KEY_NOT_FOUND', 'node error SESSION_KEY_NOT_FOUND: wrapped', {
      nodeMessage: 'Session key not found',
    })
    expect(formatError(e)).toMatch(/^SESSION_KEY_NOT_FOUND: Session key not found — /)
  })

  it('handles crypto errors, plain errors, non-errors and very long text', () => {
    expect(formatError(new CryptoError('INVALID_HEX', 'bad hex'))).toBe(
      `INVALID_HEX: bad hex — ${new CryptoError('INVALID_HEX', 'x').docsUrl}`,
    )
    expect(formatError(new RangeError('out of range'))).toBe('out of range')
    expect(formatError('boom')).toBe('UNEXPECTED: boom')
    const long = formatError(new RangeError('x'.repeat(1000)))
    expect(long).toHaveLength(300)
    expect(long.endsWith('…')).toBe(true)
  })
})

describe('createThrowawaySigner', () => {
  it('signs raw digests that recover to its own address', async () => {
    const signer = createThrowawaySigner()
    const digest = sha256('ciphertext')
    const signature = await signer.signDigest(digest)
    expect(signature).toHaveLength(65)
    expect(recoverAddress(digest, signature)).toBe(signer.address.toLowerCase())
  })

  it('uses a fresh key each time and refuses to sign once disposed', async () => {
    const a = createThrowawaySigner()
    const b = createThrowawaySigner()
    expect(a.address).not.toBe(b.address)
    a.dispose()
    await expect(a.signDigest(sha256('x'))).rejects.toMatchObject({ code: 'INVALID_KEY' })
    await expect(b.signDigest(sha256('x'))).resolves.toHaveLength(65)
  })
})
