import {
  bytesToHex,
  bytesToUtf8,
  type CryptoBackend,
  open,
  randomBytes,
  hexToBytes as sdkHexToBytes,
  utf8ToBytes,
} from '@fabstir/crypto'
import { checkNodeFrame, parseJson } from '@fabstir/wire'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { hexToBytes } from '@noble/ciphers/utils.js'
import { benchNode, fixedChunks, readySession, recordChunkFrames, type Wired } from '../fixtures.js'
import { breakdown, keep, type Profile, ratio, timeTasks, warmupIterationsFor } from '../measure.js'
import type { SuiteResult } from '../report-types.js'

const CHUNK_BYTES = 64
const TARGET_FRAMES_PER_SECOND = 250_000

/** Frames shaped exactly like the node's `encrypted_chunk`, sealed with a key the baseline knows. */
function baselineFrames(key: Uint8Array, count: number): string[] {
  const text = utf8ToBytes('x'.repeat(CHUNK_BYTES))
  const frames: string[] = []
  for (let index = 0; index < count; index++) {
    const nonce = randomBytes(24)
    const aad = `chunk_${index}`
    frames.push(
      JSON.stringify({
        type: 'encrypted_chunk',
        id: 'req-0123456789abcdef',
        session_id: '01234567-89ab-4cde-8f01-23456789abcd',
        tokens: 1,
        payload: {
          ciphertextHex: bytesToHex(xchacha20poly1305(key, nonce, utf8ToBytes(aad)).encrypt(text)),
          nonceHex: bytesToHex(nonce),
          aadHex: bytesToHex(utf8ToBytes(aad)),
          index,
        },
      }),
    )
  }
  return frames
}

/**
 * (2) Open + validate one 64-byte `encrypted_chunk` frame: `session.receive(frameText)` on a streaming session
 * (size check, JSON parse, schema validation, ordering, hex, AEAD open with the expected AAD, strict UTF-8). The
 * frames are real: the simulated node seals them with the session key for a prompt in flight; each round uses a
 * fresh session and consumes its frames in order. Baselines on an identically shaped frame: `JSON.parse` + hex +
 * the same backend's raw `xchachaOpen` + TextDecoder (like for like), and the same with noble.
 */
export async function receiveChunkSuite(profile: Profile, active: CryptoBackend): Promise<SuiteResult> {
  const iterations = profile.frameIterations
  const needed = iterations + warmupIterationsFor(iterations)
  const core = benchNode(fixedChunks(needed + 1, CHUNK_BYTES))
  let wired: Wired | undefined
  let frames: string[] = []
  let next = 0
  let bad = 0

  const key = randomBytes(32)
  const plain = baselineFrames(key, 4096)
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let b = 0

  const timings = await timeTasks(
    [
      {
        name: 'raw',
        fn: () => {
          const frame = JSON.parse(plain[b++ & 4095]!) as {
            payload: { ciphertextHex: string; nonceHex: string; index: number }
          }
          const p = frame.payload
          const bytes = active.xchachaOpen(
            key,
            hexToBytes(p.nonceHex),
            hexToBytes(p.ciphertextHex),
            utf8ToBytes(`chunk_${p.index}`),
          )
          keep(decoder.decode(bytes).length)
        },
      },
      {
        name: 'noble',
        fn: () => {
          const frame = JSON.parse(plain[b++ & 4095]!) as {
            payload: { ciphertextHex: string; nonceHex: string; index: number }
          }
          const p = frame.payload
          const bytes = xchacha20poly1305(
            key,
            hexToBytes(p.nonceHex),
            utf8ToBytes(`chunk_${p.index}`),
          ).decrypt(hexToBytes(p.ciphertextHex))
          keep(decoder.decode(bytes).length)
        },
      },
      {
        name: 'ours',
        prepare: async () => {
          wired?.session.close()
          wired = await readySession(core)
          frames = (await recordChunkFrames(wired, needed)).chunks
          next = 0
        },
        fn: () => {
          const events = wired!.session.receive(frames[next++]!)
          if (events.length !== 1 || events[0]!.type !== 'chunk') bad++
        },
      },
    ],
    profile,
    iterations,
  )
  wired?.session.close()
  if (bad > 0) throw new Error(`benchmark: ${bad} chunk frames did not produce a chunk event`)
  const ours = timings.get('ours')!
  const noble = timings.get('noble')!
  const raw = timings.get('raw')!
  const framesPerSecond = 1000 / ours.medianMs
  const text = plain[0]!
  const parsed = parseJson(text) as { payload: { ciphertextHex: string; nonceHex: string } }
  const ciphertext = hexToBytes(parsed.payload.ciphertextHex)
  const nonce = hexToBytes(parsed.payload.nonceHex)
  const plaintext = open(key, nonce, ciphertext, 'chunk_0')
  const parts = await breakdown(
    [
      { name: 'parseJson(frame) — wire', fn: () => keep(parseJson(text) === null ? 1 : 0) },
      { name: 'checkNodeFrame — wire', fn: () => keep(checkNodeFrame(parsed).ok ? 1 : 0) },
      {
        name: 'hexToBytes × 2 (ciphertext, nonce) — @fabstir/crypto',
        fn: () =>
          keep(
            sdkHexToBytes(parsed.payload.ciphertextHex).length +
              sdkHexToBytes(parsed.payload.nonceHex).length,
          ),
      },
      {
        name: 'open(64 B) — @fabstir/crypto',
        fn: () => keep(open(key, nonce, ciphertext, 'chunk_0').length),
      },
      { name: 'bytesToUtf8 — @fabstir/crypto', fn: () => keep(bytesToUtf8(plaintext).length) },
    ],
    profile,
  )
  return {
    figures: [
      {
        suite: '2 receive 64 B chunk frame',
        ours: `session.receive(frameText) [${active.name}]`,
        baseline: `JSON.parse + hex + raw xchachaOpen + TextDecoder [${active.name}]`,
        oursMs: ours.medianMs,
        baselineMs: raw.medianMs,
        ratio: ratio(ours, raw),
        note: `${Math.round(framesPerSecond).toLocaleString('en-US')} frames/s (one core)`,
      },
      {
        suite: '2 receive 64 B chunk frame',
        ours: `session.receive(frameText) [${active.name}]`,
        baseline: 'JSON.parse + noble hex + noble open + TextDecoder [noble]',
        oursMs: ours.medianMs,
        baselineMs: noble.medianMs,
        ratio: ratio(ours, noble),
        note: 'different backends: for orientation only',
      },
    ],
    targets: [
      {
        id: 'receive',
        target: `receive + open + validate a 64 B chunk frame ≥ ${TARGET_FRAMES_PER_SECOND.toLocaleString('en-US')} frames/s on one core [${active.name}]`,
        measured: `${Math.round(framesPerSecond).toLocaleString('en-US')} frames/s`,
        pass: framesPerSecond >= TARGET_FRAMES_PER_SECOND,
      },
    ],
    notes: { receiveBreakdownMicroseconds: parts },
  }
}
