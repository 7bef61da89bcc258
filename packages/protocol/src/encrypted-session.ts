import {
  bytesToHex,
  bytesToUtf8,
  deriveInitKey,
  generateEphemeralKey,
  hexToBytes,
  open,
  parsePublicKey,
  randomBytes,
  seal,
  sha256,
  utf8ToBytes,
  zeroize,
} from '@fabstir/crypto'
import type {
  ChatNodeFrame,
  EncryptedChunkFrame,
  EncryptedMessageFrame,
  EncryptedResponseFrame,
  EncryptedSessionInitFrame,
  SessionInitAckFrame,
} from '@fabstir/wire'
import { routedImageEvents } from './actions/routed-image.js'
import { BaseSession, type InFlight } from './base-session.js'
import { FabstirError, isFabstirError } from './errors.js'
import type { ProtocolEvent, SessionState } from './events.js'
import { newSessionId } from './ids.js'
import type { Logger } from './logger.js'
import { verifyNodePublicKey } from './node-key.js'
import { capNodeText } from './node-text.js'
import { NonceSet } from './nonce-set.js'
import {
  normalizeChainId,
  normalizeJobId,
  normalizePrice,
  normalizePrompt,
  type PromptInput,
  promptJson,
  requireNonEmptyString,
} from './options.js'
import { encodeSessionData, type VectorDatabase } from './session-data.js'
import type { DigestSigner } from './signer.js'
import { checkWalletSignature, walletFailure } from './wallet-signature.js'

/**
 * Options of {@link createSession} (and the {@link EncryptedSession} constructor). Invalid values throw
 * `INVALID_CONFIG` with `details.field`; a key that does not match `expectedNodeAddress` throws
 * `NODE_KEY_MISMATCH`.
 */
export interface EncryptedSessionOptions {
  /** The node's static secp256k1 public key (33 or 65 bytes, or hex). Get it out of band (PROTOCOL.md §2). */
  nodePublicKey: Uint8Array | string
  /** The user's wallet: signs `sha256(ciphertext)` of the session data as a raw digest. */
  signer: DigestSigner
  /** On-chain job id (sent as a decimal string). */
  jobId: string | number | bigint
  /** 84532 (Base Sepolia, default) or 5611. */
  chainId?: number
  /** Model name sent in the session data (non-empty; informational for the node). */
  modelName: string
  /** Smallest token unit (wei or 6-decimal USDC units); bigint for values above 2^53. */
  pricePerToken: number | bigint
  /** Defaults to a fresh UUID. Reuse it to re-key an existing session (the node keeps its history). */
  sessionId?: string
  /** RAG database the node should load for the session (both fields non-empty). */
  vectorDatabase?: VectorDatabase
  /** Compressed public key hex (non-empty) the node uses for encrypted checkpoints. */
  recoveryPublicKey?: string
  /**
   * The host's Ethereum address (e.g. from registry metadata). When given, `nodePublicKey` must belong to it, or
   * `createSession` throws `NODE_KEY_MISMATCH` before any secret is derived or sent.
   */
  expectedNodeAddress?: string
  /** Receives frame types, ids and error codes only — never keys, session data or plaintext. */
  logger?: Logger
}

const SESSION_INIT_AAD = 'session_init'
const RESPONSE_AAD = 'encrypted_response_final'
/** The AAD of an image reply, also when the node diverts a chat prompt to image generation (PROTOCOL-SURFACE §6). */
const IMAGE_AAD = 'encrypted_image_response'

function nonEmpty(text: string): boolean {
  return text.length > 0
}

/**
 * The encrypted session state machine (sans-IO): builds `encrypted_session_init` / `encrypted_message` /
 * `stream_cancel` frames and consumes the node's frames. It owns the 32-byte session key; nothing else ever sees it.
 */
export class EncryptedSession extends BaseSession {
  /** Always `true`: traffic is end-to-end encrypted. */
  readonly encrypted = true
  /** Chain id sent in `encrypted_session_init` (default 84532, Base Sepolia). */
  readonly chainId: number
  /** On-chain job id, normalised to a decimal string. */
  readonly jobId: string
  private readonly nodePublicKey: Uint8Array
  private readonly signer: DigestSigner
  private readonly signerAddress: string
  private readonly modelName: string
  private readonly pricePerToken: number | bigint
  private readonly vectorDatabase: VectorDatabase | undefined
  private readonly recoveryPublicKey: string | undefined
  private sessionKey: Uint8Array | undefined
  /**
   * Fingerprints of the nonce of every authenticated node frame under the current session key (a replay detector).
   * About 16 bytes per frame until the session is re-keyed or closed.
   */
  private readonly seenNonces = new NonceSet()
  private messageIndex = 0
  /** Counts `init()` calls: a signature that arrives after a newer init started (or the session ended) is dropped. */
  private initAttempt = 0
  /** The session key of an init whose signature is still pending (zeroed if the init is abandoned). */
  private pendingSessionKey: Uint8Array | undefined
  private _clientAddress: `0x${string}` | undefined

