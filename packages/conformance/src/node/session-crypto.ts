import {
  bytesToHex,
  deriveInitKey,
  generateEphemeralKey,
  getPublicKey,
  hexToBytes,
  keccak256,
  open,
  publicKeyToAddress,
  randomBytes,
  recoverAddress,
  seal,
  sealWithNonce,
  sha256,
  signDigest,
  utf8ToBytes,
} from '@fabstir/crypto'

/** A test wallet: a fresh random key per suite run (never a user's key). */
export interface TestWallet {
  /** Its secp256k1 secret. */
  privateKey: Uint8Array
  /** Its Ethereum address (checksummed as `publicKeyToAddress` returns it). */
  address: `0x${string}`
}

/** A fresh random wallet for one run. */
export function newWallet(): TestWallet {
  const privateKey = generateEphemeralKey().privateKey
  return { privateKey, address: publicKeyToAddress(getPublicKey(privateKey, false)) }
}

/**
 * A job id of its own for every session: the node settles a job when its socket closes and refuses LTX work for that
 * job for a while (SURFACE §8.3 #12), so sessions of different cases must never share one.
 */
function freshJobId(): string {
  return String(new DataView(randomBytes(4).buffer).getUint32(0) + 1000)
}

/** Session data fields (PROTOCOL.md §4), as raw JSON text pieces so cases can send deliberately wrong types. */
export interface SessionDataParts {
  sessionKeyHex?: string | undefined
  jobId?: string | undefined
  modelName?: string | undefined
  /** Raw JSON for the price (e.g. `2272727273`, `"0.1"`, `-1`). */
  pricePerTokenJson?: string | undefined
  /** Extra raw `"key":value` members. */
  extra?: string[]
}

/** How to build (or deliberately break) an `encrypted_session_init`. */
export interface InitOptions {
  sessionId?: unknown
  id?: string
  chainId?: number
  /** Use camelCase `sessionId`/`chainId` on the outer frame. */
  camelCase?: boolean
  data?: SessionDataParts
  /** Replace the whole plaintext (e.g. not JSON). */
  plaintext?: string
  /** Seal to this public key instead of the node's. */
  sealTo?: Uint8Array
  aad?: string
  /** Announce this AAD in `aadHex` while sealing with `aad` (a mismatch the node must reject). */
  claimAad?: string
  /** Send the frame without its `payload` object. */
  omitPayload?: boolean
  uncompressedEphemeral?: boolean
  /** Signature scheme: raw digest (right), EIP-191 personal message (wrong), or garbage bytes. */
  signature?: 'raw' | 'eip191' | 'zeros' | 'v27'
  /** Post-process the payload object (remove fields, break hex…). */
  mutatePayload?: (payload: Record<string, string>) => void
  /** Flip a ciphertext bit after sealing. */
  tamper?: boolean
  /** Prefix every hex field with 0x / write it in upper case. */
  hexStyle?: 'plain' | '0x' | 'upper'
}

/** What a built init leaves behind: the frame and the key the node will hold if it accepts it. */
export interface BuiltInit {
  frame: Record<string, unknown>
  sessionKey: Uint8Array
  sessionId: unknown
  /** The address the node recovers from the signature over sha256(ciphertext) (and must echo), when it recovers. */
  recoveredAddress: `0x${string}` | undefined
}

function eip191Digest(digest: Uint8Array): Uint8Array {
  const prefix = utf8ToBytes(`\x19Ethereum Signed Message:\n${digest.length}`)
  const message = new Uint8Array(prefix.length + digest.length)
  message.set(prefix)
  message.set(digest, prefix.length)
  return keccak256(message)
}

function restyle(hex: string, style: InitOptions['hexStyle']): string {
  if (style === '0x') return `0x${hex}`
  if (style === 'upper') return hex.toUpperCase()
  return hex
}

