import { bytesToHex, CryptoError, hexToBytes } from '@fabstir/crypto'
import { parseJson, WireJsonError } from '@fabstir/wire'
import fc from 'fast-check'
import type { Corpus } from '../corpus.js'
import { hostileFrameArb } from '../hostile-inputs.js'
import { type MutationLimits, mutatedTextArb, mutateText, mutationArb } from '../mutations.js'
import type { Tally } from '../tally.js'
import type { FuzzTarget, PreparedTarget } from '../target.js'

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const UNBOUNDED = { maxDepth: Number.POSITIVE_INFINITY, maxValues: Number.POSITIVE_INFINITY }

/**
 * Compare `parseJson`'s result with `JSON.parse`'s without recursion (inputs nest 100,000 deep): identical, except
 * that an integer beyond ±(2^53 − 1) may be an exact bigint where `JSON.parse` has the rounded number.
 */
export function sameAsJsonParse(lossless: unknown, native: unknown): string | undefined {
  const stack: [unknown, unknown, string][] = [[lossless, native, '']]
  while (stack.length > 0) {
    const [a, b, path] = stack.pop()!
    if (typeof a === 'bigint') {
      if (typeof b !== 'number' || Number(a) !== b) return `${path}: bigint ${a} vs ${String(b)}`
      if (a <= MAX_SAFE && a >= -MAX_SAFE) return `${path}: bigint ${a} is a safe integer`
      continue
    }
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return `${path}: array mismatch`
      for (let i = 0; i < a.length; i++) stack.push([a[i], b[i], `${path}/${i}`])
      continue
    }
    if (a !== null && typeof a === 'object') {
      if (b === null || typeof b !== 'object' || Array.isArray(b)) return `${path}: object mismatch`
      const ka = Object.keys(a)
      const kb = Object.keys(b)
      if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return `${path}: keys differ`
      for (const k of ka)
        stack.push([(a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}/${k}`])
      continue
    }
    if (!Object.is(a, b)) return `${path}: ${String(a)} vs ${String(b)}`
  }
  return undefined
}

/** `parseJson` (the SDK's lossless JSON parser) differentially against `JSON.parse`. */
export const parseJsonTarget: FuzzTarget = {
  name: 'parse-json',
  description:
    'parseJson vs JSON.parse (valid, random, mutated real frames, big integers, deep nesting, hostile shapes); ' +
    'the frame limits refuse only what exceeds them',
  weight: 0.15,
  ciRuns: 3_000,
  async prepare(corpus: Corpus, limits: MutationLimits): Promise<PreparedTarget<unknown>> {
    const frames = [...corpus.nodeFrames, ...corpus.clientFrames]
    const arbitrary = fc.oneof(
      { weight: 2, arbitrary: fc.json() },
      { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
      { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'{}[]",:0123456789.eE+-tfnul\\ ') }) },
      { weight: 4, arbitrary: mutatedTextArb(frames, frames, limits) },
      { weight: 1, arbitrary: fc.bigInt().map((b) => `{"n":${b},"a":[${b},-${b}]}`) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(1, 16, 127, 128, 129, 1_000, 10_000, 100_000, 200_000), fc.boolean())
          .map(([d, obj]) =>
            obj ? `${'{"a":'.repeat(d)}0${'}'.repeat(d)}` : `${'['.repeat(d)}${']'.repeat(d)}`,
          ),
      },
      { weight: 1, arbitrary: fc.anything() },
      { weight: 2, arbitrary: hostileFrameArb(limits) },
    )
    return {
      arbitrary,
      check(input: unknown, tally: Tally): void {
        let native: unknown
        let nativeFailed = false
        if (typeof input === 'string') {
          try {
            native = JSON.parse(input)
          } catch {
            nativeFailed = true
          }
        }
        // The frame limits (the default) refuse only text that breaks them, with JSON_LIMIT_EXCEEDED and a
        // position; on any other text they give exactly what the unbounded parse gives.
        let limited: unknown
        let limitedError: unknown
        try {
          limited = parseJson(input as string)
        } catch (e) {
          limitedError = e
        }
        if (limitedError instanceof WireJsonError && limitedError.code === 'JSON_LIMIT_EXCEEDED') {
          if (typeof input !== 'string' || limitedError.position === undefined) {
            tally.find('invariant', 'a limit error without a position', input)
            return
          }
          tally.outcome('rejected', limitedError.code)
          return
        }
        let lossless: unknown
        try {
          lossless = parseJson(input as string, UNBOUNDED)
          if (limitedError !== undefined) {
            tally.find('invariant', 'the limited parse failed on text within the limits', input)
            return
          }
          const differs = sameAsJsonParse(limited, native)
          if (differs !== undefined) {
            tally.find('invariant', `the limited parse differs at ${differs.slice(0, 120)}`, input)
            return
          }
        } catch (e) {
          if (!(e instanceof WireJsonError) || e.code !== 'INVALID_JSON') {
            tally.find('untyped', `parseJson threw ${e instanceof Error ? e.name : typeof e}`, input)
            return
          }
          if (typeof input === 'string' && !nativeFailed) {
            tally.find('invariant', 'parseJson rejected text that JSON.parse accepts', input)
            return
          }
          const pos = e.position
          if (typeof input === 'string' && pos !== undefined && !(pos >= 0 && pos <= input.length)) {
            tally.find('invariant', `error position ${pos} outside the text`, input)
            return
          }
          tally.outcome('rejected', e.code)
          return
        }
        if (typeof input !== 'string' || nativeFailed) {
          tally.find('invariant', 'parseJson accepted input that JSON.parse rejects', input)
          return
        }
        const diff = sameAsJsonParse(lossless, native)
        if (diff !== undefined) {
          tally.find('invariant', `parseJson result differs from JSON.parse at ${diff.slice(0, 120)}`, input)
          return
        }
        tally.outcome('accepted')
      },
    }
  },
}

const HEX_RULE = /^(?:0x)?(?:[0-9a-fA-F]{2})*$/

/** `hexToBytes` against the node's hex rules (optional lowercase `0x`, either case, even length, nothing else). */
export const hexToBytesTarget: FuzzTarget = {
  name: 'hex-to-bytes',
  description: 'hexToBytes vs the node hex rules (random, near-hex, real hex fields mutated, non-strings)',
  weight: 0.15,
  ciRuns: 3_000,
  async prepare(corpus: Corpus, _limits: MutationLimits): Promise<PreparedTarget<unknown>> {
    const hexFields: string[] = []
    for (const f of [...corpus.nodeFrames, ...corpus.clientFrames]) {
      const payload = (f as { payload?: Record<string, unknown> }).payload
      if (payload && typeof payload === 'object') {
        for (const v of Object.values(payload)) if (typeof v === 'string') hexFields.push(v)
      }
    }
    const nearHex = fc.constantFrom(
      ...'0123456789abcdefABCDEF',
      'x',
      'X',
      'g',
      'G',
      ' ',
      '\u0660',
      '\uff10',
      '\u0000',
      '-',
      'é',
      '\ud800',
    )
    const arbitrary = fc.oneof(
      { weight: 3, arbitrary: fc.array(nearHex, { maxLength: 80 }).map((a) => a.join('')) },
      { weight: 2, arbitrary: fc.array(nearHex, { maxLength: 80 }).map((a) => `0x${a.join('')}`) },
      { weight: 1, arbitrary: fc.array(nearHex, { maxLength: 20 }).map((a) => `0X${a.join('')}`) },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 128 }).map((b) => bytesToHex(b)) },
      {
        weight: 1,
        arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => `0x${bytesToHex(b).toUpperCase()}`),
      },
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.constantFrom(...hexFields), fc.array(mutationArb, { minLength: 1, maxLength: 3 }))
          .map(([h, ms]) => ms.reduce((t, m) => mutateText(t, m), h)),
      },
      { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
      { weight: 1, arbitrary: fc.anything() },
    )
    return {
      arbitrary,
      check(input: unknown, tally: Tally): void {
        const valid = typeof input === 'string' && HEX_RULE.test(input)
        let bytes: Uint8Array
        try {
          bytes = hexToBytes(input as string)
        } catch (e) {
          if (!(e instanceof CryptoError) || e.code !== 'INVALID_HEX') {
            tally.find(
              'untyped',
              `hexToBytes threw ${e instanceof Error ? `${e.name} ${String((e as { code?: unknown }).code)}` : typeof e}`,
              input,
            )
            return
          }
          if (valid) tally.find('invariant', 'hexToBytes rejected valid hex', input)
          else tally.outcome('rejected', e.code)
          return
        }
        if (!valid) {
          tally.find('invariant', 'hexToBytes accepted invalid hex', input)
          return
        }
        const digits = (input as string).startsWith('0x') ? (input as string).slice(2) : (input as string)
        if (!(bytes instanceof Uint8Array) || bytesToHex(bytes) !== digits.toLowerCase()) {
          tally.find('invariant', 'hexToBytes decoded to different bytes', input)
          return
        }
        tally.outcome('accepted')
      },
    }
  },
}
