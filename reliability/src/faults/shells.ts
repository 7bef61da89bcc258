import { MAX_FRAME_BYTES } from '@fabstir/protocol'
import { type ClientOptions, createClient, type FabstirClient } from '@fabstir/transport-ws'
import WebSocket from 'ws'
import { portShellClient } from '../../../tools/release/examples/port-pair.js'

/** An I/O shell around the client core: how the fault matrix gets a client for a node. */
export interface FaultShell {
  readonly name: 'ws' | 'port'
  createClient(options: ClientOptions): FabstirClient
}

/** `@fabstir/transport-ws`'s `createClient`. */
export const WS_SHELL: FaultShell = { name: 'ws', createClient }

/**
 * The MessagePort shell of docs/custom-transports.md: the client's carrier posts to a real `MessageChannel` whose
 * other end is the example relay, which opens real WebSockets (`ws`, with the node's 64 MiB limit) to `options.url`.
 */
export const PORT_SHELL: FaultShell = {
  name: 'port',
  createClient: (options) =>
    portShellClient(
      options,
      () => new WebSocket(options.url, { perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES }),
    ),
}

/** Every shell the matrix runs on; the first is the reference the others are compared with. */
export const FAULT_SHELLS: readonly FaultShell[] = [WS_SHELL, PORT_SHELL]