  constructor(options: EncryptedSessionOptions) {
    super(
      options.sessionId === undefined
        ? newSessionId()
        : requireNonEmptyString(options.sessionId, 'sessionId'),
      options.logger,
    )
    try {
      this.nodePublicKey =
        options.expectedNodeAddress === undefined
          ? parsePublicKey(options.nodePublicKey)
          : verifyNodePublicKey(options.nodePublicKey, options.expectedNodeAddress)
    } catch (cause) {
      if (cause instanceof FabstirError) throw cause
      throw new FabstirError('INVALID_CONFIG', 'nodePublicKey is not a valid secp256k1 public key', {
        cause,
        details: { field: 'nodePublicKey' },
      })
    }
    const signer = options.signer
    if (!signer || typeof signer.signDigest !== 'function' || typeof signer.address !== 'string') {
      throw new FabstirError('INVALID_CONFIG', 'signer must provide { address, signDigest(digest) }', {
        details: { field: 'signer' },
      })
    }
    if (!/^0x[0-9a-fA-F]{40}$/.test(signer.address)) {
      throw new FabstirError('INVALID_CONFIG', 'signer.address is not a 20-byte hex address', {
        details: { field: 'signer.address' },
      })
    }
    this.signer = signer
    this.signerAddress = signer.address.toLowerCase()
    this.jobId = normalizeJobId(options.jobId)
    this.chainId = normalizeChainId(options.chainId)
    this.modelName = requireNonEmptyString(options.modelName, 'modelName')
    this.pricePerToken = normalizePrice(options.pricePerToken)
    if (options.vectorDatabase !== undefined) {
      requireNonEmptyString(options.vectorDatabase?.manifestPath, 'vectorDatabase.manifestPath')
      requireNonEmptyString(options.vectorDatabase?.userAddress, 'vectorDatabase.userAddress')
    }
    this.vectorDatabase = options.vectorDatabase
    if (options.recoveryPublicKey !== undefined) {
      requireNonEmptyString(options.recoveryPublicKey, 'recoveryPublicKey')
    }
    this.recoveryPublicKey = options.recoveryPublicKey
  }

  /**
   * Entries in the replay detector: one per authenticated node frame since the last (re-)key. Transports bound its
   * memory by re-keying (`init()` again while `ready`) when it grows large.
   */
  get replayCacheSize(): number {
    return this.seenNonces.size
  }

  /** The address the node recovered from the init signature (set once the session is ready). */
  get clientAddress(): `0x${string}` | undefined {
    return this._clientAddress
  }

