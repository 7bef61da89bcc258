import { bytesToHex, randomBytes, seal, utf8ToBytes } from '@fabstir/crypto'
import { normalizePrompt } from '@fabstir/protocol'
import { checkEncryptedMessageFrame, stringifyJson } from '@fabstir/wire'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { benchNode, promptOfPlaintextSize, readySession, type Wired } from '../fixtures.js'
import { breakdown, keep, type Profile, ratio, timeTasks } from '../measure.js'
import type { SuiteResult } from '../report-types.js'

const PLAINTEXT_BYTES = 100

/** Return a streaming session to `ready` the way a cancelled answer does (untimed). */
export function settle(wired: Wired): void {
  const id = wired.session.inFlightId
  wired.session.cancel()
  wired.session.receive(
    JSON.stringify({
      type: 'stream_end',
      reason: 'cancelled',
      tokens_used: 0,
      id,
      session_id: wired.session.sessionId,
    }),
  )
  if (wired.session.state !== 'ready') throw new Error('benchmark: session did not return to ready')
}

/**
 * (1) Seal + frame one 100-byte prompt: `JSON.stringify(session.prompt(p))` on a ready encrypted session (prompt
 * validation, AEAD with a fresh nonce, hex, frame validation, JSON text — what goes on the socket) against a raw
 * `@noble/ciphers` XChaCha20-Poly1305 seal of the same 100 plaintext bytes.
 */
export async function sealPromptSuite(profile: Profile): Promise<SuiteResult> {
  const wired = await readySession(benchNode())
  const { prompt, plaintext } = promptOfPlaintextSize(PLAINTEXT_BYTES)
  const key = randomBytes(32)
  const nonce = randomBytes(24)
  const aad = utf8ToBytes('message_0')
  const timings = await timeTasks(
    [
      {
        name: 'noble',
        fn: () => {
          keep(xchacha20poly1305(key, nonce, aad).encrypt(plaintext).length)
        },
      },
      {
        name: 'ours',
        fn: () => {
          keep(JSON.stringify(wired.session.prompt(prompt)).length)
        },
        options: { afterEach: () => settle(wired) },
      },
    ],
    profile,
  )
  const ours = timings.get('ours')!
  const noble = timings.get('noble')!
  const r = ratio(ours, noble)
  const sample = JSON.parse(JSON.stringify(wired.session.prompt(prompt)))
  settle(wired)
  wired.session.close()
  const sealed = seal(key, plaintext, 'message_7')
  const parts = await breakdown(
    [
      {
        name: 'seal(100 B) — @fabstir/crypto',
        fn: () => keep(seal(key, plaintext, 'message_7').nonce[0]!),
      },
      {
        name: 'normalizePrompt + stringifyJson + utf8ToBytes — protocol/wire/crypto',
        fn: () => keep(utf8ToBytes(stringifyJson(normalizePrompt(prompt))).length),
      },
      {
        name: 'bytesToHex × 3 (ciphertext, nonce, aad) — @fabstir/crypto',
        fn: () =>
          keep(
            bytesToHex(sealed.ciphertext).length + bytesToHex(sealed.nonce).length + bytesToHex(aad).length,
          ),
      },
      {
        name: 'checkEncryptedMessageFrame — wire',
        fn: () => keep(checkEncryptedMessageFrame(sample).ok ? 1 : 0),
      },
      { name: 'JSON.stringify(frame)', fn: () => keep(JSON.stringify(sample).length) },
    ],
    profile,
  )
  return {
    figures: [
      {
        suite: '1 seal+frame 100 B prompt',
        ours: 'session.prompt() → JSON text',
        baseline: 'raw noble xchacha20poly1305 seal',
        oursMs: ours.medianMs,
        baselineMs: noble.medianMs,
        ratio: r,
        bytes: PLAINTEXT_BYTES,
      },
    ],
    targets: [
      {
        id: '1',
        target: 'seal+frame ≤ 1.0× raw noble seal time',
        measured: `${r.toFixed(2)}×`,
        pass: r <= 1.0,
      },
    ],
    notes: { promptBreakdownMicroseconds: parts },
  }
}
