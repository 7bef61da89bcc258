import { FabstirBaseError } from '@fabstir/wire'
import WebSocket from 'ws'

/** One frame exchanged during a case, as recorded in the report. */
export interface RecordedFrame {
  /** `→` client to node, `←` node to client, `•` a note (connection opened/closed, ping/pong). */
  dir: '→' | '←' | '•'
  /** Milliseconds since the case started. */
  at: number
  /** The frame text (truncated for the report when very large). */
  text: string
}

/** A frame from the node, parsed (or `undefined` when it is not a JSON object). */
export interface NodeFrame {
  /** The frame exactly as received. */
  text: string
  /** The parsed object, or `undefined` when the text is not a JSON object. */
  json: Record<string, unknown> | undefined
}

/** How the node closed the connection. */
export interface CloseInfo {
  /** WebSocket close code. */
  code: number
  /** Close reason text. */
  reason: string
}

/** Longest frame text kept in a report row. */
const REPORT_TEXT_LIMIT = 2048

function clip(text: string): string {
  return text.length <= REPORT_TEXT_LIMIT
    ? text
    : `${text.slice(0, REPORT_TEXT_LIMIT)}…(${text.length - REPORT_TEXT_LIMIT} more chars)`
}

/** Raised when the node does not do what a case expects. The message names what was expected and what came. */
export class CaseFailure extends FabstirBaseError {
  /** Always `'CaseFailure'`. */
  override readonly name: string = 'CaseFailure'

  constructor(message: string, options?: { cause?: unknown }) {
    super('CASE_FAILED', message, options)
  }
}

/** Raised when the node does not serve the flow a case needs (reported as "not served", not as a failure). */
export class NotServed extends FabstirBaseError {
  /** Always `'NotServed'`. */
  override readonly name: string = 'NotServed'

  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_SERVED', message, options)
  }
}

/**
 * A raw WebSocket client for one case: sends frames exactly as given, records both directions, and waits for node
 * frames with a deadline. Nothing here interprets the protocol.
 */
export class Probe {
  /** Every frame of the connection, both directions, in order (the report row). */
  readonly frames: RecordedFrame[] = []
  private readonly inbox: NodeFrame[] = []
  private waiter: (() => void) | undefined
  private closeInfo: CloseInfo | undefined
  private readonly started = Date.now()

  private constructor(
    private readonly ws: WebSocket,
    /** Default deadline of {@link Probe.next}. */
    readonly timeoutMs: number,
  ) {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? `<binary ${(data as Buffer).length} bytes>` : data.toString()
      this.note('←', text)
      let json: Record<string, unknown> | undefined
      try {
        const v = JSON.parse(text) as unknown
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) json = v as Record<string, unknown>
      } catch {
        json = undefined
      }
      this.inbox.push({ text, json })
      this.wake()
    })
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() }
      this.note('•', `connection closed by ${this.closingSide} (code ${code})`)
      this.wake()
    })
    ws.on('error', () => this.wake())
  }

  private closingSide = 'node'

  /** Open a connection; rejects with a {@link CaseFailure} when the node is unreachable. */
  static open(url: string, timeoutMs: number): Promise<Probe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { maxPayload: 0, perMessageDeflate: false })
      const probe = new Probe(ws, timeoutMs)
      const timer = setTimeout(() => {
        ws.terminate()
        reject(new CaseFailure(`could not connect to ${url} within ${timeoutMs} ms`))
      }, timeoutMs)
      ws.once('open', () => {
        clearTimeout(timer)
        probe.note('•', `connected to ${url}`)
        resolve(probe)
      })
      ws.once('error', (e) => {
        clearTimeout(timer)
        reject(new CaseFailure(`could not connect to ${url}: ${e.message}`))
      })
    })
  }

  /** Whether the node still has the connection open. */
  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  /** Close code when the connection has closed. */
  get closed(): CloseInfo | undefined {
    return this.closeInfo
  }

  /** Record a frame or a note in the report. */
  note(dir: RecordedFrame['dir'], text: string): void {
    this.frames.push({ dir, at: Date.now() - this.started, text: clip(text) })
  }

  /** Send a text frame: an object is serialized with `JSON.stringify`, a string is sent as is. */
  send(frame: object | string): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame)
    this.note('→', text)
    this.ws.send(text)
  }

  /** Send a binary frame. */
  sendBinary(bytes: Uint8Array): void {
    this.note('→', `<binary ${bytes.length} bytes>`)
    this.ws.send(bytes, { binary: true })
  }

  /** Send a WebSocket ping and wait for the pong carrying the same payload. */
  ping(payload: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.ws.off('pong', onPong)
        reject(new CaseFailure(`no pong within ${this.timeoutMs} ms`))
      }, this.timeoutMs)
      const onPong = (data: Buffer) => {
        clearTimeout(timer)
        this.note('•', `pong (${data.length} bytes)`)
        resolve(new Uint8Array(data))
      }
      this.ws.once('pong', onPong)
      this.note('•', `ping (${payload.length} bytes)`)
      this.ws.ping(payload)
    })
  }

  /**
   * The next node frame. Fails the case when none arrives within the deadline, or the connection closes first.
   * `what` says what the case was waiting for (it goes into the failure message).
   */
  async next(what: string, timeoutMs = this.timeoutMs): Promise<NodeFrame> {
    const frame = await this.tryNext(timeoutMs)
    if (frame) return frame
    if (this.closeInfo) {
      throw new CaseFailure(
        `connection closed by the node (code ${this.closeInfo.code}) while waiting for ${what}`,
      )
    }
    throw new CaseFailure(`no reply within ${timeoutMs} ms while waiting for ${what} (silent or slow node)`)
  }

  /** The next node frame, or `undefined` after `timeoutMs` or when the connection closed. */
  async tryNext(timeoutMs: number): Promise<NodeFrame | undefined> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const frame = this.inbox.shift()
      if (frame) return frame
      if (this.closeInfo) return undefined
      const left = deadline - Date.now()
      if (left <= 0) return undefined
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiter = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.waiter = undefined
    }
  }

  /** Fails the case if the node sends anything within `ms` (used for frames the node must ignore). */
  async expectSilence(ms: number, what: string): Promise<void> {
    const frame = await this.tryNext(ms)
    if (frame) throw new CaseFailure(`expected no reply to ${what}, got ${clip(frame.text).slice(0, 300)}`)
    if (this.closeInfo)
      throw new CaseFailure(`the node closed the connection after ${what} (code ${this.closeInfo.code})`)
  }

  /** Wait until the node closes the connection; false after `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (!this.closeInfo && Date.now() < deadline) {
      this.inbox.length = 0
      await this.tryNext(deadline - Date.now())
    }
    return this.closeInfo !== undefined
  }

  /** Close from our side (idempotent). */
  close(): void {
    if (this.ws.readyState === WebSocket.CLOSED || this.ws.readyState === WebSocket.CLOSING) return
    this.closingSide = 'the suite'
    this.ws.close(1000)
  }

  private wake(): void {
    this.waiter?.()
  }
}

/** Raised when a case could not reach the state it tests (e.g. the answer ended before a cancel landed). */
export class Inconclusive extends FabstirBaseError {
  /** Always `'Inconclusive'`. */
  override readonly name: string = 'Inconclusive'

  constructor(message: string, options?: { cause?: unknown }) {
    super('INCONCLUSIVE', message, options)
  }
}

/** Fail the case with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CaseFailure(message)
}