/** Build an `encrypted_session_init` for `nodePublicKey`, signed by `wallet`, optionally broken as told. */
export function buildInit(nodePublicKey: Uint8Array, wallet: TestWallet, o: InitOptions = {}): BuiltInit {
  const sessionKey = randomBytes(32)
  const eph = generateEphemeralKey()
  const initKey = deriveInitKey(eph.privateKey, o.sealTo ?? nodePublicKey)
  const d = o.data ?? {}
  const members = [
    d.sessionKeyHex === undefined && 'sessionKeyHex' in d
      ? undefined
      : `"sessionKey":${JSON.stringify(d.sessionKeyHex ?? bytesToHex(sessionKey))}`,
    d.jobId === undefined && 'jobId' in d ? undefined : `"jobId":${JSON.stringify(d.jobId ?? freshJobId())}`,
    d.modelName === undefined && 'modelName' in d
      ? undefined
      : `"modelName":${JSON.stringify(d.modelName ?? 'conformance')}`,
    d.pricePerTokenJson === undefined && 'pricePerTokenJson' in d
      ? undefined
      : `"pricePerToken":${d.pricePerTokenJson ?? '2272727273'}`,
    ...(d.extra ?? []),
  ].filter((m): m is string => m !== undefined)
  const plaintext = o.plaintext ?? `{${members.join(',')}}`
  const aad = o.aad ?? 'session_init'
  const nonce = randomBytes(24)
  const ciphertext = sealWithNonce(initKey, nonce, plaintext, aad)
  if (o.tamper) ciphertext[0] = ciphertext[0]! ^ 0x01
  const digest = sha256(ciphertext)
  let signature: Uint8Array
  let recoveredAddress: `0x${string}` | undefined
  switch (o.signature ?? 'raw') {
    case 'eip191':
      signature = signDigest(wallet.privateKey, eip191Digest(digest))
      recoveredAddress = recoverAddress(digest, signature)
      break
    case 'zeros':
      signature = new Uint8Array(65)
      break
    case 'v27':
      signature = signDigest(wallet.privateKey, digest)
      signature[64] = signature[64]! + 27
      recoveredAddress = wallet.address
      break
    default:
      signature = signDigest(wallet.privateKey, digest)
      recoveredAddress = wallet.address
  }
  const style = o.hexStyle ?? 'plain'
  const payload: Record<string, string> = {
    ephPubHex: restyle(bytesToHex(getPublicKey(eph.privateKey, !o.uncompressedEphemeral)), style),
    ciphertextHex: restyle(bytesToHex(ciphertext), style),
    signatureHex: restyle(bytesToHex(signature), style),
    nonceHex: restyle(bytesToHex(nonce), style),
    aadHex: restyle(bytesToHex(utf8ToBytes(o.claimAad ?? aad)), style),
  }
  o.mutatePayload?.(payload)
  const sessionId = 'sessionId' in o ? o.sessionId : `conf-${bytesToHex(randomBytes(8))}`
  const frame: Record<string, unknown> = { type: 'encrypted_session_init', id: o.id ?? 'init-1' }
  if (o.camelCase) {
    frame.sessionId = sessionId
    frame.chainId = o.chainId ?? 84532
  } else {
    frame.session_id = sessionId
    frame.chain_id = o.chainId ?? 84532
  }
  if (!o.omitPayload) frame.payload = payload
  return { frame, sessionKey, sessionId, recoveredAddress }
}

/** Seal a prompt (string or JSON text) into an `encrypted_message`. */
export function buildMessage(
  sessionKey: Uint8Array,
  sessionId: unknown,
  plaintext: string | Uint8Array,
  o: { id?: string; aad?: string; tamper?: boolean; omitSessionId?: boolean } = {},
): Record<string, unknown> {
  const aad = o.aad ?? 'message_0'
  const sealed = seal(sessionKey, plaintext, aad)
  if (o.tamper) sealed.ciphertext[0] = sealed.ciphertext[0]! ^ 0x01
  const frame: Record<string, unknown> = { type: 'encrypted_message', id: o.id ?? 'msg-1' }
  if (!o.omitSessionId) frame.session_id = sessionId
  frame.payload = {
    ciphertextHex: bytesToHex(sealed.ciphertext),
    nonceHex: bytesToHex(sealed.nonce),
    aadHex: bytesToHex(utf8ToBytes(aad)),
  }
  return frame
}

/** Outcome of opening a node payload with the AAD the client expects. */
export type Opened =
  | { ok: true; text: string }
  | { ok: false; why: 'wrong-aad'; actualAad: string }
  | { ok: false; why: 'tampered' }
  | { ok: false; why: 'malformed'; detail: string }

/** Open a sealed node payload with the expected AAD; tell a wrong-AAD seal apart from a tampered one. */
export function openPayload(sessionKey: Uint8Array, payload: unknown, expectedAad: string): Opened {
  if (payload === null || typeof payload !== 'object')
    return { ok: false, why: 'malformed', detail: 'no payload' }
  const p = payload as Record<string, unknown>
  if (typeof p.ciphertextHex !== 'string' || typeof p.nonceHex !== 'string') {
    return { ok: false, why: 'malformed', detail: 'payload lacks ciphertextHex/nonceHex' }
  }
  let ciphertext: Uint8Array
  let nonce: Uint8Array
  try {
    ciphertext = hexToBytes(p.ciphertextHex)
    nonce = hexToBytes(p.nonceHex)
  } catch {
    return { ok: false, why: 'malformed', detail: 'payload hex does not decode' }
  }
  try {
    return { ok: true, text: new TextDecoder().decode(open(sessionKey, nonce, ciphertext, expectedAad)) }
  } catch {
    const claimed = typeof p.aadHex === 'string' ? safeAscii(p.aadHex) : undefined
    if (claimed !== undefined && claimed !== expectedAad) {
      try {
        open(sessionKey, nonce, ciphertext, claimed)
        return { ok: false, why: 'wrong-aad', actualAad: claimed }
      } catch {
        // Neither label opens it: tampered (or sealed with another key).
      }
    }
    return { ok: false, why: 'tampered' }
  }
}

function safeAscii(hex: string): string | undefined {
  try {
    return new TextDecoder().decode(hexToBytes(hex))
  } catch {
    return undefined
  }
}
