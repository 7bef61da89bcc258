import { MAX_FRAME_BYTES } from '@fabstir/protocol'
import WebSocket from 'ws'
import type { SocketFactory, SocketLike } from './socket.js'

export { connectFailure } from './socket-failure-node.js'

/** Node: a `ws` client without compression (the node uses none) and the node's 64 MiB message limit. */
export const defaultSocketFactory: SocketFactory = (url) =>
  new WebSocket(url, { perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES }) as unknown as SocketLike
