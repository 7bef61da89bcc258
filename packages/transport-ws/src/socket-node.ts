import WebSocket from 'ws'
import { MAX_PAYLOAD_BYTES, type SocketFactory, type SocketLike } from './socket.js'

/** Node: a `ws` client without compression (the node uses none) and the node's 64 MiB message limit. */
export const defaultSocketFactory: SocketFactory = (url) =>
  new WebSocket(url, { perMessageDeflate: false, maxPayload: MAX_PAYLOAD_BYTES }) as unknown as SocketLike
