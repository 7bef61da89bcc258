import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { ReliabilityError } from './errors.js'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
const OP_CONTINUATION = 0x0
const OP_TEXT = 0x1
const OP_BINARY = 0x2
const OP_CLOSE = 0x8
const OP_PING = 0x9
/** The raw server refuses client messages above this size (the SDK never sends anything close to it). */
const MAX_INBOUND_BYTES = 8 * 1024 * 1024

/** One accepted WebSocket connection of a {@link RawWsServer}. */
export interface RawWsConnection {
  /** Connection number (1, 2, …) in accept order. */
  readonly id: number
  /** Called with each complete inbound text message. */
  onText: ((text: string) => void) | undefined
  /** Called once when the TCP connection is gone. */
  onClose: (() => void) | undefined
  /** Send a text frame. Ignored after close. */
  sendText(text: string): void
  /** Send a binary frame. */
  sendBinary(bytes: Uint8Array): void
  /**
   * Send one unmasked text frame whose header announces `totalBytes` of payload, then stream filler bytes in 1 MiB
   * pieces (respecting back-pressure) until all are written or the peer drops the connection. Resolves with the
   * number of payload bytes actually written. Server memory stays at one 1 MiB buffer.
   */
  sendOversizedText(totalBytes: number): Promise<number>
  /** Close with a close frame and end the socket. */
  close(code?: number): void
  /** Destroy the TCP socket at once (no close frame). */
  destroy(): void
  /** True once the socket is gone. */
  readonly closed: boolean
}

/** A minimal RFC 6455 server (no extensions) on 127.0.0.1, for tests that must send what a real node never would. */
export interface RawWsServer {
  /** `ws://127.0.0.1:PORT/v1/ws` */
  readonly url: string
  /** Connections currently open. */
  readonly openConnections: number
  /** Stop listening and destroy every connection. */
  close(): Promise<void>
}

function frameHeader(opcode: number, length: number): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, length])
  if (length < 65536) {
    const h = Buffer.alloc(4)
    h[0] = 0x80 | opcode
    h[1] = 126
    h.writeUInt16BE(length, 2)
    return h
  }
  const h = Buffer.alloc(10)
  h[0] = 0x80 | opcode
  h[1] = 127
  h.writeBigUInt64BE(BigInt(length), 2)
  return h
}

/** Incremental parser of masked client frames. */
class FrameReader {
  private buffer: Buffer = Buffer.alloc(0)
  private fragments: Buffer[] = []
  private fragmentOpcode = 0

  constructor(
    private readonly onMessage: (opcode: number, payload: Buffer) => void,
    private readonly onProtocolError: (reason: string) => void,
  ) {}

  push(data: Buffer): void {
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data])
    for (;;) {
      if (this.buffer.length < 2) return
      const b0 = this.buffer[0]!
      const b1 = this.buffer[1]!
      const fin = (b0 & 0x80) !== 0
      const opcode = b0 & 0x0f
      const masked = (b1 & 0x80) !== 0
      let length = b1 & 0x7f
      let offset = 2
      if (length === 126) {
        if (this.buffer.length < 4) return
        length = this.buffer.readUInt16BE(2)
        offset = 4
      } else if (length === 127) {
        if (this.buffer.length < 10) return
        const big = this.buffer.readBigUInt64BE(2)
        if (big > BigInt(MAX_INBOUND_BYTES)) {
          this.onProtocolError('client frame too large')
          return
        }
        length = Number(big)
        offset = 10
      }
      if (!masked) {
        this.onProtocolError('client frame not masked')
        return
      }
      if (length > MAX_INBOUND_BYTES) {
        this.onProtocolError('client frame too large')
        return
      }
      if (this.buffer.length < offset + 4 + length) return
      const mask = this.buffer.subarray(offset, offset + 4)
      const payload = Buffer.from(this.buffer.subarray(offset + 4, offset + 4 + length))
      for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i & 3]!
      this.buffer = this.buffer.subarray(offset + 4 + length)
      if (opcode === OP_CONTINUATION) {
        this.fragments.push(payload)
        if (fin) {
          this.onMessage(this.fragmentOpcode, Buffer.concat(this.fragments))
          this.fragments = []
        }
      } else if (!fin && (opcode === OP_TEXT || opcode === OP_BINARY)) {
        this.fragmentOpcode = opcode
        this.fragments = [payload]
      } else {
        this.onMessage(opcode, payload)
      }
    }
  }
}

function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64')
}

/**
 * Start a raw WebSocket server on 127.0.0.1 (free port) that hands each accepted connection to `onConnection`.
 * It speaks just enough RFC 6455 for the SDK's client: text/binary/close/ping, masked client frames, fragmented
 * messages. Everything the server sends is up to the test, which is the point.
 */
export async function startRawWsServer(onConnection: (conn: RawWsConnection) => void): Promise<RawWsServer> {
  const sockets = new Set<Socket>()
  let nextId = 1
  const server = createServer((_req, res) => res.writeHead(404).end())
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const key = req.headers['sec-websocket-key']
    if (typeof key !== 'string' || req.headers.upgrade?.toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
    )
    socket.setNoDelay(true)
    sockets.add(socket)
    let closed = false
    const write = (opcode: number, payload: Buffer): void => {
      if (closed || socket.destroyed) return
      socket.write(Buffer.concat([frameHeader(opcode, payload.length), payload]))
    }
    const conn: RawWsConnection = {
      id: nextId++,
      onText: undefined,
      onClose: undefined,
      sendText: (text) => write(OP_TEXT, Buffer.from(text, 'utf8')),
      sendBinary: (bytes) => write(OP_BINARY, Buffer.from(bytes)),
      sendOversizedText: async (totalBytes) => {
        if (closed || socket.destroyed) return 0
        socket.write(frameHeader(OP_TEXT, totalBytes))
        const piece = Buffer.alloc(1024 * 1024, 0x61)
        let written = 0
        while (written < totalBytes && !closed && !socket.destroyed) {
          const n = Math.min(piece.length, totalBytes - written)
          const flushed = socket.write(n === piece.length ? piece : piece.subarray(0, n))
          written += n
          if (!flushed) {
            await new Promise<void>((resolve) => {
              const done = (): void => {
                socket.off('drain', done)
                socket.off('close', done)
                resolve()
              }
              socket.on('drain', done)
              socket.on('close', done)
            })
          }
        }
        return written
      },
      close: (code = 1000) => {
        if (closed || socket.destroyed) return
        const payload = Buffer.alloc(2)
        payload.writeUInt16BE(code, 0)
        write(OP_CLOSE, payload)
        socket.end()
      },
      destroy: () => socket.destroy(),
      get closed() {
        return closed
      },
    }
    const reader = new FrameReader(
      (opcode, payload) => {
        if (opcode === OP_TEXT) conn.onText?.(payload.toString('utf8'))
        else if (opcode === OP_PING) write(0xa, payload)
        else if (opcode === OP_CLOSE) {
          write(OP_CLOSE, payload.subarray(0, 2))
          socket.end()
        }
      },
      () => socket.destroy(),
    )
    socket.on('data', (d: Buffer) => reader.push(d))
    socket.on('error', () => socket.destroy())
    socket.on('close', () => {
      closed = true
      sockets.delete(socket)
      conn.onClose?.()
    })
    if (head.length > 0) reader.push(head)
    onConnection(conn)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) =>
      reject(new ReliabilityError('RAW_SERVER', 'cannot listen on 127.0.0.1', {}, { cause })),
    )
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    url: `ws://127.0.0.1:${port}/v1/ws`,
    get openConnections() {
      return sockets.size
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}
