import { readFileSync } from 'node:fs'
import {
  bytesToHex,
  deriveInitKey,
  ecdhSharedX,
  getPublicKey,
  hexToBytes,
  hkdfSha256,
  open,
  publicKeyToAddress,
  recoverAddress,
  sealWithNonce,
  sha256,
} from '@fabstir/crypto'
import { describe, expect, it } from 'vitest'
import { type VECTOR_FILES, vectorPath } from '../src/index.js'

const load = <T>(name: keyof typeof VECTOR_FILES): T =>
  JSON.parse(readFileSync(vectorPath(name), 'utf8')) as T
const text = (b: Uint8Array) => new TextDecoder().decode(b)

interface StepCase {
  name: string
  keys: Record<string, string>
  init: Record<string, string>
  prompt: Record<string, string>
  answer: { chunks: Record<string, string>[]; final: Record<string, string> }
}

describe('shipped vectors are self-consistent (recomputed independently with @fabstir/crypto)', () => {
  it('crypto steps: every intermediate value follows from the keys and nonces', () => {
    const { cases } = load<{ cases: StepCase[] }>('cryptoSteps')
    expect(cases.length).toBeGreaterThanOrEqual(4)
    for (const c of cases) {
      const nodePub = getPublicKey(hexToBytes(c.keys.nodePrivateKeyHex!), true)
      expect(bytesToHex(nodePub), c.name).toBe(c.keys.nodePublicKeyHex)
      const eph = hexToBytes(c.init.ephemeralPrivateKeyHex!)
      const x = ecdhSharedX(eph, nodePub)
      expect(bytesToHex(x)).toBe(c.init.sharedSecretXHex)
      expect(bytesToHex(hkdfSha256(x, undefined, undefined, 32))).toBe(c.init.initKeyHex)
      expect(bytesToHex(deriveInitKey(eph, nodePub))).toBe(c.init.initKeyHex)
      const initKey = hexToBytes(c.init.initKeyHex!)
      const ct = sealWithNonce(initKey, hexToBytes(c.init.nonceHex!), c.init.sessionDataJson!, 'session_init')
      expect(bytesToHex(ct)).toBe(c.init.ciphertextHex)
      expect(bytesToHex(sha256(ct))).toBe(c.init.digestHex)
      expect(recoverAddress(sha256(ct), hexToBytes(c.init.signatureHex!))).toBe(c.keys.walletAddress)
      expect(publicKeyToAddress(getPublicKey(hexToBytes(c.keys.walletPrivateKeyHex!), false))).toBe(
        c.keys.walletAddress,
      )
      const sessionKey = hexToBytes(c.init.sessionKeyHex!)
      expect(JSON.parse(c.init.sessionDataJson!).sessionKey).toBe(c.init.sessionKeyHex)
      const openHex = (v: Record<string, string>, aad: string) =>
        text(open(sessionKey, hexToBytes(v.nonceHex!), hexToBytes(v.ciphertextHex!), aad))
      expect(openHex(c.prompt, 'message_0')).toBe(c.prompt.plaintext)
      for (const [i, ch] of c.answer.chunks.entries()) expect(openHex(ch, `chunk_${i}`)).toBe(ch.plaintext)
      expect(openHex(c.answer.final, 'encrypted_response_final')).toBe('stop')
    }
  })

  it('transcripts: every sealed payload opens (or must not open) exactly as annotated', () => {
    const { transcripts } = load<{
      transcripts: {
        name: string
        keys: Record<string, string>
        frames: {
          dir: string
          text: string
          sealed?: { key: string; aad: string; plaintext?: string; opens: boolean }
        }[]
        clientVerdicts: { event: string; code?: string }[]
      }[]
    }>('transcripts')
    expect(transcripts.length).toBeGreaterThanOrEqual(12)
    for (const t of transcripts) {
      expect(t.frames.length, t.name).toBeGreaterThan(0)
      for (const f of t.frames) {
        const frame = JSON.parse(f.text) as { payload?: Record<string, string> }
        if (!f.sealed || !frame.payload) continue
        const key = hexToBytes(f.sealed.key === 'initKey' ? t.keys.initKeyHex! : t.keys.sessionKeyHex!)
        const attempt = () =>
          text(
            open(
              key,
              hexToBytes(frame.payload!.nonceHex!),
              hexToBytes(frame.payload!.ciphertextHex!),
              f.sealed!.aad,
            ),
          )
        if (f.sealed.opens) expect(attempt(), `${t.name}: ${f.text.slice(0, 80)}`).toBe(f.sealed.plaintext)
        else expect(attempt, `${t.name}: a payload annotated as not opening opened`).toThrow()
      }
    }
    const byName = new Map(transcripts.map((t) => [t.name, t]))
    const last = (name: string) => byName.get(name)!.clientVerdicts.at(-1)
    expect(last('chat-happy-path')).toMatchObject({ event: 'end' })
    expect(last('tampered-chunk')).toMatchObject({ event: 'error' })
    expect(last('forged-stream-end')).toMatchObject({ event: 'error', code: 'STREAM_TRUNCATED' })
  })

  it('frame examples: every frame type has a valid example and located invalid ones', () => {
    const { frames } = load<{
      frames: Record<
        string,
        { examples: { valid: boolean; frame: string; error?: { code: string; path: string } }[] }
      >
    }>('frames')
    expect(Object.keys(frames).length).toBeGreaterThanOrEqual(12)
    for (const [type, { examples }] of Object.entries(frames)) {
      expect(
        examples.some((e) => e.valid),
        type,
      ).toBe(true)
      for (const e of examples.filter((x) => !x.valid)) {
        expect(e.error?.code).toBe('INVALID_FRAME')
        expect(typeof e.error?.path).toBe('string')
        expect(() => JSON.parse(e.frame)).not.toThrow()
      }
    }
  })
})
