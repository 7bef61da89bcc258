import { describe, expect, it } from 'vitest'
import { checkNonceUniqueness } from '../src/nonce/nonce-uniqueness.js'

/** 1,000,000 small seals take about 10 s here, so CI runs the full count. */
const SEALS = 1_000_000

describe('nonces never repeat', () => {
  it(`${SEALS.toLocaleString('en-US')} seals produce ${SEALS.toLocaleString('en-US')} distinct 24-byte nonces`, () => {
    const r = checkNonceUniqueness(SEALS)
    process.stdout.write(`${JSON.stringify(r)}\n`)
    expect(r).toMatchObject({ seals: SEALS, wrongLength: 0, duplicates: 0 })
    expect(r.memoryBytes).toBeLessThanOrEqual(SEALS * 40)
  }, 120_000)

  it('the checker finds repeats and short nonces (so the check above can fail)', () => {
    const repeating = checkNonceUniqueness(1000, (i) => {
      const n = new Uint8Array(24)
      new DataView(n.buffer).setUint32(20, i % 400)
      return n
    })
    expect(repeating.duplicates).toBe(600)
    const prefixOnly = checkNonceUniqueness(10, (i) => {
      const n = new Uint8Array(24).fill(7)
      n[23] = i
      return n
    })
    expect(prefixOnly.duplicates).toBe(0)
    const short = checkNonceUniqueness(10, (i) => new Uint8Array(i % 2 === 0 ? 24 : 12).fill(i))
    expect(short.wrongLength).toBe(5)
  })
})
