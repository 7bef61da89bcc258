import { type AddressInfo, connect, createServer, type Socket } from 'node:net'

/** A byte-level TCP proxy on 127.0.0.1 in front of a simulator, so that tests can cut live connections. */
export interface TcpProxy {
  /** `ws://127.0.0.1:<proxy port>/v1/ws`. */
  readonly url: string
  /** Client-side connections currently open through the proxy. */
  readonly openConnections: number
  /** Connections accepted so far. */
  readonly acceptedConnections: number
  /** Destroy every open connection on both sides, like a network failure or a node crash. */
  dropAll(): void
  /** Resolves when the next client connection is accepted. */
  nextConnection(): Promise<void>
  close(): Promise<void>
}

/** Start a proxy forwarding every TCP connection to `127.0.0.1:targetPort`. */
export async function startProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>()
  let accepted = 0
  const acceptWaiters: (() => void)[] = []
  const server = createServer((client) => {
    accepted++
    const upstream = connect(targetPort, '127.0.0.1')
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    const drop = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', drop)
    upstream.on('error', drop)
    client.on('close', drop)
    upstream.on('close', drop)
    client.pipe(upstream)
    upstream.pipe(client)
    for (const w of acceptWaiters.splice(0)) w()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `ws://127.0.0.1:${port}/v1/ws`,
    get openConnections() {
      return pairs.size
    },
    get acceptedConnections() {
      return accepted
    },
    dropAll() {
      for (const [client, upstream] of [...pairs]) {
        client.destroy()
        upstream.destroy()
      }
      pairs.clear()
    },
    nextConnection() {
      return new Promise((resolve) => acceptWaiters.push(resolve))
    },
    close() {
      for (const [client, upstream] of pairs) {
        client.destroy()
        upstream.destroy()
      }
      pairs.clear()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
