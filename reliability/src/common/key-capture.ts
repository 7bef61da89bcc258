import {
  bytesToHex,
  bytesToUtf8,
  deriveInitKey,
  getPublicKey,
  hexToBytes,
  isCryptoError,
  open,
} from '@fabstir/crypto'
import { ReliabilityError } from './errors.js'

/** A 32-byte buffer filled by `crypto.getRandomValues`: the live buffer, and a copy taken right after the draw. */
export interface KeyDraw {
  /** The buffer the SDK received (and must zero in place when done). */
  readonly live: Uint8Array
  /** Its content at draw time. */
  readonly copy: Uint8Array
}

/** A running capture; {@link KeyCapture.stop} restores the original `getRandomValues`. */
export interface KeyCapture {
  /** Every 32-byte draw since the capture started, in order. */
  readonly draws: readonly KeyDraw[]
  stop(): void
}

let active = false

/**
 * Wrap `globalThis.crypto.getRandomValues` (calling through) and keep every 32-byte `Uint8Array` it fills: the SDK
 * draws its ephemeral private keys and session keys that way (`randomBytes(32)`), so a test can later check that the
 * very same buffers were zeroed. Only one capture may be active at a time.
 */
export function captureKeyDraws(): KeyCapture {
  if (active) throw new ReliabilityError('HARNESS_SETUP', 'a key capture is already active')
  const cryptoObj = globalThis.crypto
  const own = Object.getOwnPropertyDescriptor(cryptoObj, 'getRandomValues')
  const original = cryptoObj.getRandomValues
  const draws: KeyDraw[] = []
  const wrapper = <T extends ArrayBufferView | null>(array: T): T => {
    const out = original.call(cryptoObj, array as never) as T
    if (array instanceof Uint8Array && array.byteLength === 32)
      draws.push({ live: array, copy: array.slice() })
    return out
  }
  Object.defineProperty(cryptoObj, 'getRandomValues', { value: wrapper, configurable: true, writable: true })
  active = true
  return {
    draws,
    stop(): void {
      if (!active) return
      if (own) Object.defineProperty(cryptoObj, 'getRandomValues', own)
      else delete (cryptoObj as { getRandomValues?: unknown }).getRandomValues
      active = false
    },
  }
}

/** True when every byte is zero. */
export function isZeroed(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false
  return true
}

/** The payload fields of an `encrypted_session_init` frame the node received. */
export interface InitPayloadHex {
  ephPubHex: string
  ciphertextHex: string
  nonceHex: string
  aadHex: string
}

/** Draws identified as the client's ephemeral private keys and session keys. */
export interface ClassifiedKeys {
  ephemeral: KeyDraw[]
  session: KeyDraw[]
}

/**
 * Open a session init the way the node does (with its private key) and return the session key hex it carries, or
 * `undefined` when it does not open (a tampered or foreign init).
 */
export function sessionKeyOfInit(payload: InitPayloadHex, nodePrivateKeyHex: string): string | undefined {
  let initKey: Uint8Array | undefined
  try {
    initKey = deriveInitKey(hexToBytes(nodePrivateKeyHex), payload.ephPubHex)
    const plain = open(
      initKey,
      hexToBytes(payload.nonceHex),
      hexToBytes(payload.ciphertextHex),
      hexToBytes(payload.aadHex),
    )
    const data = JSON.parse(bytesToUtf8(plain)) as { sessionKey?: unknown }
    return typeof data.sessionKey === 'string' ? data.sessionKey.replace(/^0x/, '').toLowerCase() : undefined
  } catch (e) {
    if (isCryptoError(e) || e instanceof SyntaxError) return undefined
    throw e
  } finally {
    initKey?.fill(0)
  }
}

/**
 * Sort the captured draws into the client's ephemeral keys (their public key is an `ephPubHex` of an init the node
 * received) and session keys (the `sessionKey` inside such an init). Other 32-byte draws — e.g. a library's signing
 * entropy — are left out, so only the SDK's own keys are judged.
 */
export function classifyKeyDraws(
  draws: readonly KeyDraw[],
  inits: readonly InitPayloadHex[],
  nodePrivateKeyHex: string,
): ClassifiedKeys {
  const ephPubs = new Set(inits.map((i) => i.ephPubHex.replace(/^0x/, '').toLowerCase()))
  const sessionKeys = new Set<string>()
  for (const init of inits) {
    const k = sessionKeyOfInit(init, nodePrivateKeyHex)
    if (k !== undefined) sessionKeys.add(k)
  }
  const ephemeral: KeyDraw[] = []
  const session: KeyDraw[] = []
  for (const d of draws) {
    const hex = bytesToHex(d.copy)
    if (sessionKeys.has(hex)) {
      session.push(d)
      continue
    }
    try {
      if (ephPubs.has(bytesToHex(getPublicKey(d.copy, true)))) ephemeral.push(d)
    } catch (e) {
      if (!isCryptoError(e)) throw e
    }
  }
  return { ephemeral, session }
}

/** Summary of a zeroization check: how many keys were found and how many are still not zero. */
export interface ZeroizationReport {
  ephemeral: number
  ephemeralLive: number
  session: number
  sessionLive: number
}

/** Count the classified keys whose live buffer is not all-zero. */
export function zeroizationReport(keys: ClassifiedKeys): ZeroizationReport {
  return {
    ephemeral: keys.ephemeral.length,
    ephemeralLive: keys.ephemeral.filter((d) => !isZeroed(d.live)).length,
    session: keys.session.length,
    sessionLive: keys.session.filter((d) => !isZeroed(d.live)).length,
  }
}

/** `yes` when at least one key of each kind was found and all are zero; otherwise what is still live. */
export function describeZeroization(r: ZeroizationReport): string {
  if (r.ephemeral === 0 && r.session === 0) return 'no keys found'
  const live: string[] = []
  if (r.ephemeralLive > 0) live.push(`${r.ephemeralLive}/${r.ephemeral} ephemeral live`)
  if (r.sessionLive > 0) live.push(`${r.sessionLive}/${r.session} session live`)
  return live.length === 0 ? 'yes' : `NO (${live.join(', ')})`
}
