import {
  bytesToHex,
  deriveInitKey,
  hexToBytes,
  open,
  recoverAddress,
  seal,
  sha256,
  utf8ToBytes,
  zeroize,
} from '@fabstir/crypto'
import { FabstirBaseError } from '@fabstir/wire'
import type { RecordedFrame } from '../node/probe.js'

/** A decrypted session init, as the scripted node sees it. */
export interface ReceivedInit {
  /** The request id of the init frame. */
  id: unknown
  /** Its `session_id`. */
  sessionId: unknown
  /** The session key from the decrypted session data. */
  sessionKey: Uint8Array
  /** The `jobId` of the session data. */
  jobId: unknown
  /** The address the signature over sha256(ciphertext) recovers to (what a node echoes as client_address). */
  clientAddress: string
}

/** A decrypted prompt. */
export interface ReceivedPrompt {
  /** The request id of the prompt. */
  id: unknown
  /** Its `session_id`. */
  sessionId: unknown
  /** The decrypted prompt text. */
  text: string
}

/** Raised inside a script when the client did something the script cannot continue from. */
export class ScriptAbort extends FabstirBaseError {
  override readonly name: string = 'ScriptAbort'

  constructor(message: string, options?: { cause?: unknown }) {
    super('SCRIPT_ABORTED', message, options)
  }
}

/**
 * What a client-mode case script can do on its one connection: read the client's frames (decrypting the init with
 * the node key and prompts with the session key) and send exactly the frames the case prescribes.
 */
export class ScriptContext {
  private readonly inbox: string[] = []
  private waiter: (() => void) | undefined
  private closed = false
  private readonly started = Date.now()
  /** The session key, once an init was decrypted. */
  sessionKey: Uint8Array | undefined

  constructor(
    private readonly sendText: (text: string) => void,
    private readonly closeSocket: (code?: number) => void,
    private readonly nodePrivateKey: Uint8Array,
    /** How long {@link ScriptContext.next} waits for a client frame. */
    readonly timeoutMs: number,
    /** Where every frame in either direction is recorded (the case's report row). */
    private readonly recordFrame: (frame: RecordedFrame) => void,
  ) {}

  /** Called by the server for each client frame. */
  deliver(text: string): void {
    this.record('→', text)
    this.inbox.push(text)
    this.waiter?.()
  }

  /** Called by the server when the client closed. */
  clientClosed(): void {
    this.closed = true
    this.record('•', 'connection closed by the client')
    this.waiter?.()
  }

  private record(dir: RecordedFrame['dir'], text: string): void {
    const clipped = text.length > 2048 ? `${text.slice(0, 2048)}…(${text.length - 2048} more chars)` : text
    this.recordFrame({ dir, at: Date.now() - this.started, text: clipped })
  }

  /** Send a frame (objects are JSON-serialized). */
  send(frame: object | string): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame)
    this.record('←', text)
    this.sendText(text)
  }

  /** Close the connection from the node side. */
  close(code = 1000): void {
    this.record('•', `connection closed by the scripted node (code ${code})`)
    this.closeSocket(code)
  }

  /** Wait `ms` milliseconds (slow-drip cases). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms))
  }

  /** The next client frame of `type`, skipping others (pings, cancels…); aborts on timeout or close. */
  async next(type: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + this.timeoutMs
    for (;;) {
      const text = this.inbox.shift()
      if (text !== undefined) {
        try {
          const v = JSON.parse(text) as Record<string, unknown>
          if (v && v.type === type) return v
        } catch {
          // not JSON: skip
        }
        continue
      }
      if (this.closed) throw new ScriptAbort(`the client closed before sending ${type}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new ScriptAbort(`the client sent no ${type} within ${this.timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiter = () => {
          clearTimeout(t)
          resolve()
        }
      })
      this.waiter = undefined
    }
  }

  /** Receive and decrypt the client's `encrypted_session_init` with the node key. */
  async receiveInit(): Promise<ReceivedInit> {
    const frame = await this.next('encrypted_session_init')
    const p = frame.payload as Record<string, string>
    const initKey = deriveInitKey(this.nodePrivateKey, hexToBytes(p.ephPubHex ?? ''))
    let data: { sessionKey: string; jobId: unknown }
    try {
      const plaintext = open(
        initKey,
        hexToBytes(p.nonceHex ?? ''),
        hexToBytes(p.ciphertextHex ?? ''),
        hexToBytes(p.aadHex ?? ''),
      )
      data = JSON.parse(new TextDecoder().decode(plaintext)) as { sessionKey: string; jobId: unknown }
    } finally {
      zeroize(initKey)
    }
    this.sessionKey = hexToBytes(data.sessionKey)
    const clientAddress = recoverAddress(
      sha256(hexToBytes(p.ciphertextHex ?? '')),
      hexToBytes(p.signatureHex ?? ''),
    )
    return {
      id: frame.id,
      sessionId: frame.session_id,
      sessionKey: this.sessionKey,
      jobId: data.jobId,
      clientAddress,
    }
  }

  /** Receive an `encrypted_session_init` that the node cannot decrypt (wrong-key cases); returns the raw frame. */
  receiveUndecryptableInit(): Promise<Record<string, unknown>> {
    return this.next('encrypted_session_init')
  }

  /** Receive and decrypt the next `encrypted_message` (the prompt) with the session key. */
  async receivePrompt(): Promise<ReceivedPrompt> {
    const frame = await this.next('encrypted_message')
    const p = frame.payload as Record<string, string>
    if (!this.sessionKey) throw new ScriptAbort('a prompt arrived before a session key was set')
    const bytes = open(
      this.sessionKey,
      hexToBytes(p.nonceHex ?? ''),
      hexToBytes(p.ciphertextHex ?? ''),
      hexToBytes(p.aadHex ?? ''),
    )
    return { id: frame.id, sessionId: frame.session_id, text: new TextDecoder().decode(bytes) }
  }

  /** A payload sealed with the session key under `aad`, optionally with one ciphertext bit flipped. */
  sealed(
    text: string,
    aad: string,
    options: { announceAad?: string; tamper?: boolean } = {},
  ): Record<string, string> {
    if (!this.sessionKey) throw new ScriptAbort('no session key yet')
    const s = seal(this.sessionKey, text, aad)
    if (options.tamper) s.ciphertext[0] = s.ciphertext[0]! ^ 0x01
    return {
      ciphertextHex: bytesToHex(s.ciphertext),
      nonceHex: bytesToHex(s.nonce),
      aadHex: bytesToHex(utf8ToBytes(options.announceAad ?? aad)),
    }
  }
}
