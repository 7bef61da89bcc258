import {
  bytesToHex,
  type CryptoBackend,
  nobleBackend,
  randomBytes,
  seal,
  setCryptoBackend,
  utf8ToBytes,
} from '@fabstir/crypto'
import { normalizePrompt } from '@fabstir/protocol'
import { checkEncryptedMessageFrame, stringifyJson } from '@fabstir/wire'
import { benchNode, promptOfPlaintextSize, readySession, type Wired } from '../fixtures.js'
import { breakdown, keep, type Profile, ratio, timeTasks } from '../measure.js'
import type { SuiteResult } from '../report-types.js'

const PLAINTEXT_BYTES = 100
/** Goal: seal+frame ≤ 1.10× a raw seal of the same plaintext on the same backend. */
const TARGET_RATIO = 1.1

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
 * XChaCha20-Poly1305 seal of the same 100 plaintext bytes by the same backend (`backend.xchachaSeal`, no validation,
 * no nonce generation, no framing). Measured on the active backend and on noble.
 */
export async function sealPromptSuite(profile: Profile, active: CryptoBackend): Promise<SuiteResult> {
  const wired = await readySession(benchNode())
  const { prompt, plaintext } = promptOfPlaintextSize(PLAINTEXT_BYTES)
  const key = randomBytes(32)
  const nonce = randomBytes(24)
  const aad = utf8ToBytes('message_0')
  const onNoble = {
    beforeAll: () => {
      setCryptoBackend('noble')
    },
    afterAll: () => {
      setCryptoBackend(active)
    },
  }
  const promptTask = () => {
    keep(JSON.stringify(wired.session.prompt(prompt)).length)
  }
  const timings = await timeTasks(
    [
      { name: 'raw', fn: () => keep(active.xchachaSeal(key, nonce, plaintext, aad).length) },
      { name: 'ours', fn: promptTask, options: { afterEach: () => settle(wired) } },
      { name: 'raw noble', fn: () => keep(nobleBackend.xchachaSeal(key, nonce, plaintext, aad).length) },
      { name: 'ours noble', fn: promptTask, options: { ...onNoble, afterEach: () => settle(wired) } },
    ],
    profile,
  )
  const t = (name: string) => timings.get(name)!
  const r = ratio(t('ours'), t('raw'))
  const rNoble = ratio(t('ours noble'), t('raw noble'))
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
  const figure = (backend: string, ours: string, raw: string, value: number) => ({
    suite: '1 seal+frame 100 B prompt',
    ours: `session.prompt() → JSON text [${backend}]`,
    baseline: `raw xchachaSeal of the same 100 B [${backend}]`,
    oursMs: t(ours).medianMs,
    baselineMs: t(raw).medianMs,
    ratio: value,
    bytes: PLAINTEXT_BYTES,
  })
  return {
    figures: [figure(active.name, 'ours', 'raw', r), figure('noble', 'ours noble', 'raw noble', rNoble)],
    targets: [
      {
        id: 'seal',
        target: `seal+frame 100 B prompt ≤ ${TARGET_RATIO.toFixed(2)}× raw seal, same backend [${active.name}]`,
        measured: `${r.toFixed(2)}× (noble: ${rNoble.toFixed(2)}×)`,
        pass: r <= TARGET_RATIO,
      },
    ],
    notes: { promptBreakdownMicroseconds: parts },
  }
}
