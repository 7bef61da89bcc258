import {
  type CryptoBackend,
  deriveInitKey,
  generateEphemeralKey,
  getPublicKey,
  randomBytes,
  recoverAddress,
  recoversToPublicKey,
  bytesToHex as sdkBytesToHex,
  sha256 as sdkSha256,
  seal,
  setCryptoBackend,
  signDigest,
  zeroize,
} from '@fabstir/crypto'
import { createSession } from '@fabstir/protocol'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { bytesToHex, utf8ToBytes } from '@noble/ciphers/utils.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { benchNode, sessionOptions, USER_PRIVATE_KEY } from '../fixtures.js'
import { keep, type Profile, ratio, timeTasks } from '../measure.js'
import type { SuiteResult } from '../report-types.js'

const TARGET_RATIO = 0.6
const TARGET_MS = 1.5
const AAD = utf8ToBytes('session_init')
const EMPTY = new Uint8Array(0)

/**
 * The session-init steps of PROTOCOL.md §2–4 composed from noble directly: ephemeral key, ECDH x-coordinate,
 * HKDF, session data JSON, XChaCha20-Poly1305 seal, sha256 + raw-digest signature, frame JSON.
 */
function nobleInit(nodePublicKey: Uint8Array, selfCheck: boolean): string {
  const ephemeral = secp256k1.utils.randomSecretKey()
  const ephemeralPublic = secp256k1.getPublicKey(ephemeral, true)
  const shared = secp256k1.getSharedSecret(ephemeral, nodePublicKey, true)
  const initKey = hkdf(sha256, shared.subarray(1), undefined, EMPTY, 32)
  const sessionKey = randomBytes(32)
  const data = utf8ToBytes(
    JSON.stringify({
      sessionKey: bytesToHex(sessionKey),
      jobId: '12345',
      modelName: 'bench-model',
      pricePerToken: 2_272_727_273,
    }),
  )
  const nonce = randomBytes(24)
  const ciphertext = xchacha20poly1305(initKey, nonce, AAD).encrypt(data)
  const digest = sha256(ciphertext)
  const rec = secp256k1.sign(digest, USER_PRIVATE_KEY, { prehash: false, lowS: true, format: 'recovered' })
  if (selfCheck) {
    secp256k1.Signature.fromBytes(rec, 'recovered').recoverPublicKey(digest)
  }
  return JSON.stringify({
    type: 'encrypted_session_init',
    id: 'req-0',
    session_id: 's',
    chain_id: 84532,
    payload: {
      ephPubHex: bytesToHex(ephemeralPublic),
      ciphertextHex: bytesToHex(ciphertext),
      signatureHex: bytesToHex(rec),
      nonceHex: bytesToHex(nonce),
      aadHex: bytesToHex(AAD),
    },
  })
}

/** The same steps through `@fabstir/crypto`'s API (active backend): what the crypto layer costs on its own. */
function sdkInit(nodePublicKey: Uint8Array): string {
  const eph = generateEphemeralKey()
  const initKey = deriveInitKey(eph.privateKey, nodePublicKey)
  const sessionKey = randomBytes(32)
  const data = JSON.stringify({
    sessionKey: sdkBytesToHex(sessionKey),
    jobId: '12345',
    modelName: 'bench-model',
    pricePerToken: 2_272_727_273,
  })
  const sealed = seal(initKey, data, 'session_init')
  const signature = signDigest(USER_PRIVATE_KEY, sdkSha256(sealed.ciphertext))
  zeroize(eph.privateKey, initKey)
  return JSON.stringify({
    type: 'encrypted_session_init',
    id: 'req-0',
    session_id: 's',
    chain_id: 84532,
    payload: {
      ephPubHex: sdkBytesToHex(eph.publicKey),
      ciphertextHex: sdkBytesToHex(sealed.ciphertext),
      signatureHex: sdkBytesToHex(signature),
      nonceHex: sdkBytesToHex(sealed.nonce),
      aadHex: sdkBytesToHex(AAD),
    },
  })
}

/**
 * (4) Full session-init CPU cost: `createSession(…).init()` with a local signer (ephemeral key, ECDH, HKDF, seal,
 * sha256, signature, the protocol's signer check, frame validation) against the same steps composed from noble.
 * Plus a per-step breakdown of our API on each backend, to show where the time goes.
 */