  /**
   * Build the `encrypted_session_init` frame: fresh ephemeral key → ECDH → HKDF init key → seal the session data
   * (with a fresh random session key) → raw-digest signature over `sha256(ciphertext)`. The ephemeral private key
   * and the init key are zeroed before this resolves. Allowed in state `new` (also to re-key after a node restart
   * or reconnect, with the same `session_id`) and in `ready`, to re-key between answers (the old key is zeroed).
   */
  async init(options: { id?: string } = {}): Promise<EncryptedSessionInitFrame> {
    if (this._state === 'ready') {
      // Re-key between answers: the node replaces the key of this session_id and keeps its history.
      this.zeroizeKeys()
      this._state = 'new'
    }
    if (this._state !== 'new') {
      throw new FabstirError('INVALID_STATE', `init() is not allowed in state "${this._state}"`, {
        sessionId: this.sessionId,
      })
    }
    const id = this.requestId(options.id)
    this._state = 'initializing'
    this.initRequestId = id
    const attempt = ++this.initAttempt
    const eph = generateEphemeralKey()
    let initKey: Uint8Array | undefined
    let plaintext: Uint8Array | undefined
    const sessionKey = randomBytes(32)
    try {
      initKey = deriveInitKey(eph.privateKey, this.nodePublicKey)
      zeroize(eph.privateKey)
      plaintext = utf8ToBytes(
        encodeSessionData({
          sessionKey,
          jobId: this.jobId,
          modelName: this.modelName,
          pricePerToken: this.pricePerToken,
          vectorDatabase: this.vectorDatabase,
          recoveryPublicKey: this.recoveryPublicKey,
        }),
      )
      const sealed = seal(initKey, plaintext, SESSION_INIT_AAD)
      zeroize(initKey, plaintext)
      const digest = sha256(sealed.ciphertext)
      // While the wallet signs, the fresh session key waits here; abandoning the init or closing zeroes it even if
      // the wallet never answers.
      this.pendingSessionKey = sessionKey
      const signature = await this.sign(digest)
      if (this.pendingSessionKey === sessionKey) this.pendingSessionKey = undefined
      if (this._state !== 'initializing' || this.initAttempt !== attempt) {
        const state = this._state as SessionState
        const lost = state !== 'closed' && state !== 'failed'
        throw new FabstirError(
          lost ? 'CONNECTION_LOST' : 'SESSION_CLOSED',
          lost
            ? 'the init was abandoned while the wallet was signing (deadline passed or connection lost)'
            : 'the session was closed while the wallet was signing',
          { sessionId: this.sessionId },
        )
      }
      this.sessionKey = sessionKey
      this.seenNonces.clear()
      this.messageIndex = 0
      const frame: EncryptedSessionInitFrame = {
        type: 'encrypted_session_init',
        id,
        session_id: this.sessionId,
        chain_id: this.chainId,
        payload: {
          ephPubHex: bytesToHex(eph.publicKey),
          ciphertextHex: bytesToHex(sealed.ciphertext),
          signatureHex: bytesToHex(signature),
          nonceHex: bytesToHex(sealed.nonce),
          aadHex: bytesToHex(utf8ToBytes(SESSION_INIT_AAD)),
        },
      }
      const jobNumber = Number(this.jobId)
      if (Number.isSafeInteger(jobNumber)) frame.job_id = jobNumber
      this.log.debug?.('session init built', { sessionId: this.sessionId, id })
      return frame
    } catch (e) {
      if (this.pendingSessionKey === sessionKey) this.pendingSessionKey = undefined
      zeroize(eph.privateKey, initKey, plaintext, sessionKey)
      if (this._state === 'initializing' && this.initAttempt === attempt) this._state = 'new'
      throw e
    }
  }

  /**
   * Seal a prompt with the session key (AAD `message_<N>`) and build the `encrypted_message` frame. Only one
   * prompt may be in flight: the node silently drops frames that arrive while it streams (`PROMPT_IN_FLIGHT`).
   */
  prompt(prompt: PromptInput, options: { id?: string } = {}): EncryptedMessageFrame {
    this.assertCanPrompt()
    const json = promptJson(normalizePrompt(prompt))
    const id = this.requestId(options.id)
    const frame = this.sealAction(json, id)
    this.inflight = { id, nextIndex: 0, sawFinal: false, finishReason: undefined, cancelRequested: false }
    this._state = 'streaming'
    return frame
  }

  /**
   * Give up on an `init()` whose signature has not arrived (the transport's deadline passed, or its connection
   * closed): the session returns to `new`, and the signature, if it ever comes, is dropped.
   */
  abandonInit(): void {
    zeroize(this.pendingSessionKey)
    this.pendingSessionKey = undefined
    if (this._state !== 'initializing') return
    this.initAttempt++
    this._state = 'new'
  }

  protected override initSent(): boolean {
    return this.sessionKey !== undefined
  }

  protected zeroizeKeys(): void {
    zeroize(this.sessionKey, this.pendingSessionKey)
    this.pendingSessionKey = undefined
    this.sessionKey = undefined
    this.seenNonces.clear()
  }

