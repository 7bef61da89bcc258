/**
 * A carrier without a network: each connection is a connection of the node simulator's sans-IO core, in memory.
 * With it the whole client — queue, deadlines, reconnects, the simulator's faults — runs in a unit test, no socket.
 */
import type { NodeCore } from '../../../packages/node-sim/dist/index.js'
import type { Carrier } from '../../../packages/protocol/dist/index.js'

export function memoryCarrier(node: NodeCore): Carrier {
  return {
    connect(events) {
      let live = true
      const closed = (code: number): void => {
        if (!live) return
        live = false
        events.closed({ code, reason: '', opened: true })
      }
      events.open()
      // Frames reach the client on a later turn, as from a socket (the node is busy until its turn ends);
      // `closeTransport` is the node, or one of its faults, dropping the connection.
      const later = (f: () => void) => setTimeout(f, 0)
      const connection = node.openConnection(
        (text) => later(() => live && events.message(text)),
        () => later(() => closed(1006)),
      )
      return {
        send: (text) => connection.receive(text),
        close: (code) => {
          connection.close()
          closed(code)
        },
      }
    },
  }
}
