import {
  bytesToHex,
  bytesToUtf8,
  deriveInitKey,
  generateEphemeralKey,
  getPublicKey,
  hexToBytes,
  open,
  publicKeyToAddress,
  randomBytes,
  seal,
  sha256,
  signDigest,
  utf8ToBytes,
} from '@fabstir/crypto'
import type { Frame, FrameQueue } from './frame-queue.js'

/** A client wallet (raw-digest signer). */
export interface Wallet {
  privateKey: Uint8Array
  address: string
}

/** A fresh random wallet. */
export function newWallet(): Wallet {
  const privateKey = generateEphemeralKey().privateKey
  return { privateKey, address: publicKeyToAddress(getPublicKey(privateKey)) }
}

/** Options for {@link buildInit}. */
export interface InitOptions {
  nodePublicKey: string
  sessionId?: unknown
  id?: unknown
  jobId?: string
  wallet?: Wallet
  /** Full session-data JSON text; `SESSION_KEY` inside it is replaced by the generated key hex. */
  sessionDataText?: string
  aad?: string
  /** Use the 65-byte uncompressed ephemeral key. */
  uncompressed?: boolean
  /** Post-process the 65-byte signature. */
  mutateSignature?: (sig: Uint8Array) => Uint8Array
  extra?: Record<string, unknown>
}

/** A built `encrypted_session_init` frame plus the secrets the client keeps. */
export interface BuiltInit {
  frame: Record<string, unknown>
  sessionKey: Uint8Array
  wallet: Wallet
}

/** Build an `encrypted_session_init` from @fabstir/crypto primitives, as an SDK would. */
export function buildInit(o: InitOptions): BuiltInit {
  const wallet = o.wallet ?? newWallet()
  const sessionKey = randomBytes(32)
  const eph = generateEphemeralKey()
  const initKey = deriveInitKey(eph.privateKey, o.nodePublicKey)
  const data =
    o.sessionDataText?.replace('SESSION_KEY', bytesToHex(sessionKey)) ??
    `{"sessionKey":"${bytesToHex(sessionKey)}","jobId":"${o.jobId ?? '42'}","modelName":"tiny-vicuna","pricePerToken":2272727273}`
  const aad = utf8ToBytes(o.aad ?? 'session_init')
  const sealed = seal(initKey, data, aad)
  let signature = signDigest(wallet.privateKey, sha256(sealed.ciphertext))
  if (o.mutateSignature) signature = o.mutateSignature(signature)
  const ephPub = o.uncompressed ? getPublicKey(eph.privateKey, false) : eph.publicKey
  const frame: Record<string, unknown> = {
    type: 'encrypted_session_init',
    id: o.id ?? 'init-1',
    session_id: o.sessionId ?? `sess-${bytesToHex(randomBytes(4))}`,
    chain_id: 84532,
    payload: {
      ephPubHex: bytesToHex(ephPub),
      ciphertextHex: bytesToHex(sealed.ciphertext),
      signatureHex: bytesToHex(signature),
      nonceHex: bytesToHex(sealed.nonce),
      aadHex: bytesToHex(aad),
    },
    ...o.extra,
  }
  if (o.sessionId === null) delete frame.session_id
  return { frame, sessionKey, wallet }
}

/** An `encrypted_message` payload sealed with the session key and AAD `message_<n>`. */
export function sealPrompt(sessionKey: Uint8Array, plaintext: string | Uint8Array, n = 0) {
  const aad = utf8ToBytes(`message_${n}`)
  const sealed = seal(sessionKey, plaintext, aad)
  return {
    ciphertextHex: bytesToHex(sealed.ciphertext),
    nonceHex: bytesToHex(sealed.nonce),
    aadHex: bytesToHex(aad),
  }
}

/** An `encrypted_message` frame. */
export function promptFrame(
  sessionId: string | undefined,
  sessionKey: Uint8Array,
  plaintext: string | Uint8Array,
  opts: { id?: string; n?: number } = {},
): Record<string, unknown> {
  return {
    type: 'encrypted_message',
    id: opts.id ?? 'msg-1',
    session_id: sessionId,
    payload: sealPrompt(sessionKey, plaintext, opts.n ?? 0),
  }
}

/** Open a payload with the AAD the client expects (not the one the node claims). */
export function openWith(sessionKey: Uint8Array, payload: Frame, aad: string): string {
  return bytesToUtf8(open(sessionKey, hexToBytes(payload.nonceHex), hexToBytes(payload.ciphertextHex), aad))
}

/** The complete answer to one prompt, collected and verified strictly. */
export interface Collected {
  chunks: Frame[]
  texts: string[]
  text: string
  response: Frame
  finishReason: string
  end: Frame
}

/** Read one encrypted response: chunks until `final`, the `encrypted_response`, then `stream_end`. */
export async function collectEncrypted(q: FrameQueue, sessionKey: Uint8Array): Promise<Collected> {
  const chunks: Frame[] = []
  const texts: string[] = []
  for (;;) {
    const f = await q.next()
    if (f.type !== 'encrypted_chunk') throw new Error(`expected encrypted_chunk, got ${JSON.stringify(f)}`)
    if (f.payload.index !== chunks.length)
      throw new Error(`chunk index ${f.payload.index} != ${chunks.length}`)
    texts.push(openWith(sessionKey, f.payload, `chunk_${chunks.length}`))
    chunks.push(f)
    if (f.final === true) break
  }
  const response = await q.next()
  if (response.type !== 'encrypted_response')
    throw new Error(`expected encrypted_response, got ${response.type}`)
  const finishReason = openWith(sessionKey, response.payload, 'encrypted_response_final')
  const end = await q.next()
  if (end.type !== 'stream_end') throw new Error(`expected stream_end, got ${end.type}`)
  return { chunks, texts, text: texts.join(''), response, finishReason, end }
}
