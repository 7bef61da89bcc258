import { createCipheriv, createDecipheriv } from 'node:crypto'
import { type CryptoBackend, open, randomBytes, seal, setCryptoBackend } from '@fabstir/crypto'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { keep, type Profile, ratio, timeTasks } from '../measure.js'
import type { Figure, SuiteResult, TargetCheck } from '../report-types.js'

/** Goal: 1 MiB seal and open each ≤ 1.10× the time of Node's OpenSSL ChaCha20-Poly1305. */
const TARGET_RATIO = 1.1

const SIZES = [
  { label: '16 KiB', bytes: 16 * 1024 },
  { label: '1 MiB', bytes: 1024 * 1024 },
]

/** Node's OpenSSL IETF ChaCha20-Poly1305 (12-byte nonce), the plain construction without HChaCha20. */
function opensslSeal(key: Uint8Array, nonce12: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): number {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce12, { authTagLength: 16 })
  cipher.setAAD(aad, { plaintextLength: plaintext.length })
  const body = cipher.update(plaintext)
  cipher.final()
  return body.length + cipher.getAuthTag().length
}

function opensslOpen(key: Uint8Array, nonce12: Uint8Array, sealed: Uint8Array, aad: Uint8Array): number {
  const length = sealed.length - 16
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce12, { authTagLength: 16 })
  decipher.setAAD(aad, { plaintextLength: length })
  decipher.setAuthTag(sealed.subarray(length))
  const body = decipher.update(sealed.subarray(0, length))
  decipher.final()
  return body.length
}

/**
 * (3) Bulk AEAD at 16 KiB and 1 MiB: our `seal` (fresh random nonce) / `open` on the active backend, against raw
 * noble XChaCha20-Poly1305 and Node's OpenSSL ChaCha20-Poly1305 with a 12-byte nonce. Also our API forced onto the
 * noble backend, which shows the cost of the shared front (validation, nonce).
 */
export async function bulkAeadSuite(profile: Profile, active: CryptoBackend): Promise<SuiteResult> {
  const figures: Figure[] = []
  const targets: TargetCheck[] = []
  const notes: Record<string, unknown> = {}
  const onNoble = {
    beforeAll: () => {
      setCryptoBackend('noble')
    },
    afterAll: () => {
      setCryptoBackend(active)
    },
  }
  for (const { label, bytes } of SIZES) {
    const key = randomBytes(32)
    const nonce = randomBytes(24)
    const nonce12 = randomBytes(12)
    const aad = randomBytes(16)
    const plaintext = randomBytes(bytes)
    const sealed = seal(key, plaintext, aad)
    const nobleSealed = xchacha20poly1305(key, nonce, aad).encrypt(plaintext)
    const opensslSealed = new Uint8Array(bytes + 16)
    {
      const c = createCipheriv('chacha20-poly1305', key, nonce12, { authTagLength: 16 })
      c.setAAD(aad, { plaintextLength: bytes })
      opensslSealed.set(c.update(plaintext))
      c.final()
      opensslSealed.set(c.getAuthTag(), bytes)
    }
    const timings = await timeTasks(
      [
        { name: 'seal ours', fn: () => keep(seal(key, plaintext, aad).ciphertext.length) },
        {
          name: 'seal ours/noble',
          fn: () => keep(seal(key, plaintext, aad).ciphertext.length),
          options: onNoble,
        },
        {
          name: 'seal noble',
          fn: () => keep(xchacha20poly1305(key, nonce, aad).encrypt(plaintext).length),
        },
        { name: 'seal openssl', fn: () => keep(opensslSeal(key, nonce12, plaintext, aad)) },
        {
          name: 'open ours',
          fn: () => keep(open(key, sealed.nonce, sealed.ciphertext, aad).length),
        },
        {
          name: 'open ours/noble',
          fn: () => keep(open(key, sealed.nonce, sealed.ciphertext, aad).length),
          options: onNoble,
        },
        {
          name: 'open noble',
          fn: () => keep(xchacha20poly1305(key, nonce, aad).decrypt(nobleSealed).length),
        },
        { name: 'open openssl', fn: () => keep(opensslOpen(key, nonce12, opensslSealed, aad)) },
      ],
      profile,
    )
    const t = (name: string) => timings.get(name)!
    for (const op of ['seal', 'open'] as const) {
      const ours = t(`${op} ours`)
      const suite = `3 ${op} ${label}`
      figures.push(
        {
          suite,
          ours: `${op}() [${active.name} backend]`,
          baseline: 'raw noble xchacha20poly1305 [noble]',
          oursMs: ours.medianMs,
          baselineMs: t(`${op} noble`).medianMs,
          ratio: ratio(ours, t(`${op} noble`)),
          bytes,
        },
        {
          suite,
          ours: `${op}() [${active.name} backend]`,
          baseline: 'Node OpenSSL chacha20-poly1305, 12-byte nonce [node]',
          oursMs: ours.medianMs,
          baselineMs: t(`${op} openssl`).medianMs,
          ratio: ratio(ours, t(`${op} openssl`)),
          bytes,
        },
        {
          suite,
          ours: `${op}() [noble backend]`,
          baseline: 'raw noble xchacha20poly1305 [noble]',
          oursMs: t(`${op} ours/noble`).medianMs,
          baselineMs: t(`${op} noble`).medianMs,
          ratio: ratio(t(`${op} ours/noble`), t(`${op} noble`)),
          bytes,
        },
      )
    }
    if (bytes === 1024 * 1024) {
      const sealRatio = ratio(t('seal ours'), t('seal openssl'))
      const openRatio = ratio(t('open ours'), t('open openssl'))
      targets.push({
        id: 'bulk',
        target: `1 MiB seal/open ≤ ${TARGET_RATIO.toFixed(2)}× Node OpenSSL chacha20-poly1305 time [ours: ${active.name}]`,
        measured: `seal ${sealRatio.toFixed(2)}×, open ${openRatio.toFixed(2)}×`,
        pass: sealRatio <= TARGET_RATIO && openRatio <= TARGET_RATIO,
      })
    }
  }
  return { figures, targets, notes }
}