export async function sessionInitSuite(profile: Profile, active: CryptoBackend): Promise<SuiteResult> {
  const core = benchNode()
  const options = sessionOptions(core)
  const nodePublicKey = secp256k1.Point.fromHex(core.publicKey.slice(2)).toBytes(true)
  const timings = await timeTasks(
    [
      {
        name: 'ours',
        async: true,
        fn: async () => {
          const frame = await createSession(options).init()
          keep(JSON.stringify(frame).length)
        },
      },
      { name: 'noble', fn: () => keep(nobleInit(nodePublicKey, false).length) },
      { name: 'noble+check', fn: () => keep(nobleInit(nodePublicKey, true).length) },
      { name: 'sdk steps', fn: () => keep(sdkInit(nodePublicKey).length) },
    ],
    profile,
  )
  const ours = timings.get('ours')!
  const noble = timings.get('noble')!
  const nobleChecked = timings.get('noble+check')!
  const sdkSteps = timings.get('sdk steps')!
  const r = ratio(ours, noble)

  // Where the time goes, per step of our API, on the active backend and on noble.
  const eph = generateEphemeralKey()
  const digest = sdkSha256('digest')
  const signature = signDigest(USER_PRIVATE_KEY, digest)
  const onNoble = {
    beforeAll: () => {
      setCryptoBackend('noble')
    },
    afterAll: () => {
      setCryptoBackend(active)
    },
  }
  // One-off public keys, so that no precomputed table applies (the cache holds two keys; these cycle through 64).
  const oneOff = Array.from({ length: 64 }, () => generateEphemeralKey().publicKey)
  let next = 0
  const steps = await timeTasks(
    [
      { name: 'generateEphemeralKey', fn: () => keep(generateEphemeralKey().publicKey.length) },
      {
        name: `deriveInitKey, reused node key [${active.name}]`,
        fn: () => keep(deriveInitKey(eph.privateKey, nodePublicKey).length),
      },
      {
        name: `deriveInitKey, one-off key [${active.name}]`,
        fn: () => keep(deriveInitKey(eph.privateKey, oneOff[next++ & 63]!).length),
      },
      {
        name: 'deriveInitKey, reused node key [noble]',
        fn: () => keep(deriveInitKey(eph.privateKey, nodePublicKey).length),
        options: onNoble,
      },
      {
        name: 'deriveInitKey, one-off key [noble]',
        fn: () => keep(deriveInitKey(eph.privateKey, oneOff[next++ & 63]!).length),
        options: onNoble,
      },
      { name: 'signDigest', fn: () => keep(signDigest(USER_PRIVATE_KEY, digest).length) },
      {
        name: 'recoverAddress (protocol signer check, first init per signer)',
        fn: () => keep(recoverAddress(digest, signature).length),
      },
    ],
    { ...profile, rounds: 1 },
  )
  // The signer check every init passes before it leaves (issue 15 #9): a full recovery the first time a wallet signs,
  // a known-key check (R = u1·G + u2·Q with Q's precomputed table, R.x = r and R.y's parity = v) after that.
  const userPublicKey = getPublicKey(USER_PRIVATE_KEY, false)
  recoversToPublicKey(userPublicKey, digest, signature)
  recoversToPublicKey(userPublicKey, digest, signature)
  const check = await timeTasks(
    [
      { name: 'full recovery', fn: () => keep(recoverAddress(digest, signature).length) },
      {
        name: 'known-key check',
        fn: () => keep(recoversToPublicKey(userPublicKey, digest, signature) ? 1 : 0),
      },
    ],
    profile,
  )
  const fullRecovery = check.get('full recovery')!
  const knownKey = check.get('known-key check')!
  const breakdown: Record<string, number> = {}
  for (const [name, timing] of steps) breakdown[name] = Number((timing.medianMs * 1000).toFixed(1))
  return {
    figures: [
      {
        suite: '4 session init (CPU)',
        ours: 'createSession().init() + JSON',
        baseline: 'noble composition',
        oursMs: ours.medianMs,
        baselineMs: noble.medianMs,
        ratio: r,
      },
      {
        suite: '4 session init (CPU)',
        ours: 'createSession().init() + JSON',
        baseline: 'noble composition + signature recovery',
        oursMs: ours.medianMs,
        baselineMs: nobleChecked.medianMs,
        ratio: ratio(ours, nobleChecked),
        note: 'the protocol checks every init signature against the signer address (known-key check after the first)',
      },
      {
        suite: '4 session init (CPU)',
        ours: `the same steps via @fabstir/crypto [${active.name}]`,
        baseline: 'noble composition',
        oursMs: sdkSteps.medianMs,
        baselineMs: noble.medianMs,
        ratio: ratio(sdkSteps, noble),
        note: 'crypto layer alone: no protocol state machine, no signer check',
      },
      {
        suite: '4 session init (CPU)',
        ours: 'signer check of a later init (known-key check)',
        baseline: 'signer check by full recovery (first init)',
        oursMs: knownKey.medianMs,
        baselineMs: fullRecovery.medianMs,
        ratio: ratio(knownKey, fullRecovery),
        note: 'every init signature is checked before it leaves; this is what the check costs after the first',
      },
    ],
    targets: [
      {
        id: '4a',
        target: `session init ≤ ${TARGET_RATIO}× the noble composition`,
        measured: `${r.toFixed(2)}×`,
        pass: r <= TARGET_RATIO,
      },
      {
        id: '4b',
        target: `session init median < ${TARGET_MS} ms`,
        measured: `${ours.medianMs.toFixed(3)} ms`,
        pass: ours.medianMs < TARGET_MS,
      },
    ],
    notes: { sessionInitStepsMicroseconds: breakdown },
  }
}
