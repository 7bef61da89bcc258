/**
 * Driving `@fabstir/protocol` over a transport of your own: here a `MessagePort`, with the WebSocket living on the
 * other side of the port (a Worker, a browser extension's background script, an iframe, …). The relay only ever
 * sees ciphertext; keys, prompts and answers stay with the session.
 *
 * Messages on the port are text frames, exactly as they travel on the WebSocket, or `null`: relay → client "the
 * connection closed", client → relay "close the connection" (the node settles the job when it closes).
 */
import {
  createSession,
  type EncryptedSession,
  type EncryptedSessionOptions,
  FabstirError,
  type PromptInput,
  type ProtocolEvent,
} from '../../../packages/protocol/dist/index.js'

/** A message event: only `data` is used. */
export interface DataEvent {
  data?: unknown
}

/** What this example needs from a `MessagePort` (browser or `node:worker_threads`). */
export interface FramePort {
  postMessage(message: string | null): void
  addEventListener(type: 'message', listener: (event: DataEvent) => void): void
  removeEventListener(type: 'message', listener: (event: DataEvent) => void): void
  /** Ports deliver `addEventListener` messages only once started. */
  start?(): void
}

/** What the relay needs from a WebSocket (the browser's, or `ws` in Node). */
export interface RelaySocket {
  send(text: string): void
  close(code?: number): void
  addEventListener(type: 'message' | 'close', listener: (event: DataEvent) => void): void
}

/** An authenticated answer. */
export interface Answer {
  text: string
  /** From the encrypted `encrypted_response` (`stop`, `error`), or `cancelled`. */
  finishReason: string
}

/** Relay side: forward text frames both ways between a port and a WebSocket. */
export function relay(port: FramePort, socket: RelaySocket): void {
  socket.addEventListener('message', (event) => {
    if (typeof event.data === 'string') port.postMessage(event.data)
  })
  socket.addEventListener('close', () => port.postMessage(null))
  port.addEventListener('message', (event) => {
    if (typeof event.data === 'string') socket.send(event.data)
    else if (event.data === null) socket.close(1000)
  })
  port.start?.()
}

/** Client side: one encrypted session over a port. One prompt at a time, like the node requires. */
export class PortSession {
  private readonly queue: ProtocolEvent[] = []
  private wake: (() => void) | undefined
  private lost = false

  private constructor(
    private readonly port: FramePort,
    private readonly session: EncryptedSession,
    private readonly timeoutMs: number,
  ) {
    port.addEventListener('message', this.onMessage)
    port.start?.()
  }

  private readonly onMessage = (event: DataEvent): void => {
    if (typeof event.data === 'string') this.queue.push(...this.session.receive(event.data))
    else if (event.data === null) {
      this.lost = true
      this.queue.push(...this.session.connectionLost())
    }
    this.wake?.()
  }

  /**
   * Wait for the node's greeting, send the session init, wait for the acknowledgement. Invalid options (a node key
   * that does not match `expectedNodeAddress`, say) throw before anything is posted.
   */
  static async open(
    port: FramePort,
    options: EncryptedSessionOptions,
    timeoutMs = 10_000,
  ): Promise<PortSession> {
    const self = new PortSession(port, createSession(options), timeoutMs)
    try {
      await self.next('connected')
      self.post(await self.session.init())
      await self.next('ready')
      return self
    } catch (e) {
      self.close()
      throw e
    }
  }

  /** The address the node recovered from the init signature (already compared with the signer's). */
  get clientAddress(): string | undefined {
    return this.session.clientAddress
  }

  /** Seal a prompt, then collect its authenticated chunks until the stream ends. `signal` cancels it. */
  async ask(prompt: PromptInput, signal?: AbortSignal): Promise<Answer> {
    this.post(this.session.prompt(prompt))
    const onAbort = () => {
      const cancel = this.session.cancel()
      if (cancel) this.post(cancel)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      let text = ''
      let finishReason: string | undefined
      for (;;) {
        const event = await this.next()
        if (event.type === 'chunk') text += event.text
        else if (event.type === 'response') finishReason = event.finishReason
        else if (event.type === 'end') return { text, finishReason: finishReason ?? event.reason }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  /** Zero the session key and ask the relay to close the connection (the node settles the job). */
  close(): void {
    this.session.close()
    this.port.removeEventListener('message', this.onMessage)
    if (!this.lost) this.port.postMessage(null)
    this.lost = true
  }

  private post(frame: object): void {
    if (this.lost) throw new FabstirError('CONNECTION_LOST', 'the relay closed the connection')
    this.port.postMessage(JSON.stringify(frame))
  }

  /** The next event (of `type`, skipping others); an `error` event throws. Never waits longer than the timeout. */
  private async next(type?: ProtocolEvent['type']): Promise<ProtocolEvent> {
    const deadline = Date.now() + this.timeoutMs
    for (;;) {
      const event = this.queue.shift()
      if (event?.type === 'error') throw event.error
      if (event && (type === undefined || event.type === type)) return event
      if (event) continue
      if (this.lost) throw new FabstirError('CONNECTION_LOST', 'the relay closed the connection')
      const left = deadline - Date.now()
      if (left <= 0)
        throw new FabstirError('TIMEOUT', `no ${type ?? 'answer'} frame within ${this.timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.wake = undefined
    }
  }
}
