import { bytesToHex, randomBytes } from '@fabstir/crypto'
import { describe, expect, it } from 'vitest'
import { NonceSet } from '../src/nonce-set.js'

describe('NonceSet (replay detector storage)', () => {
  it('remembers every added nonce across growth and never reports an unseen one', () => {
    const set = new NonceSet()
    const added = Array.from({ length: 20_000 }, () => bytesToHex(randomBytes(24)))
    for (const n of added) set.add(n)
    expect(set.size).toBe(20_000)
    for (const n of added) expect(set.has(n)).toBe(true)
    for (let i = 0; i < 20_000; i++) expect(set.has(bytesToHex(randomBytes(24)))).toBe(false)
  })

  it('treats 0x-prefixed and upper-case spellings of a nonce as the same nonce', () => {
    const set = new NonceSet()
    const n = bytesToHex(randomBytes(24))
    set.add(n)
    expect(set.has(`0x${n}`)).toBe(true)
    expect(set.has(n.toUpperCase())).toBe(true)
    set.add(`0x${n.toUpperCase()}`)
    expect(set.size).toBe(1)
  })

  it('handles fingerprints whose first word is zero, and forgets everything on clear()', () => {
    const set = new NonceSet()
    const zeroHi = `00000000${bytesToHex(randomBytes(20))}`
    set.add(zeroHi)
    expect(set.has(zeroHi)).toBe(true)
    set.clear()
    expect(set.size).toBe(0)
    expect(set.has(zeroHi)).toBe(false)
  })
})
