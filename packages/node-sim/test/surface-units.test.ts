import { inflateSync, crc32 as nodeCrc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { base64UrlDecode, base64UrlEncode, blobCid } from '../src/core/cid.js'
import { adler32, crc32, encodePng, zlibStored } from '../src/core/png.js'
import { decodeAs, decodeStruct, unexpected } from '../src/core/serde-like.js'
import { SessionWindow } from '../src/core/session-window.js'
import {
  createNodeCore,
  decodeCapabilityCid,
  encodeCapabilityCid,
  fakeCapabilityCid,
  isNodeSimError,
} from '../src/index.js'
import { parseJsonLossless } from '../src/json-lossless.js'

describe('png', () => {
  it('crc32 and adler32 match zlib; stored zlib streams inflate, also above 64 KiB', () => {
    const data = new Uint8Array(70_000).map((_, i) => (i * 31) & 0xff)
    expect(crc32(data)).toBe(nodeCrc32(Buffer.from(data)))
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398)
    expect(Buffer.from(inflateSync(zlibStored(data)))).toEqual(Buffer.from(data))
    expect(inflateSync(zlibStored(new Uint8Array(0))).length).toBe(0)
  })

  it('rejects a pixel buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(11))).toThrow(/rgb must hold/)
    try {
      encodePng(2, 2, new Uint8Array(11))
    } catch (e) {
      expect(isNodeSimError(e, 'INVALID_INPUT')).toBe(true)
    }
    expect(encodePng(1, 1, new Uint8Array(3)).length).toBeGreaterThan(50)
  })
})

describe('capability CIDs', () => {
  it('round-trips; size is little-endian with trailing zero bytes trimmed', () => {
    const cid = fakeCapabilityCid('x', 33_554_432)
    const d = decodeCapabilityCid(cid)
    if ('error' in d) throw new Error(d.error)
    expect(d.size).toBe(33_554_432n)
    expect(base64UrlDecode(cid.slice(1))!.length).toBe(106 + 4)
    expect(base64UrlDecode(fakeCapabilityCid('y', 0).slice(1))!.length).toBe(107)
    expect(encodeCapabilityCid(d)).toBe(cid)
    expect(decodeCapabilityCid(`u${base64UrlEncode(new Uint8Array(107))}`)).toEqual({
      error: 'not an encrypted-blob capability',
    })
    expect(decodeCapabilityCid('uAAAA')).toEqual({ error: 'unexpected envelope length 3' })
    expect(blobCid(new Uint8Array([1, 2, 3]))).toMatch(/^u[A-Za-z0-9_-]+$/)
  })

  it('base64url matches Node for every length mod 3', () => {
    for (let n = 0; n < 8; n++) {
      const b = new Uint8Array(n).map((_, i) => i * 77)
      expect(base64UrlEncode(b)).toBe(Buffer.from(b).toString('base64url'))
      expect(base64UrlDecode(base64UrlEncode(b))).toEqual(b)
    }
    expect(base64UrlDecode('A')).toBeUndefined()
  })
})

describe('serde-like decoding', () => {
  it('formats unexpected values like serde', () => {
    const u = (t: string) => unexpected(parseJsonLossless(t))
    expect([u('null'), u('true'), u('"a"'), u('-3'), u('1.0'), u('1e3'), u('[1]'), u('{}')]).toEqual([
      'null',
      'boolean `true`',
      'string "a"',
      'integer `-3`',
      'floating point `1.0`',
      'floating point `1000.0`',
      'sequence',
      'map',
    ])
  })

  it('reports the alphabetically first bad key, then missing fields in declaration order', () => {
    const spec = {
      name: 'S',
      fields: [
        { name: 'z', kind: 'u32' as const },
        { name: 'a', kind: 'string' as const },
        { name: 'm', kind: 'bool' as const, optional: true },
      ],
    }
    expect(decodeStruct(parseJsonLossless('{"z":"x","m":1}'), spec)).toEqual({
      ok: false,
      message: 'invalid type: integer `1`, expected a boolean',
    })
    expect(decodeStruct(parseJsonLossless('{"m":null}'), spec)).toEqual({
      ok: false,
      message: 'missing field `z`',
    })
    expect(decodeStruct(parseJsonLossless('{"z":4294967296,"a":""}'), spec)).toEqual({
      ok: false,
      message: 'invalid value: integer `4294967296`, expected u32',
    })
    expect(decodeAs(parseJsonLossless('{"a":1,"b":2}'), { unitEnum: ['a', 'b'] })).toEqual({
      ok: false,
      message: 'invalid type: map, expected string or map',
    })
    expect(decodeAs(parseJsonLossless('"c"'), { unitEnum: ['a', 'b'] })).toEqual({
      ok: false,
      message: 'unknown variant `c`, expected one of `a`, `b`',
    })
  })
})

describe('options', () => {
  it('sliding per-session windows', () => {
    let t = 0
    const w = new SessionWindow(2, 100, () => t)
    w.record('a')
    w.record('a')
    expect(w.allows('a')).toBe(false)
    expect(w.allows('b')).toBe(true)
    t = 100
    expect(w.allows('a')).toBe(true)
  })

  it('rejects bad sidecar options and bad action faults with stable codes', () => {
    const bad = [
      { transcoder: { progress: [] } },
      { transcoder: { progress: [1.5] } },
      { transcoder: { pollIntervalMs: -1 } },
      { transcoder: { durationSeconds: Number.NaN } },
      { comfyui: { samplerSteps: [0] } },
      { comfyui: { pricePerToken: '1e3' } },
      { comfyui: { outputFiles: 0 } },
      { imageRateLimit: 0 },
      { diffusion: { delayMs: Number.POSITIVE_INFINITY } },
    ]
    for (const o of bad) {
      expect(() => createNodeCore(o), JSON.stringify(o)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      )
    }
    for (const faults of [
      { tamperActionReply: -1 },
      { wrongActionAad: 1 },
      { dropActionCompletion: 'yes' },
    ]) {
      expect(() => createNodeCore({ faults: faults as never })).toThrow(
        expect.objectContaining({ code: 'INVALID_FAULTS' }),
      )
    }
  })
})
