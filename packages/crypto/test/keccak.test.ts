import { keccak_256 } from '@noble/hashes/sha3.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesToHex, keccak256 } from '../src/index.js'
import { keccak256Bytes } from '../src/keccak.js'

describe('keccak256 (the sponge around noble keccakP)', () => {
  it('matches the published vectors', () => {
    expect(bytesToHex(keccak256(new Uint8Array(0)))).toBe(
      'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    )
    expect(bytesToHex(keccak256('abc'))).toBe(
      '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
    )
    expect(bytesToHex(keccak256('The quick brown fox jumps over the lazy dog'))).toBe(
      '4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15',
    )
  })

  it("equals noble's keccak_256 for every length from 0 to 700 bytes (five rate blocks and their edges)", () => {
    for (let n = 0; n <= 700; n++) {
      const data = new Uint8Array(n).map((_, i) => (i * 131 + n * 7) & 0xff)
      expect(bytesToHex(keccak256Bytes(data)), `length ${n}`).toBe(bytesToHex(keccak_256(data)))
    }
  })

  it("equals noble's keccak_256 on random inputs and leaves the input unchanged", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        const copy = data.slice()
        expect(bytesToHex(keccak256Bytes(data))).toBe(bytesToHex(keccak_256(data)))
        expect(data).toEqual(copy)
      }),
      { numRuns: 300 },
    )
  })
})
