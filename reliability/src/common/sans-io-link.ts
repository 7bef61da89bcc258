import type { NodeConnection, NodeCore } from '@fabstir/node-sim'
import { stringifyJson } from '@fabstir/wire'

/**
 * An in-memory connection to a simulator core — no socket: client frames go to `connection.receive`, node frames
 * are collected in order. The caller decides when and whether to feed them to a session.
 */
export class SansIoLink {
  /** Node frames not yet taken. */
  private readonly pending: string[] = []
  /** True once the node asked to close the transport (close fault). */
  closedByNode = false
  readonly connection: NodeConnection

  constructor(core: NodeCore) {
    this.connection = core.openConnection(
      (text) => this.pending.push(text),
      () => {
        this.closedByNode = true
      },
    )
  }

  /** Send a client frame (objects are serialized losslessly). */
  send(frame: object | string): void {
    this.connection.receive(typeof frame === 'string' ? frame : stringifyJson(frame))
  }

  /** Wait until the node is not streaming any more on this connection. */
  async settle(): Promise<void> {
    await this.connection.idle
  }

  /** Take every node frame received so far. */
  take(): string[] {
    return this.pending.splice(0)
  }

  /** Send a frame, wait for the node to finish answering, and take its frames. */
  async exchange(frame: object | string): Promise<string[]> {
    this.send(frame)
    await this.settle()
    return this.take()
  }
}
