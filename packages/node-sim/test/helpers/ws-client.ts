import WebSocket from 'ws'
import { type Frame, FrameQueue } from './frame-queue.js'

/** A raw WebSocket test client with a frame queue. */
export class WsClient {
  readonly q = new FrameQueue()
  readonly closed: Promise<number>

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.q.push(data.toString())
    })
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)))
  }

  /** Connect and consume the `connected` greeting. */
  static async connect(url: string): Promise<{ client: WsClient; hello: Frame }> {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    const client = new WsClient(ws)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    const hello = await client.q.next()
    return { client, hello }
  }

  /** Send an object as JSON, or a raw string as-is. */
  send(frame: Record<string, unknown> | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Send a frame and return the next frame received. */
  async request(frame: Record<string, unknown> | string): Promise<Frame> {
    this.send(frame)
    return this.q.next()
  }

  /** Close and wait for the close event. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return
    this.ws.close()
    await this.closed
  }
}

/**
 * A state-neutral probe that always gets exactly one reply: an `encrypted_message` for a session that does not exist
 * (→ `SESSION_KEY_NOT_FOUND`). Because the node handles frames in order, receiving the probe's reply next proves
 * that the frames sent before it got no reply.
 */
export const PROBE_SESSION = '__probe_session__'

/** Send the probe and assert that the very next frame is its reply. */
export async function expectNoReplyBefore(
  client: { request(f: Record<string, unknown>): Promise<Frame> },
  probeId = 'probe',
): Promise<void> {
  const reply = await client.request({ type: 'encrypted_message', id: probeId, session_id: PROBE_SESSION })
  if (reply.type !== 'error' || reply.code !== 'SESSION_KEY_NOT_FOUND' || reply.id !== probeId) {
    throw new Error(`expected only the probe reply, got ${JSON.stringify(reply)}`)
  }
}