  protected onAck(frame: SessionInitAckFrame): ProtocolEvent[] {
    if (frame.id !== undefined && frame.id !== this.initRequestId)
      return this.ignore('ack for another request', frame.type)
    const raw = frame.client_address?.toLowerCase()
    const echoed = raw === undefined ? undefined : capNodeText(raw, 64)
    if (raw !== this.signerAddress) {
      return this.failWith(
        'CLIENT_ADDRESS_MISMATCH',
        `the node recovered ${echoed ?? 'no address'} from the init signature, not the signer's ${this.signerAddress}: the session would not be billed to this wallet`,
        {
          details: { expected: this.signerAddress, received: echoed ?? null },
        },
      )
    }
    if (frame.session_id !== undefined && frame.session_id !== this.sessionId) {
      return this.failWith('INVALID_FRAME', 'the node acknowledged a different session id', {
        details: { received: frame.session_id },
      })
    }
    this._clientAddress = echoed as `0x${string}`
    this._state = 'ready'
    return [{ type: 'ready', sessionId: this.sessionId, clientAddress: this._clientAddress }]
  }

  protected onDataFrame(frame: ChatNodeFrame): ProtocolEvent[] {
    if (frame.type === 'encrypted_chunk' || frame.type === 'encrypted_response') {
      // Background transcode/LTX frames carry no id; after a local cancel they may still be on the wire.
      if (frame.id !== undefined) this.drainingIdless = false
      else if (this.drainingIdless) return this.ignore('late frame of a cancelled flow', frame.type)
      const flow = this.inflight?.flow
      if (flow) return this.onFlowFrame(frame, flow.aad)
    }
    if (frame.type === 'encrypted_chunk') return this.onChunk(frame)
    if (frame.type === 'encrypted_response') return this.onResponse(frame)
    return this.ignore('plaintext frame on an encrypted session', frame.type)
  }

  protected endIsAuthentic(inflight: InFlight): boolean {
    return inflight.finishReason !== undefined
  }

  private onChunk(frame: EncryptedChunkFrame): ProtocolEvent[] {
    const inflight = this.inflight
    if (this._state !== 'streaming' || !inflight || !this.isCurrent(frame.id)) {
      return this.ignore('chunk for no request in flight', frame.type)
    }
    const expected = inflight.nextIndex
    if (frame.payload.index !== expected || inflight.sawFinal) {
      return this.failWith(
        'CHUNK_OUT_OF_ORDER',
        inflight.sawFinal
          ? `chunk ${frame.payload.index} arrived after the final chunk`
          : `expected chunk ${expected}, received chunk ${frame.payload.index} (reordered, replayed or dropped)`,
        {
          requestId: inflight.id,
          details: { expected, received: frame.payload.index },
        },
      )
    }
    const text = this.openText(frame, `chunk_${expected}`, inflight.id)
    if (typeof text !== 'string') return [text]
    const final = frame.final === true
    // `final` is not authenticated. The node's terminal chunk carries no text (or the node's `Error: …` on a
    // generation failure), so a "final" chunk with other text is a middle chunk relabelled to truncate the answer.
    if (final && text !== '' && !text.startsWith('Error: ')) {
      return this.failWith(
        'STREAM_TRUNCATED',
        'a chunk with answer text was marked final: the answer may have been truncated',
        {
          requestId: inflight.id,
          details: { index: expected },
        },
      )
    }
    inflight.nextIndex++
    if (final) inflight.sawFinal = true
    return [{ type: 'chunk', id: inflight.id, index: expected, text, tokens: frame.tokens, final }]
  }

  private onResponse(frame: EncryptedResponseFrame): ProtocolEvent[] {
    const inflight = this.inflight
    if (this._state !== 'streaming' || !inflight || !this.isCurrent(frame.id)) {
      return this.ignore('response for no request in flight', frame.type)
    }
    if (inflight.nextIndex === 0) {
      // No chunk yet: a chat answer always starts with one, so this is the node's image reply to a prompt it diverted
      // to image generation (PROTOCOL-SURFACE §6: one reply, no stream_end), expected under the image family AAD.
      const json = this.openText(frame, IMAGE_AAD, inflight.id)
      if (typeof json !== 'string') return [json]
      this.inflight = undefined
      this._state = 'ready'
      return routedImageEvents(json, inflight.id)
    }
    if (!inflight.sawFinal || inflight.finishReason !== undefined) {
      return this.failWith(
        'STREAM_TRUNCATED',
        inflight.sawFinal
          ? 'a second encrypted_response arrived for the same answer'
          : 'encrypted_response arrived before the final chunk: the answer may have been truncated',
        {
          requestId: inflight.id,
          details: { chunksReceived: inflight.nextIndex },
        },
      )
    }
    const finishReason = this.openText(frame, RESPONSE_AAD, inflight.id)
    if (typeof finishReason !== 'string') return [finishReason]
    if (!nonEmpty(finishReason)) {
      return this.failWith('INVALID_FRAME', 'encrypted_response carried an empty finish reason', {
        requestId: inflight.id,
      })
    }
    inflight.finishReason = finishReason
    return [{ type: 'response', id: inflight.id, finishReason }]
  }

