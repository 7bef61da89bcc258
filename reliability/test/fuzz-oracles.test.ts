import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { deterministicCorpus } from '../src/fuzz/fixtures.js'
import { type Mutation, mutateFrame } from '../src/fuzz/mutations.js'
import { judgeCheckResult, secretLikeStrings } from '../src/fuzz/oracles.js'
import { runPrepared } from '../src/fuzz/run-target.js'
import { buildEncryptedTemplates, cloneSession, sessionKeyOf } from '../src/fuzz/session-templates.js'
import { Tally } from '../src/fuzz/tally.js'
import { allocateCases, FUZZ_TARGETS } from '../src/fuzz/targets/index.js'
import { sameAsJsonParse } from '../src/fuzz/targets/parse.js'

/** The fuzz harness's own oracles must be able to fail: each is fed a defect and must report it. */
describe('fuzz harness self-checks', () => {
  it('runPrepared reports a throwing oracle, a slow case and keeps counting after findings', () => {
    let n = 0
    const report = runPrepared(
      'self-test',
      {
        arbitrary: fc.nat(),
        check(_input, tally: Tally) {
          n++
          if (n === 3) throw new TypeError('boom')
          if (n === 5) {
            const until = performance.now() + 30
            while (performance.now() < until) {
              // busy: a slow case
            }
          }
          tally.outcome('accepted')
        },
      },
      { runs: 10, seed: 1, caseLimitMs: 20 },
    )
    expect(report.cases).toBe(10)
    expect(report.findings.map((f) => f.kind)).toEqual(['uncaught', 'hang'])
    expect(report.accepted).toBe(9)
    expect(report.firstFinding).toEqual({ seed: 1, run: 3 })
  })

  it('judgeCheckResult flags malformed results and issue messages that quote the input', () => {
    const tally = new Tally()
    const secret = 'deadbeefdeadbeef0123'
    const input = { payload: { ciphertextHex: secret } }
    judgeCheckResult('v', { ok: false, issues: [] }, input, tally, [])
    judgeCheckResult('v', { ok: true, value: { ...input } }, input, tally, [])
    judgeCheckResult(
      'v',
      { ok: false, issues: [{ path: '/payload', message: `bad ${secret}` }] },
      input,
      tally,
      secretLikeStrings(input),
    )
    judgeCheckResult('v', { ok: false, issues: [{ path: 'payload', message: 'bad' }] }, input, tally, [])
    expect(tally.findings.map((f) => f.detail)).toEqual([
      'v rejected without issues',
      'v accepted but returned a different value',
      'v quoted part of the input in an issue message',
      'v issue path is not a JSON pointer: payload',
    ])
    expect(judgeCheckResult('v', { ok: true, value: input }, input, tally, [])).toBe(true)
  })

  it('sameAsJsonParse tells exact bigints from wrong values, without recursion', () => {
    expect(
      sameAsJsonParse({ a: [1, 18446744073709551616n] }, { a: [1, Number('18446744073709551616')] }),
    ).toBeUndefined()
    expect(sameAsJsonParse({ a: 5n }, { a: 5 })).toMatch(/safe integer/)
    expect(sameAsJsonParse([1, 2], [1, 3])).toMatch(/1: 2 vs 3/)
    let deep: unknown = 0
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(sameAsJsonParse(deep, deep)).toBeUndefined()
  })

  it('mutations produce the announced damage', () => {
    const base = { type: 'encrypted_chunk', id: 'r', payload: { ciphertextHex: 'ab', index: 0 } }
    const apply = (m: Mutation): string => mutateFrame(base, [m], [base])
    expect(apply({ op: 'hugeNumber', path: 5, literal: 1 })).toContain('18446744073709551616')
    expect(apply({ op: 'deepNest', path: 0, depth: 1, object: false })).toBe(
      `${'['.repeat(64)}${']'.repeat(64)}`,
    )
    expect(apply({ op: 'duplicateKey', path: 0, kind: 0 })).toMatch(/"type":"encrypted_chunk".*"type":null/)
    expect(apply({ op: 'retype', type: 0 })).toContain('"type":"connected"')
    expect(JSON.parse(apply({ op: 'longString', path: 1, length: 2, fill: 0 })).type).toHaveLength(65_536)
    expect(apply({ op: 'truncate', at: 10 })).toHaveLength(10)
    expect(JSON.parse(apply({ op: 'deleteField', path: 2 }))).toEqual({
      type: 'encrypted_chunk',
      payload: base.payload,
    })
  })

  it('a cloned session is independent of its template', async () => {
    const templates = await buildEncryptedTemplates()
    const t = templates.find((x) => x.label === 'streaming:start')!
    const clone = cloneSession(t.snapshot)
    clone.close()
    expect(sessionKeyOf(t.snapshot)!.some((b) => b !== 0)).toBe(true)
    expect(t.snapshot.state).toBe('streaming')
    expect(templates.map((x) => x.snapshot.state)).toContain('failed')
  })

  it('the corpus covers every frame type and node error code, and the case budget adds up', async () => {
    // (Byte-for-byte determinism holds per process — @fabstir/crypto keeps a nonce pool — and is checked by running
    // the CLI twice in cli.test.ts.)
    const corpus = await deterministicCorpus()
    const kinds = new Set(
      corpus.nodeFrames.map((f) => {
        const x = f as { type: string; code?: string; reason?: string }
        return x.code ?? (x.type === 'stream_end' ? `${x.type}:${x.reason}` : x.type)
      }),
    )
    for (const k of [
      'connected',
      'session_init_ack',
      'encrypted_chunk',
      'encrypted_response',
      'stream_chunk',
      'stream_end:complete',
      'stream_end:cancelled',
      'stream_end:error',
      'DECRYPTION_FAILED',
      'SESSION_KEY_NOT_FOUND',
      'ENCRYPTION_NOT_SUPPORTED',
      'TOKEN_LIMIT_EXCEEDED',
      'ENCRYPTION_FAILED',
      'INVALID_NONCE_SIZE',
    ]) {
      expect(kinds, k).toContain(k)
    }
    expect(new Set(corpus.clientFrames.map((f) => (f as { type: string }).type)).size).toBe(5)
    const allocation = allocateCases(FUZZ_TARGETS, 1_000_000)
    expect([...allocation.values()].reduce((s, x) => s + x, 0)).toBe(1_000_000)
    expect(Math.min(...allocation.values())).toBeGreaterThan(1_000)
  }, 30_000)
})
