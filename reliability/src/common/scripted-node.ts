import { createNodeCore, type NodeCore, type NodeCoreOptions } from '@fabstir/node-sim'
import { type RawWsConnection, type RawWsServer, startRawWsServer } from './raw-ws-server.js'

/** What a scripted node does instead of (or besides) sending one frame of the simulator core. */
export type OutboundAction =
  | { text: string }
  | { binary: Uint8Array }
  /** One text frame announcing this many payload bytes (see {@link RawWsConnection.sendOversizedText}). */
  | { oversized: number }

/** Options: every simulator core option, plus the outbound rewriter. */
export interface ScriptedNodeOptions extends NodeCoreOptions {
  /**
   * Called for every frame the core sends, with its 0-based number on that connection. Return the actions to
   * perform instead; return `undefined` to send the frame unchanged.
   */
  outbound?: (text: string, frameNo: number, conn: RawWsConnection) => OutboundAction[] | undefined
}

/** A running scripted node. */
export interface ScriptedNode {
  readonly url: string
  readonly core: NodeCore
  readonly server: RawWsServer
  /** Every text frame the node received, in order, across connections. */
  readonly inbound: readonly string[]
  /** Payload bytes written by oversized frames, in order. */
  readonly oversizedWritten: readonly number[]
  close(): Promise<void>
}

/**
 * The simulator's sans-IO core behind a raw WebSocket server of our own: it speaks the real protocol, but a test can
 * rewrite, insert or replace any outbound frame — garbage text, binary frames, frames beyond the 64 MiB limit.
 */
export async function startScriptedNode(options: ScriptedNodeOptions = {}): Promise<ScriptedNode> {
  const { outbound, ...coreOptions } = options
  const core = createNodeCore(coreOptions)
  const inbound: string[] = []
  const oversizedWritten: number[] = []
  const server = await startRawWsServer((conn) => {
    let frameNo = 0
    const perform = (action: OutboundAction): void => {
      if ('text' in action) conn.sendText(action.text)
      else if ('binary' in action) conn.sendBinary(action.binary)
      else void conn.sendOversizedText(action.oversized).then((n) => oversizedWritten.push(n))
    }
    const node = core.openConnection(
      (text) => {
        const actions = outbound?.(text, frameNo++, conn)
        if (actions === undefined) conn.sendText(text)
        else for (const a of actions) perform(a)
      },
      () => conn.destroy(),
    )
    conn.onText = (text) => {
      inbound.push(text)
      node.receive(text)
    }
    conn.onClose = () => node.close()
  })
  return {
    url: server.url,
    core,
    server,
    inbound,
    oversizedWritten,
    close: () => server.close(),
  }
}
