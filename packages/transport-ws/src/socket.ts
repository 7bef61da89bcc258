/**
 * The part of the WebSocket API the client uses. Both `ws` (Node) and the browser's native `WebSocket` provide it,
 * so do custom factories (e.g. for tests, proxies or other runtimes).
 */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
}

/** Opens a socket to `url`. The default is `ws` in Node and the native `WebSocket` in browsers. */
export type SocketFactory = (url: string) => SocketLike

/** `WebSocket.OPEN` */
export const OPEN = 1

/** The node's message size limit (PROTOCOL.md §1). */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