  // ── action flows (`src/actions/`) ──

  /** Set after a transcode/LTX flow ended locally: id-less replies still on the wire are dropped until an id shows. */
  private drainingIdless = false

  /** @internal Drop id-less encrypted replies until the next frame with an id (after a local flow cancel). */
  drainIdlessReplies(): void {
    this.drainingIdless = true
  }

  /**
   * @internal Seal a request's inner JSON text with the session key (AAD `message_<N>`) into an `encrypted_message`:
   * prompts and actions alike. The caller has checked that the session is ready.
   */
  sealAction(json: string, id: string): EncryptedMessageFrame {
    const plaintext = utf8ToBytes(json)
    const aad = `message_${this.messageIndex}`
    const sealed = seal(this.sessionKey!, plaintext, aad)
    zeroize(plaintext)
    const frame: EncryptedMessageFrame = {
      type: 'encrypted_message',
      id,
      session_id: this.sessionId,
      payload: {
        ciphertextHex: bytesToHex(sealed.ciphertext),
        nonceHex: bytesToHex(sealed.nonce),
        aadHex: bytesToHex(utf8ToBytes(aad)),
      },
    }
    this.messageIndex++
    return frame
  }

  /** A reply of the flow in flight: authenticated under the family AAD the flow expects, never the frame's own. */
  private onFlowFrame(
    frame: EncryptedChunkFrame | EncryptedResponseFrame,
    aad: string | undefined,
  ): ProtocolEvent[] {
    const inflight = this.inflight!
    if (frame.type !== 'encrypted_response' || aad === undefined || !this.isCurrent(frame.id)) {
      return this.ignore('frame for no request in flight', frame.type)
    }
    const text = this.openText(frame, aad, inflight.id)
    if (typeof text !== 'string') return [text]
    return this.flowOutcome(inflight.flow!.onInner(text, frame.id))
  }

  /** Authenticate and decrypt a payload with the AAD this client expects; failures end the session. */
  private openText(
    frame: EncryptedChunkFrame | EncryptedResponseFrame,
    aad: string,
    requestId: string,
  ): string | ProtocolEvent {
    // The node draws a fresh random nonce for every seal, so a nonce seen before under this session key means a
    // replayed frame — e.g. a chunk of an earlier answer at the same index, which the per-prompt `chunk_<i>` AAD
    // alone cannot tell apart.
    const nonceHex = frame.payload.nonceHex
    if (this.seenNonces.has(nonceHex)) {
      return this.fail(
        new FabstirError(
          'CHUNK_OUT_OF_ORDER',
          `${frame.type} reuses a nonce already seen in this session: a replayed frame`,
          { requestId, sessionId: this.sessionId, details: { aad } },
        ),
      )
    }
    try {
      const bytes = open(
        this.sessionKey!,
        hexToBytes(frame.payload.nonceHex),
        hexToBytes(frame.payload.ciphertextHex),
        aad,
      )
      this.seenNonces.add(nonceHex)
      return bytesToUtf8(bytes)
    } catch (cause) {
      const utf8 = isFabstirError(cause) ? false : (cause as { code?: string }).code === 'INVALID_INPUT'
      return this.fail(
        new FabstirError(
          utf8 ? 'INVALID_UTF8' : 'DECRYPTION_FAILED',
          utf8
            ? `${frame.type} decrypted to bytes that are not UTF-8`
            : `${frame.type} failed authentication with AAD "${aad}": tampered, replayed or reordered`,
          { cause, requestId, sessionId: this.sessionId, details: { aad } },
        ),
      )
    }
  }

  /**
   * Ask the wallet for the raw-digest signature and check it before it leaves (see {@link checkWalletSignature}).
   */
  private async sign(digest: Uint8Array): Promise<Uint8Array> {
    let raw: unknown
    try {
      raw = await this.signer.signDigest(digest)
    } catch (cause) {
      throw walletFailure(cause)
    }
    return checkWalletSignature(digest, raw, this.signer, this.sessionId)
  }
}

/** Create an encrypted session (sans-IO). See {@link EncryptedSession}. */
export function createSession(options: EncryptedSessionOptions): EncryptedSession {
  return new EncryptedSession(options)
}
