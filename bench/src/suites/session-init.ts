import {
  type CryptoBackend,
  deriveInitKey,
  generateEphemeralKey,
  getPublicKey,
  publicKeyToAddress,
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
import { createSession, type DigestSigner } from '@fabstir/protocol'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { bytesToHex, utf8ToBytes } from '@noble/ciphers/utils.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { benchNode, sessionOptions, USER_PRIVATE_KEY } from '../fixtures.js'
import { keep, type Profile, ratio, timeTasks } from '../measure.js'
import type { SuiteResult } from '../report-types.js'

/** Goal: client CPU per session init ≤ 1.10× its own primitives (keygen + ECDH + HKDF + seal + sign), same backend. */
const TARGET_RATIO = 1.1
const SESSION_DATA = new TextEncoder().encode(
  JSON.stringify({
    sessionKey: '00'.repeat(32),
    jobId: '12345',
    modelName: 'bench-model',
    pricePerToken: 2_272_727_273,
  }),
)
const AAD = utf8ToBytes('session_init')
const EMPTY = new Uint8Array(0)

/**
 * The session-init steps of PROTOCOL.md §2–4 composed from noble directly: ephemeral key, ECDH x-coordinate,
 * HKDF, session data JSON, XChaCha20-Poly1305 seal, sha256 + raw-digest signature, frame JSON.
 */
function nobleInit(nodePublicKey: Uint8Array): string {
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

/**
 * The primitives one session init needs, through `@fabstir/crypto` on the active backend and nothing else: ephemeral
 * key, ECDH + HKDF, seal of the session data, sha256 + signature. No JSON, no hex, no checks.
 */
function primitivesInit(nodePublicKey: Uint8Array): number {
  const eph = generateEphemeralKey()
  const initKey = deriveInitKey(eph.privateKey, nodePublicKey)
  const sealed = seal(initKey, SESSION_DATA, 'session_init')
  const signature = signDigest(USER_PRIVATE_KEY, sdkSha256(sealed.ciphertext))
  return eph.publicKey.length + signature.length
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
  // A new signer object per session (each session with its own wallet object): nothing about it is cached.
  const address = publicKeyToAddress(getPublicKey(USER_PRIVATE_KEY))
  const freshSigner = (): DigestSigner => ({
    address,
    signDigest: async (digest) => signDigest(USER_PRIVATE_KEY, digest),
  })
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
      {
        name: 'ours fresh signer',
        async: true,
        fn: async () => {
          const frame = await createSession({ ...options, signer: freshSigner() }).init()
          keep(JSON.stringify(frame).length)
        },
      },
      { name: 'primitives', fn: () => keep(primitivesInit(nodePublicKey)) },
      { name: 'noble', fn: () => keep(nobleInit(nodePublicKey).length) },
      { name: 'sdk steps', fn: () => keep(sdkInit(nodePublicKey).length) },
    ],
    profile,
  )
  const ours = timings.get('ours')!
  const oursFresh = timings.get('ours fresh signer')!
  const primitives = timings.get('primitives')!
  const noble = timings.get('noble')!
  const sdkSteps = timings.get('sdk steps')!
  const r = ratio(ours, primitives)
  const rFresh = ratio(oursFresh, primitives)

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
  const primitivesLabel = `its primitives: keygen + ECDH + HKDF + seal + sha256 + sign [${active.name}]`
  return {
    figures: [
      {
        suite: '4 session init (CPU)',
        ours: `createSession().init() + JSON, one signer for all sessions [${active.name}]`,
        baseline: primitivesLabel,
        oursMs: ours.medianMs,
        baselineMs: primitives.medianMs,
        ratio: r,
      },
      {
        suite: '4 session init (CPU)',
        ours: `createSession().init() + JSON, a new signer object per session [${active.name}]`,
        baseline: primitivesLabel,
        oursMs: oursFresh.medianMs,
        baselineMs: primitives.medianMs,
        ratio: rFresh,
        note: 'includes the signer check the protocol runs for a signer object it has not seen',
      },
      {
        suite: '4 session init (CPU)',
        ours: `the init steps + JSON via @fabstir/crypto [${active.name}]`,
        baseline: primitivesLabel,
        oursMs: sdkSteps.medianMs,
        baselineMs: primitives.medianMs,
        ratio: ratio(sdkSteps, primitives),
        note: 'what hex + JSON add to the primitives',
      },
      {
        suite: '4 session init (CPU)',
        ours: `createSession().init() + JSON, one signer [${active.name}]`,
        baseline: 'the init steps composed from noble [noble]',
        oursMs: ours.medianMs,
        baselineMs: noble.medianMs,
        ratio: ratio(ours, noble),
        note: 'different backends: for orientation only',
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
        id: 'init-a',
        target: `session init CPU ≤ ${TARGET_RATIO.toFixed(2)}× its primitives, one signer [${active.name}]`,
        measured: `${r.toFixed(2)}× (${ours.medianMs.toFixed(3)} ms vs ${primitives.medianMs.toFixed(3)} ms)`,
        pass: r <= TARGET_RATIO,
      },
      {
        id: 'init-b',
        target: `session init CPU ≤ ${TARGET_RATIO.toFixed(2)}× its primitives, new signer per session [${active.name}]`,
        measured: `${rFresh.toFixed(2)}× (${oursFresh.medianMs.toFixed(3)} ms)`,
        pass: rFresh <= TARGET_RATIO,
      },
    ],
    notes: { sessionInitStepsMicroseconds: breakdown },
  }
}
